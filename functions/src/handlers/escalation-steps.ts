import type { HttpFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { decided, justChange } from '../domain/case-change.js';
import {
  ackTimeoutSeconds, ackWindowPassed, beginAwaitingPartner, partnerWebhookBody, recordNotification, type StepDecision,
} from '../domain/partner-escalation.js';
import { domainError, fail, type Result } from '../domain/result.js';
import { CaseStatus, DocumentId, type Case } from '../domain/case-model.js';
import type { Logger } from '../ports/logger.js';
import type { PartnerNotifier } from '../ports/partner-notifier.js';
import { httpFunction, json, route, spec, type HttpAnswer } from './http-function.js';
import type { StepDeps } from './step-deps.js';

export interface EscalationStepsDeps extends StepDeps {
  config: StepDeps['config'] & { projectId: string };
  notifier: PartnerNotifier;
  /** Partners call back here: `${publicUrl}/partners/{partnerId}/callbacks`. */
  publicUrl: string;
}

export const StartBody = z.object({ partnerId: DocumentId, claimId: z.string().min(1), executionId: z.string().min(1), callbackUrl: z.url() });
export const NotifyBody = z.object({ partnerId: DocumentId, level: z.number().int().nonnegative(), gaveUp: z.boolean().optional() });
export const TimeoutBody = z.object({ partnerId: DocumentId, level: z.number().int().nonnegative() });

/** What the workflow is told to do next: wait for the partner (for so long), or stop. */
export const Instruction = z.union([
  z.object({ action: z.literal('wait'), level: z.number().int(), ackTimeoutSeconds: z.number().int(), ackDueAt: z.string() }),
  z.object({ action: z.literal('stop'), reason: z.string(), status: CaseStatus }),
]);

/** How the notify step went: delivered or refused, and how long the workflow waits for the answer. */
export const Notified = z.object({
  delivered: z.boolean(),
  status: z.number().int().optional(),
  ackTimeoutSeconds: z.number().int().nonnegative(),
  reason: z.string().optional(),
});

const stepResponses = (ok: string, schema: z.ZodType) => ({
  200: { description: ok, schema },
  400: { description: 'The step request has problems.' },
  404: { description: 'No such case escalated to this partner, or no such partner.' },
});

const badCase = () => domainError('unknown_case', 'Not a case ID.');

/** The routes of `escalationSteps`: what each step takes and answers (docs/openapi.json). */
export const ESCALATION_STEP_ROUTES = {
  start: spec({
    method: 'POST',
    path: '/escalations/{caseId}/start',
    summary: 'The workflow started: the case awaits the partner and the acknowledgement clock runs',
    badParam: badCase,
    body: StartBody,
    responses: stepResponses('What the workflow does next.', Instruction),
  }),
  notify: spec({
    method: 'POST',
    path: '/escalations/{caseId}/notify',
    summary: 'Send the signed webhook to the partner at the current ladder level',
    badParam: badCase,
    body: NotifyBody,
    responses: {
      ...stepResponses('Delivered, or refused for good (recorded): how long to wait for the answer.', Notified),
      429: { description: 'The partner asked us to slow down: the workflow retries with backoff.' },
      502: { description: 'The partner answered 5xx or nothing: the workflow retries with backoff.' },
    },
  }),
  ackTimeout: spec({
    method: 'POST',
    path: '/escalations/{caseId}/ack-timeout',
    summary: 'The acknowledgement window passed: climb the ladder, or take the case back',
    badParam: badCase,
    body: TimeoutBody,
    responses: stepResponses('What the workflow does next.', Instruction),
  }),
};

/**
 * The internal function the `partner-escalation` workflow calls for every step, so that the
 * workflow never writes Firestore itself and every step lands on the case timeline. Internal only:
 * in production it accepts internal traffic with an OIDC token from the workflow's service account.
 */
export function escalationStepsHandler(deps: EscalationStepsDeps): HttpFunction {
  const routes = ESCALATION_STEP_ROUTES;
  return httpFunction('escalationSteps', { log: deps.log, projectId: deps.config.projectId }, [
    route(routes.start, (body, { params }) => start(deps, params.caseId!, body)),
    route(routes.notify, (body, { params, log }) => notify(deps, params.caseId!, body, log)),
    route(routes.ackTimeout, (body, { params }) => ackTimeout(deps, params.caseId!, body)),
  ]);
}

const unknownPartner = (partnerId: string) => domainError('unknown_partner', `No partner ${partnerId} is registered.`);

/** Applies a step decision in a transaction; a workflow may only act on the case it was started for, for its partner. */
async function decideAndApply(deps: StepDeps, caseId: string, partnerId: string, decide: (current: Case) => Result<StepDecision>): Promise<Result<HttpAnswer>> {
  const result = await deps.store.updateCase(caseId, (current) =>
    current.partnerId !== partnerId
      ? { change: null, result: fail(domainError('unknown_case', 'No such case is escalated to this partner.')) }
      : decided(decide(current)),
  );
  if (!result.found) return fail(domainError('unknown_case', `No case ${caseId}.`));
  if (!result.result.ok) return result.result;
  // What the step changed is announced through the outbox the store wrote in the same commit.
  return json(200, result.result.value.instruction);
}

async function start(deps: EscalationStepsDeps, caseId: string, body: z.infer<typeof StartBody>): Promise<Result<HttpAnswer>> {
  const partner = await deps.registry.partner(body.partnerId);
  if (!partner) return fail(unknownPartner(body.partnerId));
  const at = deps.clock.now();
  return decideAndApply(deps, caseId, body.partnerId, (c) => beginAwaitingPartner(c, body, partner, at));
}

async function ackTimeout(deps: EscalationStepsDeps, caseId: string, body: z.infer<typeof TimeoutBody>): Promise<Result<HttpAnswer>> {
  const partner = await deps.registry.partner(body.partnerId);
  if (!partner) return fail(unknownPartner(body.partnerId));
  const at = deps.clock.now();
  return decideAndApply(deps, caseId, body.partnerId, (c) => ackWindowPassed(c, body.level, partner, at));
}

/**
 * Signs and sends the partner webhook for the case's current level. The partner's 429 and 5xx (and
 * no answer at all) come back as 429/502 so the workflow's retry policy backs off and tries again;
 * any other refusal is recorded and not retried. Retries reuse the webhook ID, so the partner can
 * drop duplicates.
 */
async function notify(deps: EscalationStepsDeps, caseId: string, body: z.infer<typeof NotifyBody>, log: Logger): Promise<Result<HttpAnswer>> {
  const [current, partner] = await Promise.all([deps.store.getCase(caseId), deps.registry.partner(body.partnerId)]);
  if (!partner) return fail(unknownPartner(body.partnerId));
  if (!current || current.partnerId !== body.partnerId) return fail(domainError('unknown_case', `No case ${caseId} for ${body.partnerId}.`));
  const webhookId = `${caseId}.level-${body.level}`;
  // The workflow waits for what is left of the window when notify answers, not what was left before
  // its retries: the deadline the partner was given is the one that counts.
  const waitSeconds = () => (current.escalation?.ackDueAt ? ackTimeoutSeconds(current.escalation.ackDueAt, deps.clock.now()) : 0);
  const record = (status: number, delivered: boolean) =>
    deps.store.updateCase(caseId, (c) => justChange(recordNotification(c, { level: body.level, webhookId, status, delivered }, deps.clock.now())));
  if (body.gaveUp) {
    await record(0, false);
    return json(200, { delivered: false, ackTimeoutSeconds: waitSeconds() });
  }
  if (current.status !== 'awaiting_partner' || current.escalation?.level !== body.level) {
    return json(200, { delivered: false, ackTimeoutSeconds: 0, reason: `case is ${current.status} at level ${current.escalation?.level ?? '-'}` });
  }
  const org = await deps.registry.org(current.orgId);
  const delivery = await deps.notifier.send({
    partnerId: body.partnerId,
    url: partner.webhookUrl,
    webhookId,
    body: partnerWebhookBody(current, caseId, org?.name ?? current.orgId, `${deps.publicUrl}/partners/${encodeURIComponent(body.partnerId)}/callbacks`, partner.escalationLadder),
  });
  const retryable = delivery.status === 0 || delivery.status === 429 || delivery.status >= 500;
  if (retryable) {
    log.warn('partner webhook not delivered; the workflow retries', { status: delivery.status, level: body.level });
    const code = delivery.status === 429 ? 'partner_rate_limited' : 'partner_unavailable';
    return fail(domainError(code, `The partner answered ${delivery.status || 'nothing'}.`, { details: { partnerStatus: delivery.status } }));
  }
  const delivered = delivery.status >= 200 && delivery.status < 300;
  await record(delivery.status, delivered);
  return json(200, { delivered, status: delivery.status, ackTimeoutSeconds: waitSeconds() });
}
