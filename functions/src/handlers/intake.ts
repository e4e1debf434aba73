import { createHash, randomUUID } from 'node:crypto';
import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import { openCase, parseSubmission, submissionFromForm } from '../domain/case-intake.js';
import type { CaseSubmission } from '../domain/case-model.js';
import { domainError, fail, ok, type DomainError, type Result } from '../domain/result.js';
import type { CaseStore } from '../ports/case-store.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';
import type { Registry } from '../ports/registry.js';
import { traceFromHeader } from '../adapters/json-logger.js';
import { errorBody, httpStatusFor } from './http-errors.js';
import { checkBody } from './http-body.js';
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

interface Accepted {
  caseId: string;
  status: 'received';
  links: { self: string };
}

const IdempotencyKeyPattern = /^[\x21-\x7e]{1,255}$/;

/**
 * `POST /cases` (JSON or the HTML form) and `GET /` (the form). Decode → validate → domain → one
 * commit → publish `case-received`. Every expected failure is a DomainError mapped in one place.
 */
export function intakeHandler(deps: IntakeDeps): HttpFunction {
  const newCaseId = deps.newCaseId ?? (() => randomUUID().replaceAll('-', ''));

  return async (req: Request, res: Response) => {
    const wantsHtml = prefersHtml(req);
    const path = req.path.replace(/\/+$/, '') || '/';
    if (req.method === 'GET' && (path === '/' || path === '/cases/new')) {
      res.status(200).type('html').send(renderIntakeForm());
      return;
    }
    if (path !== '/cases' && path !== '/') {
      respondError(res, wantsHtml, domainError('not_found', `Nothing here: ${req.method} ${req.path}`));
      return;
    }
    if (req.method !== 'POST') {
      res.set('Allow', 'GET, POST');
      respondError(res, wantsHtml, domainError('method_not_allowed', 'Cases are opened with POST /cases.'));
      return;
    }

    const trace = traceFromHeader(req.get('x-cloud-trace-context'), deps.projectId);
    const log = deps.log.with({ step: 'intake', trace });
    const decoded = decodeBody(req);
    if (!decoded.ok) {
      respondError(res, wantsHtml, decoded.error);
      return;
    }
    const { body, isForm } = decoded.value;
    const html = wantsHtml && isForm;
    const key = idempotencyKey(req, body);
    const submission = parseSubmission(isForm ? submissionFromForm(body) : body);
    const issues = [...(key.ok ? [] : (key.error.issues ?? [])), ...(submission.ok ? [] : (submission.error.issues ?? []))];
    if (!key.ok || !submission.ok) {
      const error = domainError('invalid_request', 'The case has problems; fix the fields listed and send it again.', { issues });
      respond(res, html, error, body);
      return;
    }

    const outcome = await accept(deps, newCaseId, submission.value, key.value, log, trace);
    if (!outcome.ok) {
      respond(res, html, outcome.error, body);
      return;
    }
    const { accepted, created } = outcome.value;
    if (html) res.status(created ? 201 : 200).type('html').send(renderConfirmation(accepted.caseId));
    else res.status(created ? 201 : 200).location(accepted.links.self).json(accepted);
  };
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

function decodeBody(req: Request): Result<{ body: Record<string, unknown>; isForm: boolean }> {
  const kind = checkBody(req, ['json', 'form']);
  if (!kind.ok) return kind;
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || Buffer.isBuffer(body)) {
    return fail(
      domainError('invalid_request', 'The body must be a JSON object with the case fields.', {
        issues: [{ path: '', message: 'Expected a JSON object' }],
      }),
    );
  }
  return ok({ body: body as Record<string, unknown>, isForm: kind.value === 'form' });
}

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

function respond(res: Response, html: boolean, error: DomainError, values: Record<string, unknown>): void {
  if (!html) {
    res.status(httpStatusFor(error.code)).json(errorBody(error));
    return;
  }
  // After a conflict the page's key is spent: a fresh one lets the edited case be sent as a new case.
  const { idempotencyKey: _spent, ...kept } = values;
  const formValues = error.code === 'idempotency_conflict' ? kept : values;
  const message =
    error.code === 'idempotency_conflict'
      ? `This form already opened case ${String(error.details?.caseId)}. Submit again to open a new case with these details.`
      : error.issues
        ? undefined
        : error.message;
  const page = renderIntakeForm({ values: formValues, issues: error.issues, message });
  res.status(httpStatusFor(error.code)).type('html').send(page);
}

function respondError(res: Response, html: boolean, error: DomainError): void {
  if (html) res.status(httpStatusFor(error.code)).type('html').send(renderIntakeForm({ message: error.message }));
  else res.status(httpStatusFor(error.code)).json(errorBody(error));
}
