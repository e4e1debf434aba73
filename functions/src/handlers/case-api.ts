import type { HttpFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import type { Caller, Role } from '../domain/caller.js';
import { Case, CaseStatus, DocumentId, Priority, TimelineEvent } from '../domain/case-model.js';
import { canSee } from '../domain/case-visibility.js';
import { domainError, fail, ok, type DomainError, type Result } from '../domain/result.js';
import type { CaseFilter, CaseStore, ListCursor } from '../ports/case-store.js';
import type { IdentityVerifier } from '../ports/identity.js';
import type { Logger } from '../ports/logger.js';
import { authenticate } from './authenticate.js';
import { httpFunction, json, route, spec, validate, type AnyRoute, type HttpAnswer, type RouteContext } from './http-function.js';

/**
 * The case API for integrators (the web app reads Firestore directly, under firestore.rules): a
 * caller sees exactly the cases and events the rules let them read (domain/case-visibility.ts), and
 * a case they may not see is answered as one that does not exist.
 */
export interface CaseReadDeps {
  config: { projectId: string };
  store: CaseStore;
  identity: IdentityVerifier;
  log: Logger;
}

const unknownCase = (): DomainError => domainError('unknown_case', 'No such case, or not one you can see.');

/** A case as the API shows it: the record, its ID, and for engineers who it is assigned to. */
export const CaseView = Case.omit({ outbox: true }).extend({
  caseId: z.string(),
  assignee: z.object({ uid: z.string(), name: z.string() }).nullable().optional().describe('Engineers only.'),
});
export const CaseList = z.object({ cases: z.array(CaseView), nextPageToken: z.string().nullable() });
export const EventList = z.object({ events: z.array(TimelineEvent.extend({ id: z.string() })) });

const ListQuery = z.strictObject({
  status: CaseStatus.optional(),
  priority: Priority.optional(),
  queue: z.string().min(1).max(200).optional(),
  pageSize: z.coerce.number().int('A page size is a whole number').min(1).max(100, 'At most 100 cases a page').default(20),
  pageToken: z.string().max(500).optional(),
});

const authResponses = {
  401: { description: 'No ID token, or a bad or expired one.' },
  403: { description: 'Your account has no role in Tandem.' },
};

export const CASE_READ_ROUTES = {
  list: spec({
    method: 'GET',
    path: '/cases',
    summary: 'The cases you may see, most recently updated first, a page at a time',
    headers: { Authorization: { description: 'Bearer <ID token>', required: true } },
    responses: { 200: { description: 'A page of cases; pass nextPageToken back as pageToken for the next.', schema: CaseList }, 400: { description: 'A filter or the page token has problems.' }, ...authResponses },
  }),
  get: spec({
    method: 'GET',
    path: '/cases/{caseId}',
    summary: 'One case, as you may see it',
    badParam: unknownCase,
    headers: { Authorization: { description: 'Bearer <ID token>', required: true } },
    responses: { 200: { description: 'The case.', schema: CaseView }, ...authResponses, 404: { description: 'No such case, or not one you can see.' } },
  }),
  events: spec({
    method: 'GET',
    path: '/cases/{caseId}/events',
    summary: "A case's timeline, oldest first; internal entries for engineers only",
    badParam: unknownCase,
    headers: { Authorization: { description: 'Bearer <ID token>', required: true } },
    responses: { 200: { description: 'The timeline.', schema: EventList }, ...authResponses, 404: { description: 'No such case, or not one you can see.' } },
  }),
};

/** `GET /cases`: registered by intake, which owns the path (function-triggers.ts). */
export const listCasesRoute = (deps: CaseReadDeps): AnyRoute => route(CASE_READ_ROUTES.list, (_input, context) => listCases(deps, context));

/** `caseApi`: one case and its timeline. */
export function caseApiHandler(deps: CaseReadDeps): HttpFunction {
  return httpFunction('caseApi', { log: deps.log, projectId: deps.config.projectId }, [
    route(CASE_READ_ROUTES.get, (_input, context) => getCase(deps, context)),
    route(CASE_READ_ROUTES.events, (_input, context) => getEvents(deps, context)),
  ]);
}

async function visibleCase(deps: CaseReadDeps, { req, params }: RouteContext): Promise<Result<{ caller: Caller & { role: Role }; caseId: string; case: Case }>> {
  const caller = await authenticate(deps.identity, req);
  if (!caller.ok) return caller;
  const caseId = params.caseId!;
  const found = await deps.store.getCase(caseId);
  if (!found || !canSee(caller.value, found)) return fail(unknownCase());
  return ok({ caller: caller.value, caseId, case: found });
}

async function getCase(deps: CaseReadDeps, context: RouteContext): Promise<Result<HttpAnswer>> {
  const visible = await visibleCase(deps, context);
  if (!visible.ok) return visible;
  const { caller, caseId } = visible.value;
  const assignee = caller.role === 'engineer' ? ((await deps.store.engineering(caseId))?.assignee ?? null) : undefined;
  return json(200, { ...viewOf(visible.value.case, caseId), ...(assignee !== undefined ? { assignee } : {}) });
}

/** The record as readers see it: without the outbox, which is Tandem's own bookkeeping. */
function viewOf({ outbox: _outbox, ...shown }: Case, caseId: string): Omit<Case, 'outbox'> & { caseId: string } {
  return { ...shown, caseId };
}

async function getEvents(deps: CaseReadDeps, context: RouteContext): Promise<Result<HttpAnswer>> {
  const visible = await visibleCase(deps, context);
  if (!visible.ok) return visible;
  const events = await deps.store.timeline(visible.value.caseId);
  const shown = visible.value.caller.role === 'engineer' ? events : events.filter((e) => !e.internal);
  return json(200, { events: shown });
}

async function listCases(deps: CaseReadDeps, { req }: RouteContext): Promise<Result<HttpAnswer>> {
  const caller = await authenticate(deps.identity, req);
  if (!caller.ok) return caller;
  const query = validate(ListQuery, req.query, 'The list request has problems.');
  if (!query.ok) return query;
  const { pageSize, pageToken, ...filters } = query.value;
  const cursor = pageToken === undefined ? ok(undefined) : decodePageToken(pageToken);
  if (!cursor.ok) return cursor;
  const scope = scopeOf(caller.value);
  if (!scope) return fail(domainError('forbidden', 'Your account cannot list cases.'));
  const page = await deps.store.listCases({ ...filters, ...scope }, pageSize, cursor.value);
  return json(200, { cases: page.cases.map((c) => viewOf(c.case, c.caseId)), nextPageToken: page.next ? encodePageToken(page.next) : null });
}

/** The one filter each role's list always has: the same as firestore.rules' read rule. */
function scopeOf(caller: Caller & { role: Role }): Pick<CaseFilter, 'orgId' | 'partnerAccess'> | null {
  if (caller.role === 'engineer') return {};
  if (caller.role === 'customer') return caller.orgId ? { orgId: caller.orgId } : null;
  return caller.partnerId ? { partnerAccess: caller.partnerId } : null;
}

// `id` is a document ID, as the cursor's `startAfter` needs: a path in a forged token would make the query throw (a 500).
const PageToken = z.object({ u: z.iso.datetime(), id: DocumentId });

/** Opaque to clients: where the last page ended. */
export const encodePageToken = (cursor: ListCursor): string => Buffer.from(JSON.stringify({ u: cursor.updatedAt, id: cursor.caseId })).toString('base64url');

function decodePageToken(token: string): Result<ListCursor> {
  const bad = fail(domainError('invalid_request', 'The page token is not one this API gave out.', { issues: [{ path: 'pageToken', message: 'Pass back nextPageToken unchanged' }] }));
  try {
    const parsed = PageToken.safeParse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
    return parsed.success ? ok({ updatedAt: parsed.data.u, caseId: parsed.data.id }) : bad;
  } catch {
    return bad;
  }
}
