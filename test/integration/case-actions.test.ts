import { ANNOUNCED_EVENT_TYPES } from '../../functions/src/domain/outbox.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { http } from '@google-cloud/functions-framework';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IdTokenVerifier } from '../../functions/src/adapters/id-token-verifier.js';
import { Case, type CaseStatus, type TimelineEvent } from '../../functions/src/domain/case-model.js';
import { caseActionsHandler } from '../../functions/src/handlers/case-actions.js';
import { aCaseIn, anEscalation, anOrg, aSeedEvent } from '../builders.js';
import { BODIES, caseFor, TABLE, USERS, type Cell } from '../case-actions-table.js';
import { emulatorIdToken, PEOPLE, type TokenUser } from '../tokens.js';
import { createHarness, listenTo, resetFirestore, seedOrgs, seedRegistry, serveFunction, signedInAs, type Harness, type ReceivedMessage, type TopicListener, eventually } from './harness.js';

/**
 * `POST /cases/{caseId}/actions` through the emulators: the caseActions function as registered, on
 * real Firestore and Pub/Sub, with the Authentication emulator's tokens (and, for the forged-token
 * test, the same handler verifying Google-signed tokens as deployed). Every case a test acts on is
 * seeded through the store (so `partnerAccess` is derived as in production) under an ID of its own,
 * and the publishes are told apart by that ID.
 */

let h: Harness;
let fn: { url: string; close(): Promise<void> };
/** The same handler verifying RS256 tokens against a local key set, as production verifies Google's. */
let production: { url: string; close(): Promise<void> };
let googleKey: CryptoKey;
let updates: TopicListener;
let escalations: TopicListener;

const GOOGLE_KID = 'google-key-1';

beforeAll(async () => {
  h = createHarness();
  const pair = await generateKeyPair('RS256');
  googleKey = pair.privateKey;
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: GOOGLE_KID, alg: 'RS256', use: 'sig' }] });
  http('caseActionsProductionIdentity', caseActionsHandler({ ...h.deps, identity: new IdTokenVerifier({ projectId: h.deps.config.projectId, clock: h.deps.clock, keys }) }));
  [fn, production] = await Promise.all([serveFunction('caseActions'), serveFunction('caseActionsProductionIdentity')]);
  await resetFirestore();
  await seedOrgs(h.db, {
    'org-premium': anOrg({ name: 'Globex', supportPlan: 'premium' }),
    'org-enhanced': anOrg({ name: 'Acme Retail', supportPlan: 'enhanced' }),
  });
  await seedRegistry(h.db);
  [updates, escalations] = await Promise.all([listenTo(h.pubsub, 'case-updated'), listenTo(h.pubsub, 'escalation-requested')]);
});
afterAll(async () => {
  await Promise.all([updates?.close(), escalations?.close()]);
  await Promise.all([fn?.close(), production?.close()]);
  await h.close();
});

let seeded = 0;
/** Stores `c` through the store as version 1, under a fresh ID, with one seed event. */
async function seed(c: Case): Promise<string> {
  const caseId = `case-${++seeded}-${Math.random().toString(36).slice(2, 8)}`;
  await h.deps.store.createCase({ caseId, case: c, firstEvent: aSeedEvent(h.deps.clock.now().toISOString()) });
  return caseId;
}

const post = (caseId: string, body: unknown, headers: Record<string, string> = {}, url = fn.url) =>
  fetch(`${url}/cases/${caseId}/actions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

const act = (user: TokenUser, caseId: string, body: unknown, headers: Record<string, string> = {}) => post(caseId, body, { ...signedInAs(h, user), ...headers });

const stored = async (caseId: string): Promise<Case> => Case.parse((await h.db.collection('cases').doc(caseId).get()).data());
/** The timeline after the seed event. */
const newEvents = async (caseId: string): Promise<(TimelineEvent & { id: string })[]> => (await h.deps.store.timeline(caseId)).slice(1);

/**
 * A message as the tests compare it: its data and type, without what only the outbox and notify use
 * (`outboxId`, the announced entries). Version 1 is the seed's own case-updated (createCase announces
 * a new case), which the callers leave out.
 */
const summaryOf = (m: ReceivedMessage): Record<string, unknown> => {
  const { outboxId: _outboxId, events: _events, ...data } = m.data;
  return { ...data, type: m.attributes.type };
};

/** Everything published about the case so far (the markers make sure all that was published has arrived). */
async function published(caseId: string): Promise<{ caseUpdated: Record<string, unknown>[]; escalationRequested: Record<string, unknown>[] }> {
  const [u, e] = await Promise.all([updates.drain(), escalations.drain()]);
  const about = (messages: ReceivedMessage[]) => messages.filter((m) => m.data.caseId === caseId && m.data.version !== 1).map(summaryOf);
  return { caseUpdated: about(u), escalationRequested: about(e) };
}

const actorOf = (user: TokenUser, kind: string) => ({ kind, id: user.uid, name: user.name });

// ---------------------------------------------------------------------------------------------------
// The table: (who, relation, action, status) → the answer, the case, the timeline and the publishes.

type Who = 'ada' | 'bob' | 'grace' | 'netapp' | 'mongodb' | 'nobody';
const KIND: Record<Who, string> = { ada: 'customer', bob: 'customer', grace: 'engineer', netapp: 'partner', mongodb: 'partner', nobody: 'none' };

interface Applied {
  status: CaseStatus;
  event: TimelineEvent['type'];
  internal: boolean;
  /** The `from` of the case-updated message; none when the status did not move. */
  from?: CaseStatus;
  /** escalation-requested's partner. */
  escalatedTo?: string;
  /** What else the stored case must show. */
  stored?: Record<string, unknown>;
}
interface Refused {
  code: number;
  error: string;
  details?: Record<string, unknown>;
}
interface Row {
  who: Who;
  /** How the caller relates to the case, for the test's name. */
  relation: string;
  status: CaseStatus;
  body: Record<string, unknown>;
  /** The case as seeded: aCaseIn(status) unless given. */
  overrides?: Partial<Case>;
  expected: Applied | Refused;
}

const MSG = { message: 'A message.' };
const VENDOR = { name: 'Acme Widgets support', url: 'https://acme.example/support', email: 'support@acme.example' };
const moved = (status: CaseStatus, from: CaseStatus, stored?: Record<string, unknown>): Applied => ({ status, from, event: 'status_changed', internal: false, stored });
const refused = (code: number, error: string, details?: Record<string, unknown>): Refused => ({ code, error, details });
const forbidden = refused(403, 'forbidden');
const invalidFrom = (status: CaseStatus) => refused(409, 'invalid_transition', { status });
const unknown = refused(404, 'unknown_case');

const ROWS: Row[] = [
  // reply
  { who: 'ada', relation: 'own org', status: 'in_progress', body: { action: 'reply', ...MSG }, expected: { status: 'in_progress', event: 'reply_posted', internal: false } },
  { who: 'ada', relation: 'own org', status: 'awaiting_customer', body: { action: 'reply', ...MSG }, expected: moved('in_progress', 'awaiting_customer', { resumeStatus: null, sla: expect.objectContaining({ pausedSince: null }) }) },
  { who: 'grace', relation: 'engineer', status: 'in_progress', body: { action: 'reply', ...MSG }, expected: { status: 'in_progress', event: 'reply_posted', internal: false, stored: { sla: expect.objectContaining({ firstRespondedAt: expect.any(String) }) } } },
  { who: 'ada', relation: 'own org', status: 'closed', body: { action: 'reply', ...MSG }, expected: invalidFrom('closed') },
  { who: 'netapp', relation: 'its case', status: 'partner_engaged', body: { action: 'reply', ...MSG }, expected: forbidden },
  // add_note
  { who: 'grace', relation: 'engineer', status: 'closed', body: { action: 'add_note', ...MSG }, expected: { status: 'closed', event: 'note_added', internal: true } },
  { who: 'ada', relation: 'own org', status: 'in_progress', body: { action: 'add_note', ...MSG }, expected: forbidden },
  // assign
  { who: 'grace', relation: 'engineer', status: 'awaiting_customer', body: { action: 'assign' }, expected: { status: 'awaiting_customer', event: 'case_assigned', internal: true } },
  { who: 'grace', relation: 'engineer', status: 'closed', body: { action: 'assign' }, expected: invalidFrom('closed') },
  // set_priority
  { who: 'grace', relation: 'engineer', status: 'in_progress', body: { action: 'set_priority', priority: 'P1', ...MSG }, expected: { status: 'in_progress', event: 'priority_changed', internal: false, stored: { priority: 'P1', requestedPriority: 'P2', sla: expect.objectContaining({ targetMinutes: 15, firstResponseDueAt: '2026-11-23T09:15:00.000Z' }) } } },
  { who: 'ada', relation: 'own org', status: 'in_progress', body: { action: 'set_priority', priority: 'P1', ...MSG }, expected: forbidden },
  { who: 'grace', relation: 'engineer', status: 'closed', body: { action: 'set_priority', priority: 'P1', ...MSG }, expected: invalidFrom('closed') },
  // request_info
  { who: 'grace', relation: 'engineer', status: 'in_progress', body: { action: 'request_info', ...MSG }, expected: moved('awaiting_customer', 'in_progress', { resumeStatus: 'in_progress' }) },
  { who: 'netapp', relation: 'its case', status: 'partner_engaged', body: { action: 'request_info', ...MSG }, expected: moved('awaiting_customer', 'partner_engaged', { resumeStatus: 'partner_engaged' }) },
  { who: 'grace', relation: 'engineer', status: 'resolved', body: { action: 'request_info', ...MSG }, expected: invalidFrom('resolved') },
  { who: 'ada', relation: 'own org', status: 'in_progress', body: { action: 'request_info', ...MSG }, expected: forbidden },
  // resolve
  { who: 'grace', relation: 'engineer', status: 'partner_engaged', body: { action: 'resolve', ...MSG }, expected: moved('resolved', 'partner_engaged') },
  { who: 'netapp', relation: 'its case', status: 'partner_engaged', body: { action: 'resolve', ...MSG }, expected: moved('resolved', 'partner_engaged') },
  { who: 'grace', relation: 'engineer', status: 'awaiting_partner', body: { action: 'resolve', ...MSG }, expected: invalidFrom('awaiting_partner') },
  { who: 'ada', relation: 'own org', status: 'in_progress', body: { action: 'resolve', ...MSG }, expected: forbidden },
  // refer_to_vendor
  { who: 'grace', relation: 'engineer', status: 'in_progress', overrides: { approach: 'third_party_vendor' }, body: { action: 'refer_to_vendor', vendorContact: VENDOR, ...MSG }, expected: moved('referred_to_vendor', 'in_progress', { referral: { vendorContact: VENDOR, message: MSG.message, referredAt: expect.any(String) } }) },
  { who: 'grace', relation: 'engineer', status: 'partner_engaged', body: { action: 'refer_to_vendor', vendorContact: VENDOR, ...MSG }, expected: invalidFrom('partner_engaged') },
  { who: 'netapp', relation: 'its case', status: 'partner_engaged', body: { action: 'refer_to_vendor', vendorContact: VENDOR, ...MSG }, expected: forbidden },
  // escalate_to_partner
  { who: 'grace', relation: 'engineer', status: 'in_progress', body: { action: 'escalate_to_partner', partnerId: 'netapp' }, expected: { status: 'in_progress', event: 'escalation_requested', internal: true, escalatedTo: 'netapp', stored: { partnerId: 'netapp', escalationRequest: expect.objectContaining({ partnerId: 'netapp' }) } } },
  { who: 'grace', relation: 'engineer', status: 'resolved', body: { action: 'escalate_to_partner', partnerId: 'netapp' }, expected: invalidFrom('resolved') },
  { who: 'ada', relation: 'own org', status: 'in_progress', body: { action: 'escalate_to_partner', partnerId: 'netapp' }, expected: forbidden },
  // acknowledge
  { who: 'netapp', relation: 'its case', status: 'awaiting_partner', body: { action: 'acknowledge', partnerTicketId: 'NA-7' }, expected: moved('partner_engaged', 'awaiting_partner', { escalation: expect.objectContaining({ outcome: 'acknowledged', partnerTicketId: 'NA-7' }) }) },
  { who: 'netapp', relation: 'its case', status: 'partner_engaged', body: { action: 'acknowledge' }, expected: invalidFrom('partner_engaged') },
  { who: 'grace', relation: 'engineer', status: 'awaiting_partner', body: { action: 'acknowledge' }, expected: forbidden },
  // update
  { who: 'netapp', relation: 'its case', status: 'partner_engaged', body: { action: 'update', ...MSG }, expected: { status: 'partner_engaged', event: 'partner_updated', internal: false } },
  { who: 'netapp', relation: 'its case', status: 'awaiting_partner', body: { action: 'update', ...MSG }, expected: invalidFrom('awaiting_partner') },
  { who: 'ada', relation: 'own org', status: 'partner_engaged', body: { action: 'update', ...MSG }, expected: forbidden },
  // decline
  { who: 'netapp', relation: 'its case', status: 'awaiting_partner', body: { action: 'decline', ...MSG }, expected: moved('in_progress', 'awaiting_partner', { partnerAccess: null, escalation: expect.objectContaining({ outcome: 'declined' }) }) },
  { who: 'netapp', relation: 'its case', status: 'resolved', overrides: { partnerId: 'netapp', escalation: anEscalation({ outcome: 'acknowledged' }) }, body: { action: 'decline', ...MSG }, expected: invalidFrom('resolved') },
  { who: 'ada', relation: 'own org', status: 'awaiting_partner', body: { action: 'decline', ...MSG }, expected: forbidden },
  // withdraw
  { who: 'ada', relation: 'own org', status: 'awaiting_partner', body: { action: 'withdraw' }, expected: moved('closed', 'awaiting_partner') },
  { who: 'ada', relation: 'own org', status: 'closed', body: { action: 'withdraw' }, expected: invalidFrom('closed') },
  { who: 'grace', relation: 'engineer', status: 'in_progress', body: { action: 'withdraw' }, expected: forbidden },
  // confirm_resolution
  { who: 'ada', relation: 'own org', status: 'resolved', body: { action: 'confirm_resolution' }, expected: moved('closed', 'resolved') },
  { who: 'ada', relation: 'own org', status: 'in_progress', body: { action: 'confirm_resolution' }, expected: invalidFrom('in_progress') },
  { who: 'netapp', relation: 'its case', status: 'partner_engaged', body: { action: 'confirm_resolution' }, expected: forbidden },
  // reopen
  { who: 'ada', relation: 'own org', status: 'resolved', body: { action: 'reopen', ...MSG }, expected: moved('in_progress', 'resolved') },
  { who: 'ada', relation: 'own org', status: 'closed', body: { action: 'reopen', ...MSG }, expected: invalidFrom('closed') },
  { who: 'grace', relation: 'engineer', status: 'resolved', body: { action: 'reopen', ...MSG }, expected: forbidden },
  // Who cannot see the case is told there is none, whatever the action; a caller without a role is nobody.
  { who: 'bob', relation: 'another org', status: 'in_progress', body: { action: 'reply', ...MSG }, expected: unknown },
  { who: 'bob', relation: 'another org', status: 'resolved', body: { action: 'reopen', ...MSG }, expected: unknown },
  { who: 'mongodb', relation: 'another partner’s case', status: 'awaiting_partner', body: { action: 'acknowledge' }, expected: unknown },
  { who: 'mongodb', relation: 'another partner’s case', status: 'partner_engaged', body: { action: 'reply', ...MSG }, expected: unknown },
  { who: 'netapp', relation: 'a case never escalated', status: 'in_progress', body: { action: 'update', ...MSG }, expected: unknown },
  { who: 'netapp', relation: 'a case it declined', status: 'in_progress', overrides: { partnerId: 'netapp', escalation: anEscalation({ outcome: 'declined' }) }, body: { action: 'update', ...MSG }, expected: unknown },
  { who: 'nobody', relation: 'no role', status: 'in_progress', body: { action: 'reply', ...MSG }, expected: forbidden },
];

describe('the table: who, on which case, takes which action', () => {
  it('takes every action, and refuses every action, at least once', () => {
    const actions = (ok: boolean) => new Set(ROWS.filter((r) => ('code' in r.expected) !== ok).map((r) => r.body.action));
    expect(actions(true).size).toBe(14);
    expect(actions(false).size).toBe(14);
  });

  it.each(ROWS.map((r) => [`${r.who} (${r.relation})`, r.body.action, r.status, r] as const))('%s: %s on a %s case', async (_who, _action, status, row) => {
    const caseId = await seed(aCaseIn(status, row.overrides));
    const before = await stored(caseId);
    const user = PEOPLE[row.who];
    const res = await act(user, caseId, row.body);
    const body = (await res.json()) as Record<string, unknown>;
    const pubs = await published(caseId);

    if ('code' in row.expected) {
      expect({ status: res.status, body }).toMatchObject({ status: row.expected.code, body: { error: { code: row.expected.error, ...row.expected.details } } });
      expect(await stored(caseId)).toEqual(before);
      expect(await newEvents(caseId)).toEqual([]);
      expect(pubs).toEqual({ caseUpdated: [], escalationRequested: [] });
      return;
    }
    const expected = row.expected;
    const events = await newEvents(caseId);
    expect(events).toHaveLength(1);
    expect({ status: res.status, body }).toEqual({ status: 200, body: { caseId, status: expected.status, version: 2, event: { id: events[0]!.id, type: expected.event } } });
    expect(events[0]).toMatchObject({ type: expected.event, internal: expected.internal, actor: actorOf(user, KIND[row.who]), at: h.deps.clock.now().toISOString() });
    expect(await stored(caseId)).toMatchObject({ status: expected.status, version: 2, ...expected.stored });
    // One case-updated per commit that moves the status or appends what notify acts on, from the outbox.
    const moved = expected.status !== status;
    const announced = moved || ANNOUNCED_EVENT_TYPES.has(expected.event);
    expect(pubs.caseUpdated).toEqual(
      announced ? [{ caseId, status: expected.status, version: 2, ...(moved ? { from: status } : {}), type: moved ? 'case.status_changed' : `case.${expected.event}` }] : [],
    );
    expect(pubs.escalationRequested).toEqual(expected.escalatedTo ? [{ caseId, partnerId: expected.escalatedTo, type: 'escalation.requested' }] : []);
  });
});

// ---------------------------------------------------------------------------------------------------
// Every cell of the expected table (test/case-actions-table.ts, the one the unit test checks
// decideAction against), through the emulators: the answer, the stored case and the publishes.

/** Runs `f` on every item, at most `limit` at a time. */
async function eachBounded<T>(items: readonly T[], limit: number, f: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await f(items[next++]!);
  }));
}

describe('every role × action × status of the table, through the emulators', () => {
  const cellId = ([role, action, status]: Cell) => `cell-${role}-${action}-${status}`;
  /** Where the case ends and what the answer names, for an applied cell. */
  const endOf = ([, , status, expected]: Cell) => (typeof expected === 'string' ? status : (expected.to ?? status));

  beforeAll(async () => {
    // One case per cell, as the unit table has it: the customer's org's, or escalated to NetApp for the partner.
    await eachBounded(TABLE, 24, async ([role, action, status]) => {
      await h.deps.store.createCase({ caseId: cellId([role, action, status, 'forbidden']), case: caseFor(role, status), firstEvent: aSeedEvent(h.deps.clock.now().toISOString()) });
    });
  });

  it('has all 378 cells', () => {
    expect(new Set(TABLE.map(cellId)).size).toBe(378);
  });

  it.concurrent.each(TABLE)('a %s taking %s on a %s case → %j', async (role, action, status, expected) => {
    const caseId = cellId([role, action, status, expected]);
    const res = await act(USERS[role], caseId, BODIES[action]);
    const body = (await res.json()) as Record<string, unknown>;
    if (expected === 'forbidden') {
      expect({ status: res.status, body }).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    } else if (expected === 'invalid_transition') {
      expect({ status: res.status, body }).toMatchObject({ status: 409, body: { error: { code: 'invalid_transition', status } } });
    } else {
      expect({ status: res.status, body }).toEqual({ status: 200, body: { caseId, status: expected.to ?? status, version: 2, event: { id: expect.any(String), type: expected.event } } });
    }
  });

  it('left every case as its cell says, with its timeline entries, and published each move (and only those)', async () => {
    const refs = TABLE.map((cell) => h.db.collection('cases').doc(cellId(cell)));
    const snapshots = await h.db.getAll(...refs);
    const [caseUpdated, escalationRequested] = await Promise.all([updates.drain(), escalations.drain()]);
    const about = (messages: ReceivedMessage[], caseId: string) => messages.filter((m) => m.data.caseId === caseId && m.data.version !== 1).map(summaryOf);
    const wrong: string[] = [];
    await eachBounded(TABLE.map((cell, i) => [cell, snapshots[i]!] as const), 16, async ([cell, snapshot]) => {
      const [role, action, , expected] = cell;
      const caseId = cellId(cell);
      const applied = typeof expected !== 'string';
      const user = USERS[role];
      const now = Case.parse(snapshot.data());
      const events = await newEvents(caseId);
      const path = applied ? expected.path : [];
      const actual = {
        status: now.status,
        version: now.version,
        // Its (last) entry, and who every entry names.
        lastEvent: events.map((e) => ({ type: e.type, internal: e.internal })).at(-1) ?? null,
        actors: [...new Set(events.map((e) => JSON.stringify(e.actor)))].map((a) => JSON.parse(a) as unknown),
        caseUpdated: about(caseUpdated, caseId),
        escalationRequested: about(escalationRequested, caseId),
      };
      const wanted = {
        status: endOf(cell),
        version: applied ? 2 : 1,
        lastEvent: applied ? { type: expected.event, internal: expected.internal } : null,
        actors: applied ? [actorOf(user, role)] : [],
        // One case-updated per commit, when it moves the status or appends what notify acts on.
        caseUpdated:
          applied && (path.length > 0 || ANNOUNCED_EVENT_TYPES.has(expected.event))
            ? [{ caseId, status: endOf(cell), version: 2, ...(path.length ? { from: cell[2] } : {}), type: path.length ? 'case.status_changed' : `case.${expected.event}` }]
            : [],
        escalationRequested: applied && action === 'escalate_to_partner' ? [{ caseId, partnerId: 'netapp', type: 'escalation.requested' }] : [],
      };
      try {
        expect(actual).toEqual(wanted);
      } catch {
        wrong.push(`${caseId}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(wanted)}`);
      }
    });
    expect(wrong).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('who is asking', () => {
  const reply = { action: 'reply', ...MSG };

  it('answers no token with 401 and WWW-Authenticate: Bearer, and changes nothing', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    const res = await post(caseId, reply);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated', reason: 'missing' } });
    expect(await newEvents(caseId)).toEqual([]);
  });

  it.each([
    ['a garbage token', 'Bearer garbage', 'malformed'],
    ['another scheme', 'Basic Z3JhY2U6c2VjcmV0', 'not_bearer'],
    ['a token for another project', `Bearer ${emulatorIdToken('demo-other', PEOPLE.grace, new Date('2026-11-23T09:00:00Z'))}`, 'wrong_issuer'],
  ])('answers %s with 401', async (_name, authorization, reason) => {
    const caseId = await seed(aCaseIn('in_progress'));
    const res = await post(caseId, reply, { authorization });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated', reason } });
    expect(await newEvents(caseId)).toEqual([]);
  });

  it('answers an expired token with 401', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    const issued = new Date(h.deps.clock.now().getTime() - 2 * 3600_000);
    const res = await post(caseId, reply, { authorization: `Bearer ${emulatorIdToken(h.deps.config.projectId, PEOPLE.grace, issued)}` });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated', reason: 'expired' } });
  });

  it('refuses, as deployed, an unsigned token whose claims are all fine (forged): 401, nothing changes', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    const forged = emulatorIdToken(h.deps.config.projectId, PEOPLE.grace, h.deps.clock.now());
    const res = await post(caseId, { action: 'add_note', ...MSG }, { authorization: `Bearer ${forged}` }, production.url);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toMatchObject({ error: { code: 'unauthenticated', reason: 'bad_signature' } });
    expect(await newEvents(caseId)).toEqual([]);
    expect((await published(caseId)).caseUpdated).toEqual([]);

    // The same claims signed with the key set's key are accepted there: only the signature was wrong.
    const payload = JSON.parse(Buffer.from(forged.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const genuine = await new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: GOOGLE_KID, typ: 'JWT' }).sign(googleKey);
    const accepted = await post(caseId, { action: 'add_note', ...MSG }, { authorization: `Bearer ${genuine}` }, production.url);
    expect(accepted.status).toBe(200);
  });

  it('answers a customer of another org exactly as a case that does not exist: no existence leak', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    const other = await act(PEOPLE.bob, caseId, reply);
    const missing = await act(PEOPLE.bob, 'case-that-does-not-exist', reply);
    const notAnId = await act(PEOPLE.bob, 'not.an.id', reply);
    const bodies = await Promise.all([other, missing, notAnId].map((r) => r.json()));
    expect([other.status, missing.status, notAnId.status]).toEqual([404, 404, 404]);
    expect(bodies[0]).toEqual({ error: { code: 'unknown_case', message: expect.any(String) } });
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(await newEvents(caseId)).toEqual([]);
  });
});

describe('the request', () => {
  it('reports every problem at once: 400 invalid_request, nothing changes', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    const res = await act(PEOPLE.grace, caseId, { action: 'refer_to_vendor', vendorContact: { url: 'acme.example' }, message: '', expectedVersion: 0, cc: 'x' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(error.code).toBe('invalid_request');
    expect(error.issues.map((i) => i.path).sort()).toEqual(['(body)', 'expectedVersion', 'message', 'vendorContact.name', 'vendorContact.url']);
    expect(await newEvents(caseId)).toEqual([]);
  });

  it('refuses an escalation without a partner to escalate to, or to one not registered: 400', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    for (const body of [{ action: 'escalate_to_partner' }, { action: 'escalate_to_partner', partnerId: 'oracle' }]) {
      const res = await act(PEOPLE.grace, caseId, body);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', issues: [{ path: 'partnerId' }] } });
    }
    expect(await newEvents(caseId)).toEqual([]);
    expect((await published(caseId)).escalationRequested).toEqual([]);
  });

  it('refuses a bad Idempotency-Key: 400', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    const res = await act(PEOPLE.grace, caseId, { action: 'add_note', ...MSG }, { 'idempotency-key': 'x'.repeat(256) });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_request', issues: [{ path: 'Idempotency-Key' }] } });
  });
});

describe('expectedVersion', () => {
  it('refuses a stale console: 409 version_conflict with the version now, and changes nothing', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    expect((await act(PEOPLE.grace, caseId, { action: 'add_note', ...MSG, expectedVersion: 1 })).status).toBe(200);
    const stale = await act(PEOPLE.grace, caseId, { action: 'resolve', ...MSG, expectedVersion: 1 });
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ error: { code: 'version_conflict', version: 2, expectedVersion: 1, status: 'in_progress' } });
    expect(await stored(caseId)).toMatchObject({ status: 'in_progress', version: 2 });
    expect(await newEvents(caseId)).toHaveLength(1);
    expect((await act(PEOPLE.grace, caseId, { action: 'resolve', ...MSG, expectedVersion: 2 })).status).toBe(200);
  });
});

describe('Idempotency-Key', () => {
  const note = { action: 'add_note', message: 'Looked at the logs.' };

  it('gives the same answer to the same request again, with no second effect', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    const reply = { action: 'reply', message: 'We are looking at the logs.' };
    const first = await act(PEOPLE.grace, caseId, reply, { 'idempotency-key': 'reply-1' });
    const again = await act(PEOPLE.grace, caseId, reply, { 'idempotency-key': 'reply-1' });
    expect([first.status, again.status]).toEqual([200, 200]);
    const answer = await first.json();
    expect(await again.json()).toEqual(answer);
    expect(answer).toEqual({ caseId, status: 'in_progress', version: 2, event: { id: 'v000002-00', type: 'reply_posted' } });
    expect(await newEvents(caseId)).toHaveLength(1);
    expect((await stored(caseId)).version).toBe(2);
    expect((await published(caseId)).caseUpdated).toHaveLength(1);
  });

  it('refuses the key with another request: 409 idempotency_conflict, nothing new', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    expect((await act(PEOPLE.grace, caseId, note, { 'idempotency-key': 'note-2' })).status).toBe(200);
    const other = await act(PEOPLE.grace, caseId, { action: 'resolve', ...MSG }, { 'idempotency-key': 'note-2' });
    expect(other.status).toBe(409);
    expect(await other.json()).toMatchObject({ error: { code: 'idempotency_conflict' } });
    expect(await stored(caseId)).toMatchObject({ status: 'in_progress', version: 2 });
    expect(await newEvents(caseId)).toHaveLength(1);
  });

  it('is the caller’s own: another person’s same key and body is another action', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    const reply = { action: 'reply', message: 'Any news?' };
    expect((await act(PEOPLE.ada, caseId, reply, { 'idempotency-key': 'shared' })).status).toBe(200);
    expect((await act(PEOPLE.grace, caseId, reply, { 'idempotency-key': 'shared' })).status).toBe(200);
    expect((await newEvents(caseId)).map((e) => e.actor.kind)).toEqual(['customer', 'engineer']);
  });

  it('is the case’s own: the same key and body on another case acts on that case', async () => {
    const [a, b] = await Promise.all([seed(aCaseIn('in_progress')), seed(aCaseIn('in_progress'))]);
    const first = await act(PEOPLE.grace, a, note, { 'idempotency-key': 'note-3' });
    const second = await act(PEOPLE.grace, b, note, { 'idempotency-key': 'note-3' });
    expect(await first.json()).toMatchObject({ caseId: a });
    expect(second.status).toBe(200);
    expect(await second.json()).toMatchObject({ caseId: b, version: 2 });
    expect(await newEvents(b)).toHaveLength(1);
  });

  it('does not tell a customer that another org’s case exists through a key used on their own', async () => {
    const [own, others] = await Promise.all([seed(aCaseIn('in_progress')), seed(aCaseIn('in_progress', { orgId: 'org-enhanced' }))]);
    const reply = { action: 'reply', message: 'Hello' };
    expect((await act(PEOPLE.ada, own, reply, { 'idempotency-key': 'probe' })).status).toBe(200);
    const probe = await act(PEOPLE.ada, others, reply, { 'idempotency-key': 'probe' });
    const missing = await act(PEOPLE.ada, 'no-such-case', reply, { 'idempotency-key': 'probe' });
    expect([probe.status, missing.status]).toEqual([404, 404]);
    expect(await probe.json()).toEqual(await missing.json());
    const conflict = await act(PEOPLE.ada, others, { action: 'withdraw' }, { 'idempotency-key': 'probe' });
    expect(conflict.status).toBe(404);
  });

  it('has one effect when the same request comes several times at once', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    const answers = await Promise.all(Array.from({ length: 5 }, () => act(PEOPLE.grace, caseId, { action: 'resolve', ...MSG }, { 'idempotency-key': 'resolve-1' })));
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const bodies = await Promise.all(answers.map((r) => r.json()));
    for (const body of bodies) expect(body).toEqual({ caseId, status: 'resolved', version: 2, event: { id: 'v000002-00', type: 'status_changed' } });
    expect(await newEvents(caseId)).toHaveLength(1);
    expect((await stored(caseId)).version).toBe(2);
    expect((await published(caseId)).caseUpdated).toEqual([{ caseId, status: 'resolved', version: 2, from: 'in_progress', type: 'case.status_changed' }]);
  });
});

describe('assign', () => {
  it('keeps the assignee beside the case, for engineers only (cases/{id}/internal/engineering)', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    expect((await act(PEOPLE.grace, caseId, { action: 'assign' })).status).toBe(200);
    // Taken by the engineer signed in: with the address they signed in with, where notify tells them.
    expect(await h.deps.store.engineering(caseId)).toEqual({ assignee: { uid: 'u-grace', name: 'Grace Hopper', email: PEOPLE.grace.email } });
    expect((await act(PEOPLE.grace, caseId, { action: 'assign', assignee: { uid: 'u-linus', name: 'Linus' } })).status).toBe(200);
    expect((await h.db.doc(`cases/${caseId}/internal/engineering`).get()).data()).toEqual({ assignee: { uid: 'u-linus', name: 'Linus' } });
    expect(await stored(caseId)).not.toHaveProperty('assignee');
  });
});

describe('a partner at the desk', () => {
  /** A stand-in for the escalation workflow's callback endpoint. */
  async function callbackEndpoint(): Promise<{ url: string; hits: Record<string, unknown>[]; close(): void }> {
    const hits: Record<string, unknown>[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hits.push(JSON.parse(body) as Record<string, unknown>);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/exec-1`, hits, close: () => server.close() };
  }

  it('acknowledging hands the answer to the workflow waiting for it, as the signed callback would', async () => {
    const endpoint = await callbackEndpoint();
    try {
      const caseId = await seed(aCaseIn('awaiting_partner', { escalation: anEscalation({ callbackUrl: endpoint.url }) }));
      const res = await act(PEOPLE.netapp, caseId, { action: 'acknowledge', partnerTicketId: 'NA-9', message: 'On it' }, { 'idempotency-key': 'ack-1' });
      expect(res.status).toBe(200);
      expect(endpoint.hits).toEqual([{ type: 'collaboration.acknowledged', caseRef: caseId, webhookId: expect.stringMatching(/^action-/), message: 'On it' }]);
      expect(await stored(caseId)).toMatchObject({ status: 'partner_engaged', escalation: { outcome: 'acknowledged', partnerTicketId: 'NA-9' } });
    } finally {
      endpoint.close();
    }
  });
});

describe('an engineer refers a case to the vendor', () => {
  it('records the referral, tells the customer on the timeline, and publishes the move', async () => {
    const caseId = await seed(aCaseIn('in_progress', { approach: 'third_party_vendor' }));
    const res = await act(PEOPLE.grace, caseId, { action: 'refer_to_vendor', vendorContact: VENDOR, message: 'Acme supports WidgetDB: contact them.' });
    expect(res.status).toBe(200);
    const now = h.deps.clock.now().toISOString();
    expect(await stored(caseId)).toMatchObject({
      status: 'referred_to_vendor',
      referral: { vendorContact: VENDOR, message: 'Acme supports WidgetDB: contact them.', referredAt: now },
      sla: { firstRespondedAt: now },
    });
    const [event] = await newEvents(caseId);
    expect(event).toMatchObject({
      type: 'status_changed',
      internal: false,
      actor: { kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' },
      data: { from: 'in_progress', to: 'referred_to_vendor', reason: 'referred_to_vendor', vendorContact: VENDOR, message: 'Acme supports WidgetDB: contact them.' },
    });
    expect((await published(caseId)).caseUpdated).toEqual([{ caseId, status: 'referred_to_vendor', version: 2, from: 'in_progress', type: 'case.status_changed' }]);
  });
});

describe('an engineer escalates a workload case to a partner', () => {
  it('records the request and publishes escalation-requested with the partner; the workflow moves the case on', async () => {
    const caseId = await seed(aCaseIn('in_progress'));
    const res = await act(PEOPLE.grace, caseId, { action: 'escalate_to_partner', partnerId: 'mongodb', message: 'Their driver.' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ caseId, status: 'in_progress', version: 2, event: { id: 'v000002-00', type: 'escalation_requested' } });
    const now = h.deps.clock.now().toISOString();
    expect(await stored(caseId)).toMatchObject({
      status: 'in_progress',
      approach: 'workload',
      partnerId: 'mongodb',
      escalationRequest: { partnerId: 'mongodb', requestedAt: now, requestedBy: { kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' } },
      // Not the partner's to read until the escalation is under way.
      partnerAccess: null,
    });
    expect(await newEvents(caseId)).toEqual([
      expect.objectContaining({ type: 'escalation_requested', internal: true, actor: { kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' }, data: { partnerId: 'mongodb', message: 'Their driver.' } }),
    ]);
    // The request is internal and the status stays: nothing to announce until the partner is asked.
    expect(await published(caseId)).toEqual({
      caseUpdated: [],
      escalationRequested: [{ caseId, partnerId: 'mongodb', type: 'escalation.requested' }],
    });
    const again = await act(PEOPLE.grace, caseId, { action: 'escalate_to_partner', partnerId: 'mongodb' });
    expect(again.status).toBe(409);
  });
});

describe('a journey', () => {
  it('the engineer replies, asks, the customer answers, the engineer resolves, the customer confirms', async () => {
    const start = h.deps.clock.now();
    const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000).toISOString();
    // Raised just now, premium P2: a first response is due in 120 minutes.
    const caseId = await seed(aCaseIn('in_progress', { createdAt: start.toISOString() }));
    const step = async (user: TokenUser, body: Record<string, unknown>) => {
      const res = await act(user, caseId, body);
      expect(res.status, JSON.stringify(body)).toBe(200);
      return (await res.json()) as { status: CaseStatus; version: number };
    };

    expect(await step(PEOPLE.grace, { action: 'reply', message: 'Looking into it.' })).toMatchObject({ status: 'in_progress', version: 2 });
    expect((await stored(caseId)).sla).toMatchObject({ firstRespondedAt: at(0), firstResponseDueAt: at(120), pausedMinutes: 0 });

    h.deps.clock.advance(10 * 60_000);
    expect(await step(PEOPLE.grace, { action: 'request_info', message: 'Which version?' })).toMatchObject({ status: 'awaiting_customer', version: 3 });
    expect(await stored(caseId)).toMatchObject({ resumeStatus: 'in_progress', sla: { pausedSince: at(10) } });

    h.deps.clock.advance(30 * 60_000);
    expect(await step(PEOPLE.ada, { action: 'reply', message: '15.2' })).toMatchObject({ status: 'in_progress', version: 4 });
    expect(await stored(caseId)).toMatchObject({ resumeStatus: null, sla: { pausedSince: null, pausedMinutes: 30, firstResponseDueAt: at(150), firstRespondedAt: at(0) } });

    h.deps.clock.advance(5 * 60_000);
    expect(await step(PEOPLE.grace, { action: 'resolve', message: 'Upgrade to 15.3.' })).toMatchObject({ status: 'resolved', version: 5 });
    expect(await step(PEOPLE.ada, { action: 'confirm_resolution', message: 'Works, thanks.' })).toMatchObject({ status: 'closed', version: 6 });

    expect((await newEvents(caseId)).map((e) => [e.type, e.actor.kind, e.data.to ?? null, e.data.reason ?? null, e.at])).toEqual([
      ['reply_posted', 'engineer', null, null, at(0)],
      ['status_changed', 'engineer', 'awaiting_customer', 'information_requested', at(10)],
      ['status_changed', 'customer', 'in_progress', 'customer_replied', at(40)],
      ['status_changed', 'engineer', 'resolved', 'engineer_resolved', at(45)],
      ['status_changed', 'customer', 'closed', 'customer_confirmed_resolution', at(45)],
    ]);
    // Pub/Sub delivers out of order, and under load a message may arrive after the drain marker: wait
    // for all five, and compare them in version order.
    const updates = await eventually(async () => {
      const got = (await published(caseId)).caseUpdated;
      return got.length >= 5 ? got : undefined;
    }, 10_000, 'the five case-updated messages of the journey');
    expect(updates.map(({ status, version, from }) => ({ status, version, from })).sort((a, b) => Number(a.version) - Number(b.version))).toEqual([
      { status: 'in_progress', version: 2, from: undefined },
      { status: 'awaiting_customer', version: 3, from: 'in_progress' },
      { status: 'in_progress', version: 4, from: 'awaiting_customer' },
      { status: 'resolved', version: 5, from: 'in_progress' },
      { status: 'closed', version: 6, from: 'resolved' },
    ]);
  });
});
