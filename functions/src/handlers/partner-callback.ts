import { createHash } from 'node:crypto';
import type { HttpFunction, Request } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { decided } from '../domain/case-change.js';
import { CaseStatus, DocumentId, IsoTime } from '../domain/case-model.js';
import { applyPartnerEvent, PARTNER_EVENT_TYPES } from '../domain/partner-escalation.js';
import { domainError, fail, type DomainError, type Result } from '../domain/result.js';
import type { Logger } from '../ports/logger.js';
import type { SecretStore } from '../ports/secret-store.js';
import type { WebhookVerifier } from '../ports/webhook-verifier.js';
import type { WorkflowCallbacks } from '../ports/workflow-starter.js';
import { httpFunction, json, route, spec, validate, type HttpAnswer } from './http-function.js';
import type { StepDeps } from './step-deps.js';
import { DEFAULT_HANDOVER_RETRY, forwardToWorkflow, type HandoverRetry } from './workflow-handover.js';

export interface PartnerCallbackDeps extends StepDeps {
  config: StepDeps['config'] & { projectId: string };
  secrets: SecretStore;
  verifyWebhook: WebhookVerifier;
  workflowCallbacks: WorkflowCallbacks;
  /** Attempts and first delay for handing the answer to the workflow after a transient failure. */
  forwardRetry?: HandoverRetry;
}

export const CallbackBody = z.object({
  type: z.enum(PARTNER_EVENT_TYPES),
  caseRef: DocumentId,
  partnerTicketId: z.string().min(1).max(200).optional(),
  message: z.string().max(10_000).optional(),
  occurredAt: IsoTime,
});

const unknownCase = (): DomainError => domainError('unknown_case', 'No such case is escalated to this partner.');

/** What a callback is answered with, when it was taken (202) or taken before (200). */
export const CallbackAccepted = z.object({ status: CaseStatus, duplicate: z.literal(true).optional() });

/**
 * `POST /partners/{partnerId}/callbacks`: a partner's answer about an escalated case.
 *
 * Order matters: size and type, then the signature on the raw bytes (constant time, every secret of
 * the partner), and only then does Tandem parse the body. (The Functions Framework has already parsed
 * a copy for `req.body`; Tandem never reads it.) The state change, the `webhook-id` receipt (replay
 * protection) and the timeline event commit in one transaction; then `case-updated` is published
 * and, while the escalation workflow waits for this answer, the event is forwarded to it.
 */
/** The partner callback route: what it takes and answers (docs/openapi.json). */
export const PARTNER_CALLBACK_ROUTE = spec({
  method: 'POST',
  path: '/partners/{partnerId}/callbacks',
  summary: "A partner's answer about a case escalated to it (Standard Webhooks signature)",
  badParam: unknownCase,
  documentedBody: CallbackBody,
  headers: {
    'webhook-id': { description: "The message's ID; a retry of the same message reuses it.", required: true },
    'webhook-timestamp': { description: 'Seconds since the epoch; within 5 minutes of now.', required: true },
    'webhook-signature': { description: 'Space-separated `v1,<base64 HMAC-SHA256 of id.timestamp.body>` entries.', required: true },
  },
  responses: {
    202: { description: 'Taken: the case changed, its timeline has the answer, a waiting workflow was resumed.', schema: CallbackAccepted },
    200: { description: 'This webhook-id was taken before: nothing happens twice.', schema: CallbackAccepted },
    400: {
      description:
        'The body has problems (after a valid signature), or is not JSON at all: the Functions Framework parses a JSON body before Tandem checks its signature, and refuses one it cannot parse.',
    },
    401: { description: 'The signature is missing, wrong, or its timestamp is outside 5 minutes.' },
    404: { description: 'No such case is escalated to this partner (an unknown partner gets the same answer).' },
    409: { description: 'The answer does not apply to the case as it is now; the body names its status.' },
  },
});

export function partnerCallbackHandler(deps: PartnerCallbackDeps): HttpFunction {
  const retry = deps.forwardRetry ?? DEFAULT_HANDOVER_RETRY;
  return httpFunction('partnerCallback', { log: deps.log, projectId: deps.config.projectId }, [
    route(PARTNER_CALLBACK_ROUTE, (_input, { req, params, log }) => takeCallback(deps, retry, req, params.partnerId!, log)),
  ]);
}

async function takeCallback(
  deps: PartnerCallbackDeps,
  retry: HandoverRetry,
  req: Request,
  partnerId: string,
  log: Logger,
): Promise<Result<HttpAnswer>> {
  const [partner, secrets] = await Promise.all([deps.registry.partner(partnerId), deps.secrets.partnerWebhookSecrets(partnerId)]);
  // An unknown partner learns nothing more than a wrong case would tell it.
  if (!partner || secrets.length === 0) return fail(unknownCase());

  const verified = deps.verifyWebhook({ rawBody: rawBodyOf(req), headers: webhookHeadersOf(req), secrets, now: deps.clock.now() });
  const partnerLog = log.with({ partnerId });
  if (!verified.ok) {
    partnerLog.warn('partner callback refused: bad signature', { reason: verified.error.details?.reason });
    return verified;
  }
  const parsed = validate(CallbackBody, parseJson(rawBodyOf(req)), 'The callback body has problems.');
  if (!parsed.ok) return parsed;

  const { caseRef: caseId, ...event } = parsed.value;
  const webhookId = verified.value.webhookId;
  const at = deps.clock.now();
  const receipt = { id: receiptId(partnerId, webhookId), data: { partnerId, webhookId, type: event.type } };
  const result = await deps.store.updateCaseOnce(caseId, receipt, (current) =>
    current.partnerId !== partnerId || !current.escalation
      ? { change: null, result: fail(unknownCase()) }
      : decided(applyPartnerEvent(current, partnerId, { ...event, webhookId }, at)),
  );
  const caseLog = partnerLog.with({ caseId, webhookId, type: event.type });
  if (!result.found) return fail(unknownCase());
  if (result.duplicate) {
    // Applied before, but the first delivery may have crashed before its hand-over: again (an
    // ended execution answers 404). Its case-updated is in the outbox, which needs no help.
    caseLog.info('partner callback replayed; already applied');
    const held = result.case.escalation;
    if (held?.callbackUrl && held.outcome && held.outcome !== 'ladder_exhausted') {
      await forwardToWorkflow(deps.workflowCallbacks, held.callbackUrl, { ...event, caseRef: caseId, webhookId }, retry, caseLog);
    }
    return json(200, { status: result.case.status, duplicate: true });
  }
  if (!result.result.ok) {
    caseLog.warn('partner callback refused', { code: result.result.error.code });
    return result.result;
  }
  const { resumesWorkflow } = result.result.value;
  const callbackUrl = result.case.escalation?.callbackUrl;
  if (resumesWorkflow && callbackUrl) await forwardToWorkflow(deps.workflowCallbacks, callbackUrl, { ...event, caseRef: caseId, webhookId }, retry, caseLog);
  caseLog.info('partner callback applied', { status: result.case.status });
  return json(202, { status: result.case.status });
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
