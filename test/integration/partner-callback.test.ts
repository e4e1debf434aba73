import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { Case } from '../../functions/src/domain/case-model.js';
import { DEFAULT_DEV_SECRETS_FILE } from '../../dev/stack-deps.js';
import { aCaseIn, anEscalation, anOrg } from '../builders.js';
import { createHarness, listenTo, resetFirestore, seedOrgs, seedRegistry, serveFunction, TEST_START, type Harness } from './harness.js';

const SECRETS = JSON.parse(readFileSync(DEFAULT_DEV_SECRETS_FILE, 'utf8')) as Record<string, string[]>;
const NETAPP_NEW = SECRETS.netapp![0]!;
const NETAPP_OLD = SECRETS.netapp![1]!;
const MONGODB = SECRETS.mongodb![0]!;

let h: Harness;
let fn: { url: string; close(): Promise<void> };

beforeAll(async () => {
  h = createHarness();
  fn = await serveFunction('partnerCallback');
});
afterAll(async () => {
  await fn.close();
  await h.close();
});
beforeEach(async () => {
  await resetFirestore();
  await seedOrgs(h.db, { 'org-premium': anOrg({ name: 'Globex', supportPlan: 'premium' }) });
  await seedRegistry(h.db);
  await h.db.collection('cases').doc('case-netapp').set(escalatedCase('netapp'));
  await h.db.collection('cases').doc('case-mongodb').set(escalatedCase('mongodb'));
});

/**
 * A P1 case of org-premium escalated to `partnerId` at the harness's start, at version 6, waiting for
 * the partner's acknowledgement until 09:30; with a `callbackUrl`, a verified callback is handed to
 * the workflow waiting there.
 */
const escalatedCase = (partnerId: string, status: Case['status'] = 'awaiting_partner', callbackUrl: string | null = null): Case =>
  aCaseIn(status, {
    orgId: 'org-premium', priority: 'P1', partnerId, queue: `partner-${partnerId}`,
    triage: { rule: 'vendor_is_partner', matched: { kind: 'partner', id: partnerId, name: partnerId } },
    escalation: anEscalation({ callbackUrl, ackDueAt: '2026-11-23T09:30:00.000Z' }),
    nextActionAt: '2026-11-23T09:30:00.000Z', version: 6,
  });

const callbackBody = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'collaboration.acknowledged', caseRef: 'case-netapp', partnerTicketId: 'NA-1', message: 'On it', occurredAt: TEST_START.toISOString(), ...overrides });

/** Signs with the independent `standardwebhooks` package, at the harness clock's time unless told otherwise. */
function signed(body: string, options: { secret?: string; id?: string; at?: Date } = {}): Record<string, string> {
  const id = options.id ?? `msg_${Math.random().toString(36).slice(2)}`;
  const at = options.at ?? h.deps.clock.now();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? NETAPP_NEW).sign(id, at, body),
  };
}

const send = (body: string, headers: Record<string, string>, partnerId = 'netapp') =>
  fetch(`${fn.url}/partners/${partnerId}/callbacks`, { method: 'POST', headers, body });

const stored = async (caseId = 'case-netapp') => (await h.db.collection('cases').doc(caseId).get()).data() as Case;
const eventCount = async (caseId = 'case-netapp') => (await h.db.collection('cases').doc(caseId).collection('events').count().get()).data().count;

describe('a verified callback', () => {
  it('is applied: 202, the case moves through the state machine, the timeline records it, case-updated is published', async () => {
    const updates = await listenTo(h.pubsub, 'case-updated');
    const res = await send(callbackBody(), signed(callbackBody()));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: 'partner_engaged' });
    const c = await stored();
    expect(c).toMatchObject({ status: 'partner_engaged', version: 7, escalation: { partnerTicketId: 'NA-1', outcome: 'acknowledged' } });
    const [event] = (await h.db.collection('cases').doc('case-netapp').collection('events').get()).docs.map((d) => d.data());
    expect(event).toMatchObject({ type: 'status_changed', actor: { kind: 'partner', id: 'netapp' }, data: { to: 'partner_engaged', message: 'On it' } });
    expect((await updates.waitFor(1))[0]?.data).toEqual({
      caseId: 'case-netapp', status: 'partner_engaged', version: 7, from: 'awaiting_partner', outboxId: 'v000007_case_updated',
      // A public entry travels whole, so notify need not read it back.
      events: [expect.objectContaining({ id: 'v000007-00', type: 'status_changed', internal: false, data: expect.objectContaining({ to: 'partner_engaged', message: 'On it' }) })],
    });
    await updates.close();
  });

  it('replayed with the same webhook-id gets 200 and has no second effect', async () => {
    const headers = signed(callbackBody(), { id: 'msg_replay' });
    expect((await send(callbackBody(), headers)).status).toBe(202);
    const replay = await send(callbackBody(), headers);
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ status: 'partner_engaged', duplicate: true });
    expect((await stored()).version).toBe(7);
    expect(await eventCount()).toBe(1);
  });

  it('signed with the partner’s older key passes during a rotation', async () => {
    expect((await send(callbackBody(), signed(callbackBody(), { secret: NETAPP_OLD }))).status).toBe(202);
  });

  it('passes with one valid signature among several', async () => {
    const headers = signed(callbackBody());
    headers['webhook-signature'] = `v1,${Buffer.alloc(32, 7).toString('base64')} ${headers['webhook-signature']} v1a,abc`;
    expect((await send(callbackBody(), headers)).status).toBe(202);
  });

  /** A stand-in for the workflow's callback endpoint that answers with the statuses given, in turn. */
  async function callbackEndpoint(statuses: number[]): Promise<{ url: string; hits: string[]; close(): void }> {
    const hits: string[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        hits.push(body);
        res.writeHead(statuses[Math.min(hits.length, statuses.length) - 1] ?? 200).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/callbacks/abc`, hits, close: () => server.close() };
  }

  it('is handed to the waiting escalation workflow, retried after a transient failure', async () => {
    const endpoint = await callbackEndpoint([503, 503, 200]);
    await h.db.collection('cases').doc('case-netapp').set(escalatedCase('netapp', 'awaiting_partner', endpoint.url));
    try {
      expect((await send(callbackBody(), signed(callbackBody(), { id: 'msg_fwd' }))).status).toBe(202);
      expect(endpoint.hits).toHaveLength(3);
      expect(JSON.parse(endpoint.hits[2]!)).toMatchObject({ type: 'collaboration.acknowledged', caseRef: 'case-netapp', webhookId: 'msg_fwd', partnerTicketId: 'NA-1' });
    } finally {
      endpoint.close();
    }
  });

  it('is not handed over again when the workflow has ended (404), and a replay hands it over once more', async () => {
    const endpoint = await callbackEndpoint([404]);
    await h.db.collection('cases').doc('case-netapp').set(escalatedCase('netapp', 'awaiting_partner', endpoint.url));
    try {
      const headers = signed(callbackBody(), { id: 'msg_gone' });
      expect((await send(callbackBody(), headers)).status).toBe(202);
      expect(endpoint.hits).toHaveLength(1);
      expect((await send(callbackBody(), headers)).status).toBe(200);
      expect(endpoint.hits).toHaveLength(2);
      expect((await stored()).version).toBe(7);
    } finally {
      endpoint.close();
    }
  });
});

describe('a callback that fails verification has no effect and is never a 500', () => {
  const tenMinutes = 301_000;
  const cases: [string, () => [string, Record<string, string>]][] = [
    ['a tampered body', () => [callbackBody({ message: 'changed' }), signed(callbackBody())]],
    ['the wrong key', () => [callbackBody(), signed(callbackBody(), { secret: MONGODB })]],
    ['a stale timestamp (−301 s)', () => [callbackBody(), signed(callbackBody(), { at: new Date(h.deps.clock.now().getTime() - tenMinutes) })]],
    ['a future timestamp (+301 s)', () => [callbackBody(), signed(callbackBody(), { at: new Date(h.deps.clock.now().getTime() + tenMinutes) })]],
    ['a signature of the wrong length', () => [callbackBody(), { ...signed(callbackBody()), 'webhook-signature': `v1,${Buffer.alloc(16).toString('base64')}` }]],
    ['a v1a-only signature header', () => [callbackBody(), { ...signed(callbackBody()), 'webhook-signature': signed(callbackBody())['webhook-signature']!.replace('v1,', 'v1a,') }]],
    ...(['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const).map(
      (header) =>
        [
          `a missing ${header} header`,
          () => {
            const headers = signed(callbackBody());
            delete headers[header];
            return [callbackBody(), headers];
          },
        ] as [string, () => [string, Record<string, string>]],
    ),
  ];

  it.each(cases)('%s → 401 invalid_signature', async (_name, make) => {
    const [body, headers] = make();
    const res = await send(body, headers);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_signature');
    expect((await stored()).status).toBe('awaiting_partner');
    expect(await eventCount()).toBe(0);
  });

  it.each(['a%2Fb', 'no-such-partner'])('an unknown or impossible partner %s → 404 unknown_case, never a 500', async (partnerId) => {
    const res = await send(callbackBody(), signed(callbackBody()), partnerId);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unknown_case');
  });

  it('a partner path with a broken escape is a JSON 404 (the framework’s router cannot decode it), never a 500', async () => {
    const res = await send(callbackBody(), signed(callbackBody()), '%E0%A4%A');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('not_found');
    expect((await stored()).version).toBe(6);
  });

  it('a caseRef that cannot be an ID → 400, never a 500', async () => {
    const body = callbackBody({ caseRef: 'cases/case-netapp' });
    const res = await send(body, signed(body));
    expect(res.status).toBe(400);
  });

  it('an unknown partner → 404 unknown_case', async () => {
    const res = await send(callbackBody(), signed(callbackBody()), 'no-such-partner');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unknown_case');
  });

  it('a partner calling about another partner’s case → 404, as for a case that does not exist', async () => {
    const body = callbackBody({ caseRef: 'case-netapp' });
    const res = await send(body, signed(body, { secret: MONGODB }), 'mongodb');
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('unknown_case');
    const missing = callbackBody({ caseRef: 'case-nobody' });
    expect((await send(missing, signed(missing))).status).toBe(404);
    expect((await stored()).version).toBe(6);
  });
});

describe('a verified callback the case cannot take', () => {
  it('with a body that fails validation → 400 with every issue', async () => {
    const body = JSON.stringify({ type: 'collaboration.exploded', occurredAt: 'yesterday' });
    const res = await send(body, signed(body));
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; issues: { path: string }[] } };
    expect(error.code).toBe('invalid_request');
    expect(error.issues.map((i) => i.path).sort()).toEqual(['caseRef', 'occurredAt', 'type']);
  });

  it('that does not fit the status → 409 invalid_transition with the current status', async () => {
    const body = callbackBody({ type: 'collaboration.resolved' });
    const res = await send(body, signed(body));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: { code: 'invalid_transition', status: 'awaiting_partner' } });
    expect((await stored()).version).toBe(6);
  });

  it('with a content type other than JSON → 415; over 64 KiB → 413', async () => {
    expect((await send('type=x', { ...signed('type=x'), 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    const big = callbackBody({ message: 'x'.repeat(70_000) });
    expect((await send(big, signed(big))).status).toBe(413);
  });
});
