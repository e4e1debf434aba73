import { createHash, randomUUID } from 'node:crypto';
import type { HttpFunction, Request } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { openCase, parseSubmission, submissionFromForm } from '../domain/case-intake.js';
import { CaseSubmission } from '../domain/case-model.js';
import { domainError, fail, ok, type DomainError, type Result } from '../domain/result.js';
import type { CaseStore } from '../ports/case-store.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';
import type { Registry } from '../ports/registry.js';
import { httpStatusFor } from './http-errors.js';
import { httpFunction, json, route, spec, type HttpAnswer } from './http-function.js';
import { renderConfirmation, renderIntakeForm } from './intake-page.js';

export interface IntakeDeps {
  store: CaseStore;
  registry: Registry;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  projectId: string;
  publicUrl: string;
  newCaseId?: () => string;
}


const IdempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

/** The answer to a case accepted (201) or accepted before with the same key and content (200). */
export const AcceptedCase = z.object({
  caseId: z.string(),
  status: z.literal('received'),
  links: z.object({ self: z.url() }),
});
type Accepted = z.infer<typeof AcceptedCase>;

interface Submission {
  submission: CaseSubmission;
  key: string | undefined;
  isForm: boolean;
}

const formSpec = (path: string) =>
  spec({ method: 'GET', path, summary: 'The intake form (HTML)', reachesDependencies: false, responses: { 200: { description: 'The form, as HTML.' } } });

/** The routes of `intake`: what each takes and answers (docs/openapi.json). */
export const INTAKE_ROUTES = {
  form: formSpec('/'),
  newCaseForm: formSpec('/cases/new'),
  openCase: spec({
    method: 'POST',
    path: '/cases',
    summary: 'Open a case',
    accepts: ['json', 'form'],
    htmlForBrowsers: true,
    decode: decodeSubmission,
    documentedBody: CaseSubmission,
    headers: { 'Idempotency-Key': { description: 'One per case form: the same key with the same content opens one case, however often it is sent.' } },
    responses: {
      201: { description: 'The case is stored with its first timeline event, and case-received is published.', schema: AcceptedCase },
      200: { description: 'The same Idempotency-Key came again with the same content: the case it opened.', schema: AcceptedCase },
      400: { description: 'The request has problems: every one of them, each with its path.' },
      403: { description: "The org's support plan does not include third-party technology support." },
      404: { description: 'No organization has this ID.' },
      409: { description: 'The Idempotency-Key was used before for a different case.' },
    },
  }),
};

/**
 * `POST /cases` (JSON or the HTML form) and `GET /` (the form). Decode → validate → domain → one
 * commit → publish `case-received`. Every expected failure is a DomainError; a browser that posted
 * the form sees it on the form page, everyone else gets the JSON error body.
 */
export function intakeHandler(deps: IntakeDeps): HttpFunction {
  const newCaseId = deps.newCaseId ?? (() => randomUUID().replaceAll('-', ''));
  const form = async () => ok({ status: 200, html: renderIntakeForm() });
  return httpFunction('intake', deps, [
    route(INTAKE_ROUTES.form, form),
    route(INTAKE_ROUTES.newCaseForm, form),
    route(
      INTAKE_ROUTES.openCase,
      async (input, { req, log, trace }) => {
        const outcome = await accept(deps, newCaseId, input.submission, input.key, log, trace);
        if (!outcome.ok) return outcome;
        const { accepted, created } = outcome.value;
        const status = created ? 201 : 200;
        if (input.isForm && prefersHtml(req)) return ok({ status, html: renderConfirmation(accepted.caseId) });
        return json(status, accepted, { Location: accepted.links.self });
      },
      { renderError: (error, req) => (isFormPost(req) && prefersHtml(req) ? formPageFor(error, formValues(req)) : undefined) },
    ),
  ]);
}

async function accept(
  deps: IntakeDeps,
  newCaseId: () => string,
  submission: CaseSubmission,
  key: string | undefined,
  log: Logger,
  trace: string | undefined,
): Promise<Result<{ accepted: Accepted; created: boolean }>> {
  const org = await deps.registry.org(submission.orgId);
  if (!org) return fail(domainError('unknown_org', `No organization has the ID ${submission.orgId}.`));
  const opened = openCase(submission, org, deps.clock.now());
  if (!opened.ok) return opened;

  const caseId = newCaseId();
  const fingerprint = fingerprintOf(submission);
  const result = await deps.store.createCase({
    caseId,
    case: opened.value.case,
    firstEvent: opened.value.event,
    idempotency: key === undefined ? undefined : { key, fingerprint },
  });

  if (result.created) {
    log.info('case received', { caseId, orgId: submission.orgId, priority: submission.priority });
    await publishReceived(deps, caseId, log, trace);
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
  // idempotent), so a retry also repairs a lost publish.
  const existing = await deps.store.getCase(result.existing.caseId);
  if (existing?.status === 'received') await publishReceived(deps, result.existing.caseId, log, trace);
  return ok({ accepted: acceptedBody(deps.publicUrl, result.existing.caseId), created: false });
}

/**
 * The case is stored by now, so a failed publish must not turn into an error the customer retries
 * with a new case: it is logged, and the follow-up sweep re-drives a case left in `received`.
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

/** The body as an object (JSON, or the form's fields mapped onto the JSON shape) and the key, every problem at once. */
function decodeSubmission(req: Request): Result<Submission> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) {
    return fail(
      domainError('invalid_request', 'The body must be a JSON object with the case fields.', {
        issues: [{ path: '', message: 'Expected a JSON object' }],
      }),
    );
  }
  const fields = body as Record<string, unknown>;
  const isForm = isFormPost(req);
  const key = idempotencyKey(req, fields);
  const submission = parseSubmission(isForm ? submissionFromForm(fields) : fields);
  if (key.ok && submission.ok) return ok({ submission: submission.value, key: key.value, isForm });
  const issues = [...(key.ok ? [] : (key.error.issues ?? [])), ...(submission.ok ? [] : (submission.error.issues ?? []))];
  return fail(domainError('invalid_request', 'The case has problems; fix the fields listed and send it again.', { issues }));
}

const isFormPost = (req: Request): boolean => typeof req.is('application/x-www-form-urlencoded') === 'string';

const formValues = (req: Request): Record<string, unknown> =>
  typeof req.body === 'object' && req.body !== null && !Buffer.isBuffer(req.body) ? (req.body as Record<string, unknown>) : {};

/** The header wins; the HTML form, which cannot set headers, sends it as a hidden field. */
function idempotencyKey(req: Request, body: Record<string, unknown>): Result<string | undefined> {
  const raw = req.get('idempotency-key') ?? body.idempotencyKey;
  if (raw === undefined || raw === '') return ok(undefined);
  if (typeof raw === 'string' && IdempotencyKeyPattern.test(raw)) return ok(raw);
  return fail(
    domainError('invalid_request', 'Bad Idempotency-Key', {
      issues: [{ path: 'Idempotency-Key', message: 'An Idempotency-Key is 1–255 visible ASCII characters' }],
    }),
  );
}

/** A browser posting the form asks for HTML first; API clients (curl sends `*\/*`) get JSON. */
function prefersHtml(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html' && (req.get('accept') ?? '').includes('text/html');
}

/** The form again, with the problem on it (each field's beside it), at the status the JSON answer would have. */
function formPageFor(error: DomainError, values: Record<string, unknown>): HttpAnswer {
  // After a conflict the page's key is spent: a fresh one lets the edited case be sent as a new case.
  const { idempotencyKey: _spent, ...kept } = values;
  const formValues = error.code === 'idempotency_conflict' ? kept : values;
  const message =
    error.code === 'idempotency_conflict'
      ? `This form already opened case ${String(error.details?.caseId)}. Submit again to open a new case with these details.`
      : error.issues
        ? undefined
        : error.message;
  return { status: httpStatusFor(error.code), html: renderIntakeForm({ values: formValues, issues: error.issues, message }) };
}
