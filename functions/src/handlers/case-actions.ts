import { createHash, randomUUID } from 'node:crypto';
import type { HttpFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { decided, publishing, type Decision } from '../domain/case-change.js';
import { CaseActionRequest, decideAction, type ActionDecision } from '../domain/case-actions.js';
import { CaseStatus, type Case } from '../domain/case-model.js';
import { canSee } from '../domain/case-visibility.js';
import { domainError, fail, ok, type DomainError, type Result } from '../domain/result.js';
import type { CaseUpdateOutcome, DuplicateRequest } from '../ports/case-store.js';
import type { IdentityVerifier } from '../ports/identity.js';
import type { WorkflowCallbacks } from '../ports/workflow-starter.js';
import { authenticate } from './authenticate.js';
import { httpFunction, json, route, spec, validate, type HttpAnswer, type RouteContext } from './http-function.js';
import { idempotencyKeyOf } from './idempotency-key.js';
import type { StepDeps } from './step-deps.js';
import { DEFAULT_HANDOVER_RETRY, forwardToWorkflow } from './workflow-handover.js';

export interface CaseActionsDeps extends StepDeps {
  config: StepDeps['config'] & { projectId: string };
  identity: IdentityVerifier;
  workflowCallbacks: WorkflowCallbacks;
}

/** What an action is answered with: where the case is now, and the event it appended. */
export const ActionTaken = z.object({
  caseId: z.string(),
  status: CaseStatus,
  version: z.number().int(),
  event: z.object({ id: z.string(), type: z.string() }).nullable(),
});
type ActionTaken = z.infer<typeof ActionTaken>;

const unknownCase = (): DomainError => domainError('unknown_case', 'No such case, or not one you can see.');

export const CASE_ACTIONS_ROUTE = spec({
  method: 'POST',
  path: '/cases/{caseId}/actions',
  summary: 'Act on a case: reply, note, assign, change the priority, ask, resolve, refer, escalate, answer as the partner, withdraw, confirm, reopen',
  badParam: unknownCase,
  // Validated after the caller is known (act): without a valid token, a bad body is 401, not 400.
  documentedBody: CaseActionRequest,
  headers: {
    Authorization: { description: 'Bearer <ID token>', required: true },
    'Idempotency-Key': { description: 'The same key again gets the same answer, and nothing happens twice.' },
  },
  responses: {
    200: { description: 'Applied: the case as it is now and the event appended (or, for a repeated Idempotency-Key, the first answer).', schema: ActionTaken },
    400: { description: 'The request has problems: every one of them.' },
    401: { description: 'No ID token, or a bad or expired one.' },
    403: { description: 'Your role may not take this action on this case.' },
    404: { description: 'No such case, or one you cannot see.' },
    409: { description: 'The case is not in a status that allows the action (`status` says which), the case changed since you loaded it (`version_conflict`), or the Idempotency-Key was used for another action.' },
  },
});

/**
 * `POST /cases/{caseId}/actions`: authenticate, validate, and apply one action as one transaction
 * through the domain's decision (domain/case-actions.ts); then publish what it caused —
 * `case-updated` for every action, `escalation-requested` for an escalation — and hand a partner's
 * answer to a waiting escalation workflow, as a signed callback would.
 */
export function caseActionsHandler(deps: CaseActionsDeps): HttpFunction {
  return httpFunction('caseActions', { log: deps.log, projectId: deps.config.projectId }, [
    route(CASE_ACTIONS_ROUTE, (_input, context) => act(deps, context)),
  ]);
}

async function act(deps: CaseActionsDeps, { req, params, log }: RouteContext): Promise<Result<HttpAnswer>> {
  const caller = await authenticate(deps.identity, req);
  if (!caller.ok) return caller;
  const parsed = validate(CaseActionRequest, req.body, 'The action has problems; fix the fields listed and send it again.');
  if (!parsed.ok) return parsed;
  const request = parsed.value;
  const caseId = params.caseId!;
  const key = idempotencyKeyOf(req);
  if (!key.ok) return key;
  const partners = request.action === 'escalate_to_partner' ? await deps.registry.partners() : [];
  const at = deps.clock.now();
  const fingerprint = createHash('sha256').update(JSON.stringify(request)).digest('hex');
  const receipt = key.value ? receiptId(caller.value.uid, caseId, key.value) : undefined;
  const actionId = `action-${receipt ?? randomUUID()}`;

  const decide = (current: Case): Decision<Result<ActionDecision>> => {
    if (!canSee(caller.value, current)) return { change: null, result: fail(unknownCase()) };
    const decision = decided(
      decideAction(current, request, {
        caller: caller.value,
        at,
        firstResponseMinutes: deps.config.firstResponseMinutes,
        partnerExists: (id) => partners.some((p) => p.id === id),
        actionId,
      }),
    );
    const escalateTo = decision.result.ok ? decision.result.value.escalateTo : null;
    return escalateTo
      ? { ...decision, change: publishing(decision.change, { topic: 'escalation-requested', type: 'escalation.requested', data: { caseId, partnerId: escalateTo } }) }
      : decision;
  };
  const answerOf = (c: { status: CaseStatus; version: number }, eventIds: string[], decision?: ActionDecision): ActionTaken => ({
    caseId,
    status: c.status,
    version: c.version,
    event: eventIds[0] && decision ? { id: eventIds.at(-1)!, type: decision.change.events.at(-1)!.type } : null,
  });

  const result: CaseUpdateOutcome<Result<ActionDecision>> | DuplicateRequest = receipt
    ? await deps.store.updateCaseOnce(
        caseId,
        { id: receipt, data: (c, ids, decision) => ({ fingerprint, answer: answerOf(c, ids, decision.ok ? decision.value : undefined) }) },
        decide,
      )
    : await deps.store.updateCase(caseId, decide);
  if (!result.found) return fail(unknownCase());
  if (result.duplicate) {
    if (result.receipt.fingerprint !== fingerprint) {
      return fail(domainError('idempotency_conflict', 'This Idempotency-Key was already used for a different action.'));
    }
    return json(200, result.receipt.answer);
  }
  if (!result.result.ok) {
    log.info('case action refused', { caseId, action: request.action, code: result.result.error.code });
    return result.result;
  }
  const decision = result.result.value;
  const committed = result.case;
  const callbackUrl = committed.escalation?.callbackUrl;
  if (decision.resumesWorkflow && decision.partnerEvent && callbackUrl) {
    const body = { type: decision.partnerEvent, caseRef: caseId, webhookId: actionId, ...('message' in request && request.message ? { message: request.message } : {}) };
    await forwardToWorkflow(deps.workflowCallbacks, callbackUrl, body, DEFAULT_HANDOVER_RETRY, log.with({ caseId }));
  }
  log.info('case action applied', { caseId, action: request.action, role: caller.value.role, status: committed.status });
  return ok({ status: 200, json: answerOf(committed, result.eventIds, decision) });
}

/** A key is the caller's own, for one case: the same key on another case is another action (and finds no other case's receipt). */
const receiptId = (uid: string, caseId: string, key: string) => createHash('sha256').update(`case-action\n${uid}\n${caseId}\n${key}`).digest('hex');
