import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http } from '@google-cloud/functions-framework';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { responseSchema, ROUTE_SPECS, shapeResponses } from '../../dev/openapi.js';
import { DEFAULT_DEV_SECRETS_FILE } from '../../dev/stack-deps.js';
import { verifyWebhook } from '../../functions/src/adapters/standard-webhooks.js';
import type { Case } from '../../functions/src/domain/case-model.js';
import type { HttpFunctionName } from '../../functions/src/function-triggers.js';
import { escalationStepsHandler } from '../../functions/src/handlers/escalation-steps.js';
import type { RouteSpec } from '../../functions/src/handlers/http-function.js';
import { intakeHandler } from '../../functions/src/handlers/intake.js';
import { caseActionsHandler } from '../../functions/src/handlers/case-actions.js';
import { caseApiHandler } from '../../functions/src/handlers/case-api.js';
import { PEOPLE, type TokenUser } from '../tokens.js';
import { partnerCallbackHandler } from '../../functions/src/handlers/partner-callback.js';
import type { CaseStore } from '../../functions/src/ports/case-store.js';
import { aSubmission } from '../builders.js';
import { createHarness, resetFirestore, seedOrgs, seedRegistry, serveFunction, signedInAs, TEST_START, type Harness } from './harness.js';

/**
 * The contract test of docs/openapi.json: every HTTP function answers as the document says. For every
 * route spec the handlers export (dev/openapi.ts ROUTE_SPECS) and every status it documents (its own
 * responses plus the ones the shared HTTP shape gives every route), one real request through the
 * Functions Framework, on the emulators, produces that status with the documented body. A documented
 * status without a scenario fails, and so does a scenario for a status the spec does not document.
 *
 * Only 500 and 503 use a function wired with a failing case store (the real store behind a Proxy);
 * everything else runs on the functions exactly as registerFunctions() registers them.
 */

type Served = { url: string; close(): Promise<void> };

let h: Harness;
/** The functions as registered, and their twins whose case store fails on demand (500/503 only). */
const served = {} as Record<HttpFunctionName, Served>;
const storeDown = {} as Record<HttpFunctionName, Served>;
let partner: Server;

// --- The documented (route, status) pairs -------------------------------------------------------

interface Documented {
  fn: HttpFunctionName;
  spec: RouteSpec;
  status: number;
}

const routeOf = (spec: RouteSpec) => `${spec.method} ${spec.path}`;

/** Every status a spec documents: its own responses and the shared HTTP shape's. */
const documentedStatuses = (spec: RouteSpec): number[] =>
  [...new Set([...Object.keys(spec.responses), ...Object.keys(shapeResponses(spec))].map(Number))].sort((a, b) => a - b);

const ROUTES = (Object.entries(ROUTE_SPECS) as [HttpFunctionName, readonly RouteSpec[]][]).flatMap(([fn, specs]) => specs.map((spec) => ({ fn, spec })));

const DOCUMENTED: Map<string, Documented> = new Map(
  ROUTES.flatMap(({ fn, spec }) => documentedStatuses(spec).map((status) => [`${routeOf(spec)} ${status}`, { fn, spec, status }] as const)),
);

// --- Fixtures ------------------------------------------------------------------------------------

const SECRETS = JSON.parse(readFileSync(DEFAULT_DEV_SECRETS_FILE, 'utf8')) as Record<string, string[]>;
const NETAPP = SECRETS.netapp![0]!;
const MONGODB = SECRETS.mongodb![0]!;

const ORGS = {
  'org-premium': { name: 'Globex', supportPlan: 'premium' },
  'org-standard': { name: 'Umbrella', supportPlan: 'standard' },
} as const;

const validCase = (overrides: Record<string, unknown> = {}) => aSubmission(overrides);

/** A case escalated to NetApp: claimed and `triaged` (before the workflow's start), or `awaiting_partner` at level 0. */
function netappCase(status: 'triaged' | 'awaiting_partner'): Case {
  const at = TEST_START.toISOString();
  const awaiting = status === 'awaiting_partner';
  return {
    orgId: 'org-premium', plan: 'premium', contact: { name: 'Ada', email: 'ada@globex.example' }, subject: 'Volumes read-only', description: 'd',
    product: 'Cloud Volumes ONTAP', vendor: 'NetApp', priority: 'P1', requestedPriority: 'P1', environment: 'production', googleCloudProjectId: null,
    status, resumeStatus: null, approach: 'collaborative', triage: { rule: 'vendor_is_partner', matched: { kind: 'partner', id: 'netapp', name: 'NetApp' } },
    partnerId: 'netapp', queue: 'partner-netapp', escalationRequest: null, referral: null, partnerAccess: null, outbox: {},
    sla: { targetMinutes: 15, firstResponseDueAt: '2026-11-23T09:15:00.000Z', firstRespondedAt: null, pausedMinutes: 0, pausedSince: null, warned: false, breached: false },
    escalation: {
      claimId: 'claim-1', claimedAt: at, executionId: awaiting ? 'exec-1' : null, callbackUrl: null, level: 0,
      ackDueAt: awaiting ? '2026-11-23T09:30:00.000Z' : null, partnerTicketId: null,
      requestedAt: at, acknowledgedAt: null, lastPartnerUpdateAt: null, lastNudgedAt: null, outcome: null, endedAt: null,
    },
    nextActionAt: awaiting ? '2026-11-23T09:30:00.000Z' : null, statusChangedAt: at, createdAt: at, updatedAt: at, version: awaiting ? 6 : 5,
  };
}

/** Each scenario that changes a case gets its own, so no scenario needs Firestore cleared before it. */
const seedCase = (caseId: string, status: 'triaged' | 'awaiting_partner') => h.db.collection('cases').doc(caseId).set(netappCase(status)).then(() => undefined);

// --- Requests ------------------------------------------------------------------------------------

const JSON_TYPE = { 'content-type': 'application/json' };
/** Over the 64 KiB every POST may carry. */
const OVERSIZE = 'x'.repeat(70 * 1024);

const postCase = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/cases`, { method: 'POST', headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body) });

/** Signed in, with a token valid at the harness's clock. */
const as = (user: TokenUser) => signedInAs(h, user);
const asAda = () => as(PEOPLE.ada);
const asGrace = () => as(PEOPLE.grace);

/** A customer's own case: the org and contact come from the token. */
const ownCase = (overrides: Record<string, unknown> = {}) => {
  const { orgId: _org, contact: _contact, ...fields } = validCase(overrides);
  return fields;
};

const postAction = (url: string, caseId: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${url}/cases/${caseId}/actions`, { method: 'POST', headers: { ...JSON_TYPE, ...headers }, body: JSON.stringify(body) });

const callbackBody = (caseRef: string, overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'collaboration.acknowledged', caseRef, partnerTicketId: 'NA-1', message: 'On it', occurredAt: TEST_START.toISOString(), ...overrides });

/** Signed as a partner signs, with the independent `standardwebhooks` package, at the harness clock's time. */
function signed(body: string, options: { secret?: string; id?: string } = {}): Record<string, string> {
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = h.deps.clock.now();
  return {
    ...JSON_TYPE,
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? NETAPP).sign(id, at, body),
  };
}

const postCallback = (url: string, body: string, headers: Record<string, string>, partnerId = 'netapp') =>
  fetch(`${url}/partners/${partnerId}/callbacks`, { method: 'POST', headers, body });

const postStep = (url: string, caseId: string, step: 'start' | 'notify' | 'ack-timeout', body: unknown, headers: Record<string, string> = JSON_TYPE) =>
  fetch(`${url}/escalations/${caseId}/${step}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

const startBody = { partnerId: 'netapp', claimId: 'claim-1', executionId: 'exec-1', callbackUrl: 'http://runner.test/callbacks/abc' };

/** What the stub partner webhook answers the next notify with. */
let partnerAnswer = 200;

// --- The failing store (500 and 503 only) --------------------------------------------------------

/** How the case store fails: a bug (500), or Firestore unreachable (503, gRPC UNAVAILABLE). */
const STORE_FAILURES = {
  bug: () => Object.assign(new Error('store bug: secret internal detail at /srv/app.js:12'), { code: 'EBUG' }),
  unavailable: () => Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 }),
} as const;
type StoreFailure = keyof typeof STORE_FAILURES;
const FAILURE_FOR_STATUS: Record<number, StoreFailure> = { 500: 'bug', 503: 'unavailable' };

let storeFailure: Error | undefined;

/** The real store, but while a failure is armed every call to it rejects with that failure. */
const switchableStore = (real: CaseStore): CaseStore =>
  new Proxy(real, {
    get: (target, prop, receiver) => {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => (storeFailure ? Promise.reject(storeFailure) : (value as (...a: unknown[]) => unknown).apply(target, args));
    },
  });

// --- The scenarios -------------------------------------------------------------------------------

interface Scenario {
  /** Completes the sentence "`METHOD path` answers STATUS …". */
  when: string;
  /** What the request needs beyond the orgs and partners every scenario has (a case of its own, the stub partner's answer). */
  setup?: () => Promise<void>;
  /** The request, against the function's base URL. */
  request: (url: string) => Promise<Response>;
}

/** A documented status no real request can produce: why, and a request showing that it cannot. */
interface Unproducible {
  cannot: string;
  /** Sent with the case store failing as for that status: it still answers with another documented status. */
  probe: (url: string) => Promise<Response>;
}

/** The 500 and 503 of a route: a valid request, with the case store failing underneath. */
const storeFails = (request: Scenario['request'], setup?: Scenario['setup']) => ({
  500: { when: 'when something fails unexpectedly (the case store throws), with nothing internal in the body', setup, request },
  503: { when: 'with Retry-After when a service it depends on is down (Firestore unreachable)', setup, request },
});

const byStatus = (route: string, scenarios: Record<number, Scenario | Unproducible>) =>
  Object.fromEntries(Object.entries(scenarios).map(([status, s]) => [`${route} ${status}`, s]));

/** Every route answers 405 to a method it does not serve, naming the ones it does. */
const methodNotServed = (): Record<string, Scenario> =>
  Object.fromEntries(
    ROUTES.map(({ spec }) => [
      `${routeOf(spec)} 405`,
      {
        when: 'naming the methods it answers when asked with another method',
        request: async (url: string) => {
          const res = await fetch(`${url}${spec.path.replace(/\{\w+\}/g, 'contract-1')}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
          expect(res.headers.get('allow')).toContain(spec.method);
          return res;
        },
      },
    ]),
  );

const SCENARIOS: Record<string, Scenario | Unproducible> = {
  ...methodNotServed(),
  // intake
  ...byStatus('POST /cases', {
    201: { when: 'with the accepted case when a signed-in customer posts a valid case', request: (url) => postCase(url, ownCase(), asAda()) },
    200: {
      when: 'with the case it opened when the same Idempotency-Key comes again with the same case',
      setup: async () => {
        expect((await postCase(served.intake.url, ownCase(), { ...asAda(), 'idempotency-key': 'contract-replay' })).status).toBe(201);
      },
      request: (url) => postCase(url, ownCase(), { ...asAda(), 'idempotency-key': 'contract-replay' }),
    },
    400: { when: 'with every problem when the case has problems', request: (url) => postCase(url, { orgId: 'org-premium', contact: { name: '', email: 'not-an-email' } }, asGrace()) },
    401: { when: 'when no ID token comes with it', request: (url) => postCase(url, ownCase()) },
    403: { when: "when the org's support plan does not include third-party support", request: (url) => postCase(url, validCase({ orgId: 'org-standard' }), asGrace()) },
    404: { when: 'when no organization has the ID', request: (url) => postCase(url, validCase({ orgId: 'org-nobody' }), asGrace()) },
    409: {
      when: 'when the Idempotency-Key was used before for a different case',
      setup: async () => {
        expect((await postCase(served.intake.url, ownCase(), { ...asAda(), 'idempotency-key': 'contract-conflict' })).status).toBe(201);
      },
      request: (url) => postCase(url, ownCase({ subject: 'Something else entirely' }), { ...asAda(), 'idempotency-key': 'contract-conflict' }),
    },
    413: { when: 'when the body is over 64 KiB', request: (url) => postCase(url, ownCase({ description: OVERSIZE }), asAda()) },
    415: {
      when: 'when the body is not JSON',
      request: (url) => fetch(`${url}/cases`, { method: 'POST', headers: { 'content-type': 'text/plain', ...asAda() }, body: 'open a case please' }),
    },
    ...storeFails((url) => postCase(url, ownCase(), asAda())),
  }),
  ...byStatus('GET /cases', {
    200: { when: 'with a page of the cases the caller may see', request: (url) => fetch(`${url}/cases?pageSize=5`, { headers: asAda() }) },
    400: { when: 'when the page size is out of range', request: (url) => fetch(`${url}/cases?pageSize=0`, { headers: asAda() }) },
    401: { when: 'when no ID token comes with it', request: (url) => fetch(`${url}/cases`) },
    403: { when: 'when the token carries no role', request: (url) => fetch(`${url}/cases`, { headers: as(PEOPLE.nobody) }) },
    ...storeFails((url) => fetch(`${url}/cases`, { headers: asAda() })),
  }),

  // caseActions
  ...byStatus('POST /cases/{caseId}/actions', {
    200: { when: 'with the case as it is now and the event appended', setup: () => seedCase('act-note', 'awaiting_partner'), request: (url) => postAction(url, 'act-note', { action: 'add_note', message: 'Asked NetApp.' }, asGrace()) },
    400: { when: 'with every problem when the action has problems', request: (url) => postAction(url, 'act-note', { action: 'set_priority', priority: 'P9' }, asGrace()) },
    401: { when: 'when no ID token comes with it', request: (url) => postAction(url, 'act-note', { action: 'add_note', message: 'x' }) },
    403: { when: 'when the role may not take the action on a case it can see', setup: () => seedCase('act-forbidden', 'awaiting_partner'), request: (url) => postAction(url, 'act-forbidden', { action: 'add_note', message: 'x' }, asAda()) },
    404: { when: "when the case is another org's (answered as a missing one)", setup: () => seedCase('act-other-org', 'awaiting_partner'), request: (url) => postAction(url, 'act-other-org', { action: 'withdraw' }, as(PEOPLE.bob)) },
    409: { when: 'with the current status when the status does not allow the action', setup: () => seedCase('act-409', 'awaiting_partner'), request: (url) => postAction(url, 'act-409', { action: 'confirm_resolution' }, asAda()) },
    413: { when: 'when the body is over 64 KiB', request: (url) => postAction(url, 'act-note', { action: 'add_note', message: OVERSIZE }, asGrace()) },
    415: { when: 'when the body is not JSON', request: (url) => fetch(`${url}/cases/act-note/actions`, { method: 'POST', headers: { 'content-type': 'text/plain', ...asGrace() }, body: 'note' }) },
    ...storeFails((url) => postAction(url, 'act-store-down', { action: 'add_note', message: 'x' }, asGrace()), () => seedCase('act-store-down', 'awaiting_partner')),
  }),

  // caseApi
  ...byStatus('GET /cases/{caseId}', {
    200: { when: 'with the case as the caller may see it', setup: () => seedCase('read-1', 'awaiting_partner'), request: (url) => fetch(`${url}/cases/read-1`, { headers: asAda() }) },
    401: { when: 'when no ID token comes with it', request: (url) => fetch(`${url}/cases/read-1`) },
    403: { when: 'when the token carries no role', request: (url) => fetch(`${url}/cases/read-1`, { headers: as(PEOPLE.nobody) }) },
    404: { when: "when the case is another org's (answered as a missing one)", setup: () => seedCase('read-1', 'awaiting_partner'), request: (url) => fetch(`${url}/cases/read-1`, { headers: as(PEOPLE.bob) }) },
    ...storeFails((url) => fetch(`${url}/cases/read-1`, { headers: asAda() })),
  }),
  ...byStatus('GET /cases/{caseId}/events', {
    200: { when: 'with the timeline the caller may see', setup: () => seedCase('read-1', 'awaiting_partner'), request: (url) => fetch(`${url}/cases/read-1/events`, { headers: asAda() }) },
    401: { when: 'when no ID token comes with it', request: (url) => fetch(`${url}/cases/read-1/events`) },
    403: { when: 'when the token carries no role', request: (url) => fetch(`${url}/cases/read-1/events`, { headers: as(PEOPLE.nobody) }) },
    404: { when: 'when there is no such case', request: (url) => fetch(`${url}/cases/read-nobody/events`, { headers: asAda() }) },
    ...storeFails((url) => fetch(`${url}/cases/read-1/events`, { headers: asAda() })),
  }),

  // partnerCallback
  ...byStatus('POST /partners/{partnerId}/callbacks', {
    202: {
      when: 'with the new status when a signed acknowledgement is taken',
      setup: () => seedCase('cb-taken', 'awaiting_partner'),
      request: (url) => postCallback(url, callbackBody('cb-taken'), signed(callbackBody('cb-taken'))),
    },
    200: {
      when: 'marked duplicate when the same webhook-id comes again',
      setup: async () => {
        await seedCase('cb-replayed', 'awaiting_partner');
        const body = callbackBody('cb-replayed');
        expect((await postCallback(served.partnerCallback.url, body, signed(body, { id: 'msg_contract_replay' }))).status).toBe(202);
      },
      request: (url) => postCallback(url, callbackBody('cb-replayed'), signed(callbackBody('cb-replayed'), { id: 'msg_contract_replay' })),
    },
    400: {
      when: 'with every problem when a validly signed body has problems',
      request: (url) => {
        const body = JSON.stringify({ type: 'collaboration.exploded', occurredAt: 'yesterday' });
        return postCallback(url, body, signed(body));
      },
    },
    401: {
      when: "when the callback is signed with another partner's key",
      setup: () => seedCase('cb-forged', 'awaiting_partner'),
      request: (url) => postCallback(url, callbackBody('cb-forged'), signed(callbackBody('cb-forged'), { secret: MONGODB })),
    },
    404: {
      when: 'when the partner is unknown',
      request: (url) => postCallback(url, callbackBody('cb-taken'), signed(callbackBody('cb-taken')), 'no-such-partner'),
    },
    409: {
      when: 'naming the case status when the answer does not apply to the case as it is now',
      setup: () => seedCase('cb-too-early', 'awaiting_partner'),
      request: (url) => {
        const body = callbackBody('cb-too-early', { type: 'collaboration.resolved' });
        return postCallback(url, body, signed(body));
      },
    },
    413: {
      when: 'when the body is over 64 KiB',
      request: (url) => {
        const body = callbackBody('cb-taken', { message: OVERSIZE });
        return postCallback(url, body, signed(body));
      },
    },
    415: {
      when: 'when the body is not JSON',
      request: (url) => postCallback(url, 'type=x', { ...signed('type=x'), 'content-type': 'application/x-www-form-urlencoded' }),
    },
    ...storeFails(
      (url) => postCallback(url, callbackBody('cb-store-down'), signed(callbackBody('cb-store-down'))),
      () => seedCase('cb-store-down', 'awaiting_partner'),
    ),
  }),

  // escalationSteps
  ...byStatus('POST /escalations/{caseId}/start', {
    200: {
      when: 'with a wait instruction when the workflow starts on a claimed case',
      setup: () => seedCase('esc-start', 'triaged'),
      request: (url) => postStep(url, 'esc-start', 'start', startBody),
    },
    400: { when: 'with every problem when the step request has problems', request: (url) => postStep(url, 'esc-start', 'start', { partnerId: 'a/b', callbackUrl: 'not a url' }) },
    404: { when: 'when there is no such case', request: (url) => postStep(url, 'case-nobody', 'start', startBody) },
    413: { when: 'when the body is over 64 KiB', request: (url) => postStep(url, 'esc-start', 'start', { ...startBody, padding: OVERSIZE }) },
    415: { when: 'when the body is not JSON', request: (url) => postStep(url, 'esc-start', 'start', 'start', { 'content-type': 'text/plain' }) },
    ...storeFails((url) => postStep(url, 'esc-start-store-down', 'start', startBody), () => seedCase('esc-start-store-down', 'triaged')),
  }),
  ...byStatus('POST /escalations/{caseId}/notify', {
    200: {
      when: 'with how long to wait when the partner takes the signed webhook',
      setup: async () => {
        partnerAnswer = 200;
        await seedCase('esc-notify', 'awaiting_partner');
      },
      request: (url) => postStep(url, 'esc-notify', 'notify', { partnerId: 'netapp', level: 0 }),
    },
    400: { when: 'with every problem when the step request has problems', request: (url) => postStep(url, 'esc-notify', 'notify', { partnerId: 'netapp', level: -1 }) },
    404: { when: 'when there is no such partner', request: (url) => postStep(url, 'esc-notify', 'notify', { partnerId: 'nobody', level: 0 }) },
    413: { when: 'when the body is over 64 KiB', request: (url) => postStep(url, 'esc-notify', 'notify', { partnerId: 'netapp', level: 0, padding: OVERSIZE }) },
    415: { when: 'when the body is not JSON', request: (url) => postStep(url, 'esc-notify', 'notify', 'notify', { 'content-type': 'text/plain' }) },
    429: {
      when: 'when the partner asks us to slow down (its webhook answers 429)',
      setup: async () => {
        partnerAnswer = 429;
        await seedCase('esc-notify-429', 'awaiting_partner');
      },
      request: (url) => postStep(url, 'esc-notify-429', 'notify', { partnerId: 'netapp', level: 0 }),
    },
    502: {
      when: 'when the partner answers 5xx',
      setup: async () => {
        partnerAnswer = 503;
        await seedCase('esc-notify-502', 'awaiting_partner');
      },
      request: (url) => postStep(url, 'esc-notify-502', 'notify', { partnerId: 'netapp', level: 0 }),
    },
    ...storeFails((url) => postStep(url, 'esc-notify-store-down', 'notify', { partnerId: 'netapp', level: 0 }), () => seedCase('esc-notify-store-down', 'awaiting_partner')),
  }),
  ...byStatus('POST /escalations/{caseId}/ack-timeout', {
    200: {
      when: 'with a wait instruction at the next level when the acknowledgement window passed',
      setup: () => seedCase('esc-timeout', 'awaiting_partner'),
      request: (url) => postStep(url, 'esc-timeout', 'ack-timeout', { partnerId: 'netapp', level: 0 }),
    },
    400: { when: 'with every problem when the step request has problems', request: (url) => postStep(url, 'esc-timeout', 'ack-timeout', { level: 'zero' }) },
    404: {
      when: "when the case is another partner's",
      setup: () => seedCase('esc-timeout-netapp', 'awaiting_partner'),
      request: (url) => postStep(url, 'esc-timeout-netapp', 'ack-timeout', { partnerId: 'mongodb', level: 0 }),
    },
    413: { when: 'when the body is over 64 KiB', request: (url) => postStep(url, 'esc-timeout', 'ack-timeout', { partnerId: 'netapp', level: 0, padding: OVERSIZE }) },
    415: { when: 'when the body is not JSON', request: (url) => postStep(url, 'esc-timeout', 'ack-timeout', 'ack-timeout', { 'content-type': 'text/plain' }) },
    ...storeFails((url) => postStep(url, 'esc-timeout-store-down', 'ack-timeout', { partnerId: 'netapp', level: 0 }), () => seedCase('esc-timeout-store-down', 'awaiting_partner')),
  }),
};

// --- Running them --------------------------------------------------------------------------------

beforeAll(async () => {
  h = createHarness();
  await resetFirestore();
  await seedOrgs(h.db, ORGS);
  await seedRegistry(h.db);

  partner = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(partnerAnswer).end());
  });
  await new Promise<void>((resolve) => partner.listen(0, '127.0.0.1', resolve));
  await h.db.collection('partners').doc('netapp').update({ webhookUrl: `http://127.0.0.1:${(partner.address() as AddressInfo).port}/webhook` });

  // The twins are wired as registerFunctions() wires the real ones, with the switchable store.
  const deps = { ...h.deps, store: switchableStore(h.deps.store) };
  http('contractIntakeStoreDown', intakeHandler({ ...deps, projectId: deps.config.projectId, publicUrl: deps.config.publicUrl }));
  http('contractCaseActionsStoreDown', caseActionsHandler(deps));
  http('contractCaseApiStoreDown', caseApiHandler(deps));
  http('contractPartnerCallbackStoreDown', partnerCallbackHandler({ ...deps, verifyWebhook }));
  http('contractEscalationStepsStoreDown', escalationStepsHandler({ ...deps, publicUrl: deps.config.publicUrl }));
  const twinNames: Record<HttpFunctionName, string> = {
    intake: 'contractIntakeStoreDown',
    caseActions: 'contractCaseActionsStoreDown',
    caseApi: 'contractCaseApiStoreDown',
    partnerCallback: 'contractPartnerCallbackStoreDown',
    escalationSteps: 'contractEscalationStepsStoreDown',
  };
  for (const fn of Object.keys(ROUTE_SPECS) as HttpFunctionName[]) {
    served[fn] = await serveFunction(fn);
    storeDown[fn] = await serveFunction(twinNames[fn]);
  }
});

afterAll(async () => {
  await Promise.all([...Object.values(served), ...Object.values(storeDown)].map((s) => s.close()));
  await new Promise<void>((resolve) => partner?.close(() => resolve()));
  await h?.close();
});

/** Sends a request to the function, through its failing-store twin while `failure` is armed. */
async function send(fn: HttpFunctionName, request: (url: string) => Promise<Response>, failure?: StoreFailure): Promise<Response> {
  if (!failure) return request(served[fn].url);
  storeFailure = STORE_FAILURES[failure]();
  try {
    return await request(storeDown[fn].url);
  } finally {
    storeFailure = undefined;
  }
}

/** The body is the documented one: the route's schema for a success, the error body of that status, or an HTML page. */
async function expectDocumentedBody(spec: RouteSpec, status: number, res: Response): Promise<void> {
  const contentType = res.headers.get('content-type') ?? '';
  const schema = responseSchema(spec, status);
  expect(schema, `${spec.method} ${spec.path} documents no body for ${status}`).toBeDefined();
  if (!schema) return;
  expect(contentType).toMatch(/^application\/json/);
  const text = await res.text();
  const parsed = schema.safeParse(JSON.parse(text));
  expect(parsed.error?.issues ?? [], `the body does not match the documented schema: ${text}`).toEqual([]);
  if (status === 500) expect(text).not.toContain('secret internal detail');
  if (status === 503) expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
}

const specFor = (route: string) => ROUTES.find(({ spec }) => routeOf(spec) === route);

describe('the OpenAPI document and the scenarios', () => {
  it('have one scenario for every documented (route, status) pair, and no scenario for a status a route does not document', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...DOCUMENTED.keys()].sort());
  });
});

const byRoute = new Map<string, [number, Scenario | Unproducible][]>();
for (const [key, scenario] of Object.entries(SCENARIOS)) {
  const [method, path, status] = key.split(' ');
  const route = `${method} ${path}`;
  byRoute.set(route, [...(byRoute.get(route) ?? []), [Number(status), scenario]]);
}

for (const [route, scenarios] of byRoute) {
  describe(route, () => {
    for (const [status, scenario] of scenarios) {
      if ('cannot' in scenario) {
        it(`is documented to answer ${status} but cannot be made to: ${scenario.cannot}`, async () => {
          const { fn, spec } = specFor(route)!;
          const res = await send(fn, scenario.probe, FAILURE_FOR_STATUS[status]);
          expect(documentedStatuses(spec), `${route} answered ${res.status}, which it does not document`).toContain(res.status);
          expect(res.status, `${route} can answer ${status} now: give it a real scenario`).not.toBe(status);
          await res.body?.cancel();
        });
        continue;
      }
      it(`answers ${status} ${scenario.when}`, async () => {
        const found = specFor(route);
        expect(found, `${route} is not a route of any spec in ROUTE_SPECS`).toBeDefined();
        const { fn, spec } = found!;
        expect(documentedStatuses(spec), `${route} does not document ${status}`).toContain(status);
        await scenario.setup?.();
        const res = await send(fn, scenario.request, FAILURE_FOR_STATUS[status]);
        expect(documentedStatuses(spec), `${route} answered ${res.status}, which it does not document`).toContain(res.status);
        expect(res.status).toBe(status);
        await expectDocumentedBody(spec, status, res);
      });
    }
  });
}
