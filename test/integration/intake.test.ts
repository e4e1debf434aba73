import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, listenTo, resetFirestore, seedOrgs, serveFunction, TEST_START, type Harness, type TopicListener, signedInAs } from './harness.js';
import { emulatorIdToken, PEOPLE, type TokenUser } from '../tokens.js';
import { loadConfig } from '../../functions/src/config.js';
import { idTokenVerifier } from '../../functions/src/adapters/id-token-verifier.js';
import type { BusMessage, EventBus, Topic } from '../../functions/src/ports/event-bus.js';
import { intakeHandler } from '../../functions/src/handlers/intake.js';
import { http } from '@google-cloud/functions-framework';
import { anOrg, aSubmission } from '../builders.js';
import { FirestoreCaseStore } from '../../functions/src/adapters/firestore-case-store.js';
import { Case } from '../../functions/src/domain/case-model.js';
import { nextActionAt } from '../../functions/src/domain/followup-policy.js';

const ORGS = {
  'org-enhanced': anOrg({ name: 'Acme Retail', supportPlan: 'enhanced' }),
  'org-premium': anOrg({ name: 'Globex', supportPlan: 'premium' }),
  'org-partner-premium': anOrg({ name: 'Initech', supportPlan: 'partner_premium' }),
  'org-standard': anOrg({ name: 'Umbrella', supportPlan: 'standard' }),
  'org-basic': anOrg({ name: 'Hooli', supportPlan: 'basic' }),
};

const validCase = (overrides: Record<string, unknown> = {}) => aSubmission({ googleCloudProjectId: 'globex-prod-42', ...overrides });

let h: Harness;
let intake: { url: string; close(): Promise<void> };
let received: TopicListener;

beforeAll(async () => {
  h = createHarness();
  intake = await serveFunction('intake');
});
afterAll(async () => {
  await intake.close();
  await h.close();
});
beforeEach(async () => {
  await resetFirestore();
  await seedOrgs(h.db, ORGS);
  received = await listenTo(h.pubsub, 'case-received');
});
afterEach(async () => {
  await received.close();
});

/** Posts a case; signed in as an engineer (who may open a case for any org) unless `signIn` is false. */
const post = (body: unknown, headers: Record<string, string> = {}, url = `${intake.url}/cases`, signIn = true) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signIn ? signedInAs(h, PEOPLE.grace) : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const countDocs = async (collection: string) => (await h.db.collection(collection).count().get()).data().count;

describe('POST /cases with JSON', () => {
  it('stores the case and its first timeline event in one commit, then publishes case-received', async () => {
    const before = h.deps.store.ops();
    const res = await post(validCase(), { 'idempotency-key': 'k-happy' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { caseId: string; status: string; links: { self: string } };
    expect(body).toEqual({ caseId: expect.stringMatching(/^[0-9a-f]{32}$/), status: 'received', links: { self: `http://tandem.test/cases/${body.caseId}` } });
    expect(res.headers.get('location')).toBe(body.links.self);

    const stored = (await h.db.collection('cases').doc(body.caseId).get()).data();
    expect(stored).toMatchObject({
      orgId: 'org-premium',
      plan: 'premium',
      contact: { name: 'Ada Lovelace', email: 'ada@globex.example' },
      product: 'NetApp Cloud Volumes ONTAP',
      vendor: 'NetApp',
      priority: 'P1',
      status: 'received',
      approach: null,
      createdAt: TEST_START.toISOString(),
      // A minute on: when the outbox's case-received is due for the sweep, unless classify has taken it up by then.
      nextActionAt: '2026-11-23T09:01:00.000Z',
      version: 1,
    });
    const events = await h.deps.store.timeline(body.caseId);
    expect(events).toEqual([
      // Opened by the engineer signed in (post's default), for Ada's org.
      expect.objectContaining({ type: 'case_received', at: TEST_START.toISOString(), actor: { kind: 'engineer', id: PEOPLE.grace.uid, name: PEOPLE.grace.name } }),
    ]);

    const [message] = await received.waitFor(1);
    expect(message).toEqual({ data: { caseId: body.caseId, outboxId: 'v000001_case_received' }, attributes: { type: 'case.received' } });
    const after = h.deps.store.ops();
    expect({ commits: after.commits - before.commits, writes: after.writes - before.writes }).toEqual({ commits: 1, writes: 3 });
  });

  it('reports every problem at once', async () => {
    const res = await post({ contact: { email: 'not-an-email' }, priority: 'P5', environment: 'staging', subject: 'x'.repeat(201), googleCloudProjectId: 'NO' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(error.code).toBe('invalid_request');
    expect(error.issues.map((i) => i.path).sort()).toEqual(
      ['contact.email', 'contact.name', 'description', 'environment', 'googleCloudProjectId', 'orgId', 'priority', 'product', 'subject', 'vendor'].sort(),
    );
    expect(await countDocs('cases')).toBe(0);
  });

  it.each([
    ['orgId', { orgId: '' }],
    ['orgId', { orgId: 'orgs/other' }],
    ['contact.name', { contact: { name: ' ', email: 'a@b.example' } }],
    ['contact.email', { contact: { name: 'A', email: 'a@' } }],
    ['subject', { subject: '' }],
    ['subject', { subject: 's'.repeat(201) }],
    ['description', { description: 'd'.repeat(10_001) }],
    ['product', { product: '' }],
    ['vendor', { vendor: 42 }],
    ['priority', { priority: 'urgent' }],
    ['environment', { environment: 'prod' }],
    ['googleCloudProjectId', { googleCloudProjectId: 'Has Spaces' }],
  ])('rejects a bad %s with 400 naming the field', async (path, overrides) => {
    const res = await post(validCase(overrides));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { issues: { path: string; message: string }[] } };
    expect(error.issues.map((i) => i.path)).toEqual([path]);
    expect(error.issues[0]?.message).toBeTruthy();
  });

  it('answers a lone UTF-16 surrogate in a field with a JSON 400 naming it, and stores nothing', async () => {
    const res = await post(JSON.stringify(validCase()).replace(/"subject":"/, '"subject":"\\ud800'), { 'idempotency-key': 'k-surrogate' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; issues: { path: string; message: string }[] } };
    expect(error.code).toBe('invalid_request');
    expect(error.issues).toEqual([{ path: 'subject', message: expect.stringMatching(/broken character/) }]);
    expect(await countDocs('cases')).toBe(0);
  });

  it('answers a JSON array with a JSON 400', async () => {
    const res = await post('[1, 2]');
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
  });

  // The Functions Framework parses JSON (strictly: objects and arrays only) before our code runs; what
  // it refuses gets the same JSON error body (test/integration/http-function.test.ts has the rest).
  it.each([
    ['malformed JSON', '{"orgId": '],
    ['a bare JSON string', '"a case"'],
    ['null', 'null'],
  ])('answers %s with a JSON 400, never a 500, and stores nothing', async (_name, raw) => {
    const res = await post(raw);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
    expect(await countDocs('cases')).toBe(0);
  });

  it('rejects a bad Idempotency-Key together with the field problems', async () => {
    const res = await post(validCase({ subject: '' }), { 'idempotency-key': 'x'.repeat(256) });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { issues: { path: string }[] } };
    expect(error.issues.map((i) => i.path)).toEqual(['Idempotency-Key', 'subject']);
  });

  it.each(['basic', 'standard'])('refuses an org on the %s plan with 403 naming the plans, and stores nothing', async (plan) => {
    const res = await post(validCase({ orgId: `org-${plan}` }), { 'idempotency-key': 'k1' });
    expect(res.status).toBe(403);
    const { error } = (await res.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ code: 'not_entitled', plan, qualifyingPlans: ['enhanced', 'premium', 'partner_premium'] });
    expect(String(error.message).toLowerCase()).toContain(`is on ${plan} support`);
    expect(await countDocs('cases')).toBe(0);
    expect(await countDocs('idempotencyKeys')).toBe(0);
  });

  it.each(['enhanced', 'premium', 'partner-premium'])('accepts an org on the %s plan', async (plan) => {
    expect((await post(validCase({ orgId: `org-${plan}` }))).status).toBe(201);
  });

  it('answers an unknown org with 404 unknown_org', async () => {
    const res = await post(validCase({ orgId: 'org-nobody' }));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unknown_org');
    expect(await countDocs('cases')).toBe(0);
  });
});

describe('Idempotency-Key', () => {
  it('gives the same case, with 200, when the same request comes again', async () => {
    const first = await post(validCase(), { 'idempotency-key': 'retry-1' });
    const second = await post(validCase(), { 'idempotency-key': 'retry-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(await second.json()).toEqual(await first.json());
    expect(await countDocs('cases')).toBe(1);
  });

  it('treats whitespace the schema trims as the same content', async () => {
    await post(validCase(), { 'idempotency-key': 'trim' });
    const again = await post(validCase({ subject: '  Volumes go read-only after failover ' }), { 'idempotency-key': 'trim' });
    expect(again.status).toBe(200);
  });

  it('refuses the same key with different content: 409 idempotency_conflict, nothing new stored', async () => {
    const first = (await (await post(validCase(), { 'idempotency-key': 'k-conflict' })).json()) as { caseId: string };
    const res = await post(validCase({ priority: 'P2' }), { 'idempotency-key': 'k-conflict' });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'idempotency_conflict', caseId: first.caseId } });
    expect(await countDocs('cases')).toBe(1);
  });

  it('scopes keys by org: two orgs may use the same key', async () => {
    const a = await post(validCase({ orgId: 'org-premium' }), { 'idempotency-key': 'shared' });
    const b = await post(validCase({ orgId: 'org-enhanced' }), { 'idempotency-key': 'shared' });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(await countDocs('cases')).toBe(2);
  });

  it('50 parallel submissions with 10 keys sent twice give exactly 40 cases', async () => {
    const keys = [...Array.from({ length: 30 }, (_, i) => `solo-${i}`), ...Array.from({ length: 10 }, (_, i) => `twice-${i}`)];
    const requests = [...keys, ...keys.slice(30)].map((key) => post(validCase({ subject: `case ${key}` }), { 'idempotency-key': key }));
    const statuses = (await Promise.all(requests)).map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(40);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(await countDocs('cases')).toBe(40);
    expect(await countDocs('idempotencyKeys')).toBe(40);
  });
});

describe('what intake refuses before reading the body', () => {
  it('answers a body over 64 KiB with 413 and stores nothing', async () => {
    const res = await post(validCase({ description: 'x'.repeat(65 * 1024) }));
    expect(res.status).toBe(413);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    expect(await countDocs('cases')).toBe(0);
  });

  it.each(['text/plain', 'application/xml', 'multipart/form-data; boundary=x'])('answers %s with 415', async (type) => {
    const res = await fetch(`${intake.url}/cases`, { method: 'POST', headers: { 'content-type': type }, body: 'orgId=org-premium' });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unsupported_media_type');
  });

  it('answers other methods with 405', async () => {
    const res = await fetch(`${intake.url}/cases`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(res.status).toBe(405);
  });
});

describe('who is signed in', () => {
  const { orgId: _org, contact: _contact, ...fields } = validCase();
  const as = (user: TokenUser, body: unknown = fields) => post(body, signedInAs(h, user), `${intake.url}/cases`, false);

  it('without a token: 401 with WWW-Authenticate: Bearer, and nothing stored', async () => {
    const res = await post(validCase(), {}, `${intake.url}/cases`, false);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
    expect(await countDocs('cases')).toBe(0);
  });

  it.each([
    ['a garbage token', 'Bearer not-a-token'],
    ['another scheme', `Basic ${Buffer.from('ada:pw').toString('base64')}`],
    ['an expired token', `Bearer ${emulatorIdToken('demo-tandem-test', PEOPLE.ada, new Date(TEST_START.getTime() - 2 * 3600_000))}`],
    ['a token for another project', `Bearer ${emulatorIdToken('demo-elsewhere', PEOPLE.ada, TEST_START)}`],
  ])('%s: 401, and nothing stored', async (_name, authorization) => {
    const res = await post(validCase(), { authorization }, `${intake.url}/cases`, false);
    expect(res.status).toBe(401);
    expect(await countDocs('cases')).toBe(0);
  });

  it("a customer's case is their org's, with them as the contact and the actor of its first event", async () => {
    const res = await as(PEOPLE.ada);
    expect(res.status).toBe(201);
    const { caseId } = (await res.json()) as { caseId: string };
    expect((await h.db.collection('cases').doc(caseId).get()).data()).toMatchObject({ orgId: 'org-premium', contact: { name: 'Ada Lovelace', email: 'ada@globex.example' } });
    expect((await h.deps.store.timeline(caseId))[0]?.actor).toEqual({ kind: 'customer', id: PEOPLE.ada.uid, name: 'Ada Lovelace' });
  });

  it.each([
    ["a customer naming another org", PEOPLE.ada, { ...fields, orgId: 'org-enhanced' }],
    ['a partner', PEOPLE.netapp, validCase()],
    ['a user without a role', PEOPLE.nobody, validCase()],
  ])('%s: 403 forbidden, and nothing stored', async (_name, user, body) => {
    const res = await as(user, body);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('forbidden');
    expect(await countDocs('cases')).toBe(0);
  });

  it('a forged unsigned token gets nowhere with the production configuration', async () => {
    const production = loadConfig({ GOOGLE_CLOUD_PROJECT: 'demo-tandem-test' });
    http('intakeProduction', intakeHandler({ ...h.deps, identity: idTokenVerifier(production.identity, h.deps.clock), projectId: 'demo-tandem-test', publicUrl: 'http://tandem.test' }));
    const prod = await serveFunction('intakeProduction');
    try {
      const res = await post(validCase(), signedInAs(h, PEOPLE.grace), `${prod.url}/cases`, false);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { details?: unknown; reason?: string } }).error).toMatchObject({ code: 'unauthenticated', reason: 'bad_signature' });
      expect(await countDocs('cases')).toBe(0);
    } finally {
      await prod.close();
    }
  });
});

describe('a failed publish after the commit', () => {
  /** Pub/Sub refusing the first `failures` publishes, as during an outage: the test adapter wraps the real bus. */
  class FailingBus implements EventBus {
    constructor(
      private readonly real: EventBus,
      private failures: number,
    ) {}
    async publish(topic: Topic, message: BusMessage): Promise<void> {
      if (this.failures-- > 0) throw new Error('UNAVAILABLE: injected');
      await this.real.publish(topic, message);
    }
  }

  it('still answers 201, logs the failure, keeps the messages in the outbox, and a retry of the same request publishes again', async () => {
    // The store publishes after its commit: the fault goes between the two, on the store's bus.
    const store = new FirestoreCaseStore(h.db, { schedule: (c) => nextActionAt(c, h.deps.config.followupPeriods), clock: h.deps.clock, bus: new FailingBus(h.deps.bus, 2), log: h.deps.log });
    http('intakeFlaky', intakeHandler({ ...h.deps, store, projectId: 'demo-tandem-test', publicUrl: 'http://tandem.test' }));
    const flaky = await serveFunction('intakeFlaky');
    try {
      const first = await post(validCase(), { 'idempotency-key': 'flaky' }, `${flaky.url}/cases`);
      expect(first.status).toBe(201);
      const { caseId } = (await first.json()) as { caseId: string };
      expect(h.deps.log.entries).toContainEqual(expect.objectContaining({ severity: 'WARNING', caseId, outboxId: 'v000001_case_received' }));
      const stored = Case.parse((await h.db.collection('cases').doc(caseId).get()).data());
      expect(Object.keys(stored.outbox).sort()).toEqual(['v000001_case_received', 'v000001_case_updated']);
      const retry = await post(validCase(), { 'idempotency-key': 'flaky' }, `${flaky.url}/cases`);
      expect(retry.status).toBe(200);
      expect((await received.waitFor(1))[0]?.data).toEqual({ caseId });
    } finally {
      await flaky.close();
    }
  });
});
