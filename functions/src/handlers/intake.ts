import { createHash, randomUUID } from 'node:crypto';
import type { HttpFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { actorOf } from '../domain/caller.js';
import { openCase, submissionFor } from '../domain/case-intake.js';
import { CaseSubmission, type Actor } from '../domain/case-model.js';
import { domainError, fail, ok, type Result } from '../domain/result.js';
import type { CaseStore } from '../ports/case-store.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { IdentityVerifier } from '../ports/identity.js';
import type { Logger } from '../ports/logger.js';
import type { Registry } from '../ports/registry.js';
import { authenticate } from './authenticate.js';
import { listCasesRoute } from './case-api.js';
import { httpFunction, json, route, spec, type HttpAnswer, type RouteContext } from './http-function.js';
import { idempotencyKeyOf } from './idempotency-key.js';

export interface IntakeDeps {
  store: CaseStore;
  registry: Registry;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  identity: IdentityVerifier;
  projectId: string;
  publicUrl: string;
  newCaseId?: () => string;
}

/** The answer to a case accepted (201) or accepted before with the same key and content (200). */
export const AcceptedCase = z.object({
  caseId: z.string(),
  status: z.literal('received'),
  links: z.object({ self: z.url() }),
});
type Accepted = z.infer<typeof AcceptedCase>;

/** What a signed-in person posts: a customer may leave out the org (theirs) and the contact (themselves). */
export const IntakeRequest = CaseSubmission.extend({
  orgId: CaseSubmission.shape.orgId.optional().describe("A customer's own org may be left out; an engineer must name one."),
  contact: CaseSubmission.shape.contact.optional().describe('A customer may leave it out: the signed-in user is the contact.'),
});

/** The route of `POST /cases`: what it takes and answers (docs/openapi.json). */
export const INTAKE_ROUTE = spec({
  method: 'POST',
  path: '/cases',
  summary: 'Open a case',
  documentedBody: IntakeRequest,
  headers: {
    Authorization: { description: 'Bearer <ID token> of a customer (for their org) or an engineer (for any org).', required: true },
    'Idempotency-Key': { description: 'One per case form: the same key with the same content opens one case, however often it is sent.' },
  },
  responses: {
    201: { description: 'The case is stored with its first timeline event, and case-received is published.', schema: AcceptedCase },
    200: { description: 'The same Idempotency-Key came again with the same content: the case it opened.', schema: AcceptedCase },
    400: { description: 'The request has problems: every one of them, each with its path.' },
    401: { description: 'No ID token, or a bad or expired one. Nothing is stored.' },
    403: { description: "Another org than the customer's, a partner, or an org whose plan does not include third-party technology support. Nothing is stored." },
    404: { description: 'No organization has this ID.' },
    409: { description: 'The Idempotency-Key was used before for a different case.' },
  },
});

/**
 * `POST /cases`: authenticate → validate (the body and the key, every problem at once, the org from
 * the token) → domain → one commit → publish `case-received`. Every refusal stores nothing. `GET
 * /cases` (the case list) is served here too: Firebase Hosting routes by path (case-api.ts).
 */
export function intakeHandler(deps: IntakeDeps): HttpFunction {
  const newCaseId = deps.newCaseId ?? (() => randomUUID().replaceAll('-', ''));
  return httpFunction('intake', { log: deps.log, projectId: deps.projectId }, [
    route(INTAKE_ROUTE, (_input, context) => openFor(deps, newCaseId, context)),
    listCasesRoute({ config: { projectId: deps.projectId }, store: deps.store, identity: deps.identity, log: deps.log }),
  ]);
}

async function openFor(deps: IntakeDeps, newCaseId: () => string, { req, log, trace }: RouteContext): Promise<Result<HttpAnswer>> {
  const caller = await authenticate(deps.identity, req);
  if (!caller.ok) return caller;
  const key = idempotencyKeyOf(req);
  const submission = submissionFor(req.body, caller.value);
  if (!submission.ok && submission.error.code !== 'invalid_request') return submission;
  if (!key.ok || !submission.ok) {
    const issues = [...(key.ok ? [] : (key.error.issues ?? [])), ...(submission.ok ? [] : (submission.error.issues ?? []))];
    return fail(domainError('invalid_request', 'The case has problems; fix the fields listed and send it again.', { issues }));
  }
  const outcome = await accept(deps, newCaseId, submission.value, actorOf(caller.value), key.value, log, trace);
  if (!outcome.ok) return outcome;
  const { accepted, created } = outcome.value;
  return json(created ? 201 : 200, accepted, { Location: accepted.links.self });
}

async function accept(
  deps: IntakeDeps,
  newCaseId: () => string,
  submission: CaseSubmission,
  opener: Actor,
  key: string | undefined,
  log: Logger,
  trace: string | undefined,
): Promise<Result<{ accepted: Accepted; created: boolean }>> {
  const org = await deps.registry.org(submission.orgId);
  if (!org) return fail(domainError('unknown_org', `No organization has the ID ${submission.orgId}.`));
  const opened = openCase(submission, org, deps.clock.now(), opener);
  if (!opened.ok) return opened;

  const caseId = newCaseId();
  const fingerprint = fingerprintOf(submission);
  const result = await deps.store.createCase({
    caseId,
    case: opened.value.case,
    firstEvent: opened.value.event,
    idempotency: key === undefined ? undefined : { key, fingerprint },
    // Recorded in the case's outbox by the same commit: published after it, or by the follow-up sweep.
    publish: [{ topic: 'case-received', type: 'case.received', data: { caseId }, trace }],
  });

  if (result.created) {
    log.info('case received', { caseId, orgId: submission.orgId, priority: submission.priority });
    return ok({ accepted: acceptedBody(deps.publicUrl, caseId), created: true });
  }
  if (result.existing.fingerprint !== fingerprint) {
    return fail(
      domainError('idempotency_conflict', 'This Idempotency-Key was already used for a different case.', {
        details: { caseId: result.existing.caseId },
      }),
    );
  }
  // The same request again: the client may be retrying because it never saw our answer, perhaps
  // because we crashed before publishing. If the case has not moved on, publish again (classify is
  // idempotent): the outbox would have it published within minutes, a retry does it now.
  const existing = await deps.store.getCase(result.existing.caseId);
  if (existing?.status === 'received') await publishReceived(deps, result.existing.caseId, log, trace);
  return ok({ accepted: acceptedBody(deps.publicUrl, result.existing.caseId), created: false });
}

/**
 * The case is stored by now, so a failed publish must not turn into an error the customer retries
 * with a new case: it is logged, and the outbox keeps the message for the follow-up sweep.
 */
async function publishReceived(deps: IntakeDeps, caseId: string, log: Logger, trace: string | undefined): Promise<void> {
  try {
    await deps.bus.publish('case-received', { type: 'case.received', data: { caseId }, trace });
  } catch (error) {
    log.error('publishing case-received failed; the follow-up sweep will re-drive the case', { caseId, error });
  }
}

const acceptedBody = (publicUrl: string, caseId: string): Accepted => ({
  caseId,
  status: 'received',
  links: { self: `${publicUrl}/cases/${caseId}` },
});

/** Same key, same content: the parsed submission (trimmed, in schema order) hashed. */
const fingerprintOf = (submission: CaseSubmission): string =>
  createHash('sha256').update(JSON.stringify(submission)).digest('hex');

