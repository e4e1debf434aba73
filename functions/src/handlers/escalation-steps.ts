import type { HttpFunction, Response } from '@google-cloud/functions-framework';
import { z } from 'zod';
import type { StatusMove } from '../domain/case-change.js';
import {
  ackTimeoutSeconds, ackWindowPassed, beginAwaitingPartner, partnerWebhookBody, recordNotification, type StepDecision,
} from '../domain/partner-escalation.js';
import { domainError, type DomainError, type Result } from '../domain/result.js';
import { DocumentId, type Case } from '../domain/case-model.js';
import type { PartnerNotifier } from '../ports/partner-notifier.js';
import { toFieldIssues } from '../domain/zod-issues.js';
import { checkBody, pathId } from './http-body.js';
import { sendError } from './http-errors.js';
import { publishCaseUpdated, type StepDeps } from './step-deps.js';

export interface EscalationStepsDeps extends StepDeps {
  notifier: PartnerNotifier;
  /** Partners call back here: `${publicUrl}/partners/{partnerId}/callbacks`. */
  publicUrl: string;
}

const StartBody = z.object({ partnerId: DocumentId, claimId: z.string().min(1), executionId: z.string().min(1), callbackUrl: z.url() });
const NotifyBody = z.object({ partnerId: DocumentId, level: z.number().int().nonnegative(), gaveUp: z.boolean().optional() });
const TimeoutBody = z.object({ partnerId: DocumentId, level: z.number().int().nonnegative() });

/**
 * The internal function the `partner-escalation` workflow calls for every step, so that the
 * workflow never writes Firestore itself and every step lands on the case timeline. Internal only:
 * in production it accepts internal traffic with an OIDC token from the workflow's service account.
 *
 * POST /escalations/{caseId}/start | notify | ack-timeout
 */
export function escalationStepsHandler(deps: EscalationStepsDeps): HttpFunction {
  return async (req, res) => {
    const match = /^\/escalations\/([^/]+)\/(start|notify|ack-timeout)$/.exec(req.path);
    if (!match?.[1] || !match[2] || req.method !== 'POST') {
      sendError(res, domainError('not_found', `Nothing here: ${req.method} ${req.path}`));
      return;
    }
    const kind = checkBody(req, ['json']);
    if (!kind.ok) {
      sendError(res, kind.error);
      return;
    }
    const caseId = pathId(match[1]);
    if (!caseId) {
      sendError(res, domainError('unknown_case', 'Not a case ID.'));
      return;
    }
    const log = deps.log.with({ step: `escalation.${match[2]}`, caseId });
    const body: unknown = req.body;
    switch (match[2]) {
      case 'start':
        return withBody(res, StartBody, body, (b) => start(deps, caseId, b, res));
      case 'notify':
        return withBody(res, NotifyBody, body, (b) => notify(deps, caseId, b, res, log));
      default:
        return withBody(res, TimeoutBody, body, (b) => ackTimeout(deps, caseId, b, res));
    }
  };
}

async function withBody<T>(res: Response, schema: z.ZodType<T>, body: unknown, run: (b: T) => Promise<void>): Promise<void> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    sendError(res, domainError('invalid_request', 'The step request has problems.', { issues: toFieldIssues(parsed.error) }));
    return;
  }
  await run(parsed.data);
}

/** Applies a step decision in a transaction; the decision is remembered from the (last) attempt. */
async function decideAndApply(deps: StepDeps, caseId: string, partnerId: string, decide: (current: Case) => Result<StepDecision>) {
  let decision: Result<StepDecision> | undefined;
  const result = await deps.store.updateCase(caseId, (current) => {
    // A workflow may only act on the case it was started for, for the partner it was started with.
    if (current.partnerId !== partnerId) {
      decision = { ok: false, error: domainError('unknown_case', 'No such case is escalated to this partner.') };
      return null;
    }
    decision = decide(current);
    return decision.ok ? decision.value.change : null;
  });
  if (!result.found) return { ok: false as const, error: domainError('unknown_case', `No case ${caseId}.`) };
  if (!decision) throw new Error('no decision was made');
  if (!decision.ok) return decision;
  await publishMoves(deps, caseId, result.case, decision.value.moves);
  return { ok: true as const, value: decision.value };
}

async function publishMoves(deps: StepDeps, caseId: string, current: Case, moves: StatusMove[]): Promise<void> {
  // Nothing moved (a retried step): publish the current status again, so a crash after the commit loses no notice.
  if (moves.length === 0) await publishCaseUpdated(deps.bus, current, caseId, undefined);
  await Promise.all(moves.map((m) => publishCaseUpdated(deps.bus, { status: m.to, version: current.version }, caseId, undefined, m.from)));
}

function reply(res: Response, outcome: { ok: true; value: StepDecision } | { ok: false; error: DomainError }): void {
  if (outcome.ok) res.status(200).json(outcome.value.instruction);
  else sendError(res, outcome.error);
}

async function start(deps: EscalationStepsDeps, caseId: string, body: z.infer<typeof StartBody>, res: Response): Promise<void> {
  const partner = await deps.registry.partner(body.partnerId);
  if (!partner) return sendError(res, domainError('unknown_case', `No partner ${body.partnerId}.`));
  const at = deps.clock.now();
  reply(res, await decideAndApply(deps, caseId, body.partnerId, (c) => beginAwaitingPartner(c, body, partner, at)));
}

async function ackTimeout(deps: EscalationStepsDeps, caseId: string, body: z.infer<typeof TimeoutBody>, res: Response): Promise<void> {
  const partner = await deps.registry.partner(body.partnerId);
  if (!partner) return sendError(res, domainError('unknown_case', `No partner ${body.partnerId}.`));
  const at = deps.clock.now();
  reply(res, await decideAndApply(deps, caseId, body.partnerId, (c) => ackWindowPassed(c, body.level, partner, at)));
}

/**
 * Signs and sends the partner webhook for the case's current level. The partner's 429 and 5xx (and
 * no answer at all) come back as 429/502 so the workflow's retry policy backs off and tries again;
 * any other refusal is recorded and not retried. Retries reuse the webhook ID, so the partner can
 * drop duplicates.
 */
async function notify(deps: EscalationStepsDeps, caseId: string, body: z.infer<typeof NotifyBody>, res: Response, log: StepDeps['log']): Promise<void> {
  const [current, partner] = await Promise.all([deps.store.getCase(caseId), deps.registry.partner(body.partnerId)]);
  if (!current || !partner || current.partnerId !== body.partnerId) return sendError(res, domainError('unknown_case', `No case ${caseId} for ${body.partnerId}.`));
  const webhookId = `${caseId}.level-${body.level}`;
  // The workflow waits for what is left of the window when notify answers, not what was left before
  // its retries: the deadline the partner was given is the one that counts.
  const waitSeconds = () => (current.escalation?.ackDueAt ? ackTimeoutSeconds(current.escalation.ackDueAt, deps.clock.now()) : 0);
  if (body.gaveUp) {
    await deps.store.updateCase(caseId, (c) => recordNotification(c, { level: body.level, webhookId, status: 0, delivered: false }, deps.clock.now()));
    res.status(200).json({ delivered: false, ackTimeoutSeconds: waitSeconds() });
    return;
  }
  if (current.status !== 'awaiting_partner' || current.escalation?.level !== body.level) {
    res.status(200).json({ delivered: false, ackTimeoutSeconds: 0, reason: `case is ${current.status} at level ${current.escalation?.level ?? '-'}` });
    return;
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
    res.status(delivery.status === 429 ? 429 : 502).json({ error: { code: 'partner_unavailable', message: `The partner answered ${delivery.status || 'nothing'}.` } });
    return;
  }
  const delivered = delivery.status >= 200 && delivery.status < 300;
  await deps.store.updateCase(caseId, (c) => recordNotification(c, { level: body.level, webhookId, status: delivery.status, delivered }, deps.clock.now()));
  res.status(200).json({ delivered, status: delivery.status, ackTimeoutSeconds: waitSeconds() });
}
