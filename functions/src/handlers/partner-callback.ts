import { createHash } from 'node:crypto';
import type { HttpFunction, Request } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { applyPartnerEvent, PARTNER_EVENT_TYPES, type CallbackDecision } from '../domain/partner-escalation.js';
import { DocumentId, IsoTime } from '../domain/case-model.js';
import { domainError, type DomainError } from '../domain/result.js';
import { toFieldIssues } from '../domain/zod-issues.js';
import type { Logger } from '../ports/logger.js';
import type { SecretStore } from '../ports/secret-store.js';
import type { WorkflowCallbacks } from '../ports/workflow-starter.js';
import { verifyWebhook } from '../adapters/standard-webhooks.js';
import { checkBody, pathId } from './http-body.js';
import { sendError } from './http-errors.js';
import { publishCaseUpdated, type StepDeps } from './step-deps.js';

export interface PartnerCallbackDeps extends StepDeps {
  secrets: SecretStore;
  workflowCallbacks: WorkflowCallbacks;
  /** Attempts and first delay for handing the answer to the workflow after a transient failure. */
  forwardRetry?: { attempts: number; initialDelayMs: number };
}

const CallbackBody = z.object({
  type: z.enum(PARTNER_EVENT_TYPES),
  caseRef: DocumentId,
  partnerTicketId: z.string().min(1).max(200).optional(),
  message: z.string().max(10_000).optional(),
  occurredAt: IsoTime,
});

const unknownCase = (): DomainError => domainError('unknown_case', 'No such case is escalated to this partner.');

/**
 * `POST /partners/{partnerId}/callbacks`: a partner's answer about an escalated case.
 *
 * Order matters: size and type, then the signature on the raw bytes (constant time, every secret of
 * the partner), and only then does Tandem parse the body. (The Functions Framework has already parsed
 * a copy for `req.body`; Tandem never reads it: README, design notes.) The state change, the `webhook-id` receipt (replay
 * protection) and the timeline event commit in one transaction; then `case-updated` is published
 * and, while the escalation workflow waits for this answer, the event is forwarded to it.
 */
export function partnerCallbackHandler(deps: PartnerCallbackDeps): HttpFunction {
  const retry = deps.forwardRetry ?? { attempts: 3, initialDelayMs: 100 };
  return async (req, res) => {
    const match = /^\/partners\/([^/]+)\/callbacks\/?$/.exec(req.path);
    if (!match?.[1]) return sendError(res, domainError('not_found', `Nothing here: ${req.method} ${req.path}`));
    if (req.method !== 'POST') {
      res.set('Allow', 'POST');
      return sendError(res, domainError('method_not_allowed', 'Partner callbacks are POSTed.'));
    }
    const partnerId = pathId(match[1]);
    const kind = checkBody(req, ['json']);
    if (!kind.ok) return sendError(res, kind.error);
    if (!partnerId) return sendError(res, unknownCase());

    const [partner, secrets] = await Promise.all([deps.registry.partner(partnerId), deps.secrets.partnerWebhookSecrets(partnerId)]);
    // An unknown partner learns nothing more than a wrong case would tell it.
    if (!partner || secrets.length === 0) return sendError(res, unknownCase());

    const verified = verifyWebhook({ rawBody: rawBodyOf(req), headers: webhookHeadersOf(req), secrets, now: deps.clock.now() });
    const log = deps.log.with({ step: 'partnerCallback', partnerId });
    if (!verified.ok) {
      log.warn('partner callback refused: bad signature', { reason: verified.error.details?.reason });
      return sendError(res, verified.error);
    }

    const parsed = CallbackBody.safeParse(parseJson(rawBodyOf(req)));
    if (!parsed.success) {
      return sendError(res, domainError('invalid_request', 'The callback body has problems.', { issues: toFieldIssues(parsed.error) }));
    }
    const { caseRef: caseId, ...event } = parsed.data;
    const webhookId = verified.value.webhookId;
    const at = deps.clock.now();
    let decision: { ok: true; value: CallbackDecision } | { ok: false; error: DomainError } | undefined;
    const result = await deps.store.updateCase(
      caseId,
      (current) => {
        if (current.partnerId !== partnerId || !current.escalation) {
          decision = { ok: false, error: unknownCase() };
          return null;
        }
        decision = applyPartnerEvent(current, partnerId, { ...event, webhookId }, at);
        return decision.ok ? decision.value.change : null;
      },
      { receipt: { id: receiptId(partnerId, webhookId), data: { partnerId, webhookId, type: event.type } } },
    );
    const caseLog = log.with({ caseId, webhookId, type: event.type });
    if (!result.found) return sendError(res, unknownCase());
    if (result.duplicate) {
      // Applied before, but the first delivery may have crashed before its publish or hand-over:
      // both again (the consumer drops a case-updated version it has seen; an ended execution answers 404).
      caseLog.info('partner callback replayed; already applied');
      const held = result.case.escalation;
      await publishCaseUpdated(deps.bus, result.case, caseId, undefined);
      if (held?.callbackUrl && held.outcome && held.outcome !== 'ladder_exhausted') {
        await forwardToWorkflow(deps.workflowCallbacks, held.callbackUrl, { ...event, caseRef: caseId, webhookId }, retry, caseLog);
      }
      res.status(200).json({ status: result.case.status, duplicate: true });
      return;
    }
    if (!decision) throw new Error('no decision was made');
    if (!decision.ok) {
      caseLog.warn('partner callback refused', { code: decision.error.code });
      return sendError(res, decision.error);
    }
    const { moves, resumesWorkflow } = decision.value;
    await Promise.all(moves.map((m) => publishCaseUpdated(deps.bus, { status: m.to, version: result.case.version }, caseId, undefined, m.from)));
    const callbackUrl = result.case.escalation?.callbackUrl;
    if (resumesWorkflow && callbackUrl) await forwardToWorkflow(deps.workflowCallbacks, callbackUrl, { ...event, caseRef: caseId, webhookId }, retry, caseLog);
    caseLog.info('partner callback applied', { status: result.case.status });
    res.status(202).json({ status: result.case.status });
  };
}

/**
 * Hands the partner's answer to the escalation workflow. The service keeps a callback that arrives
 * before the execution waits, so only a transient failure is retried (briefly: the partner is
 * waiting for our answer); a 404 means the execution has ended. If the hand-over still fails,
 * nothing is lost: the state change is committed, a replay of the same webhook-id hands it over
 * again, and otherwise the acknowledgement timeout finds the partner engaged and stops.
 */
async function forwardToWorkflow(
  callbacks: WorkflowCallbacks,
  callbackUrl: string,
  body: Record<string, unknown>,
  retry: { attempts: number; initialDelayMs: number },
  log: Logger,
): Promise<void> {
  for (let attempt = 1; attempt <= retry.attempts; attempt++) {
    try {
      if (!(await callbacks.deliver(callbackUrl, body)).accepted) log.info('the escalation workflow has already ended');
      return;
    } catch (error) {
      log.warn('handing the answer to the escalation workflow failed', { attempt, error });
    }
    if (attempt < retry.attempts) await new Promise((r) => setTimeout(r, retry.initialDelayMs * 2 ** (attempt - 1)));
  }
}

const receiptId = (partnerId: string, webhookId: string) => createHash('sha256').update(`partner-webhook\n${partnerId}\n${webhookId}`).digest('hex');

/** The bytes as sent: the Functions Framework keeps them beside the parsed body. */
const rawBodyOf = (req: Request): Buffer => req.rawBody ?? Buffer.alloc(0);

const webhookHeadersOf = (req: Request) => ({
  id: req.get('webhook-id'),
  timestamp: req.get('webhook-timestamp'),
  signature: req.get('webhook-signature'),
});

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
