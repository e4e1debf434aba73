import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { readFileSync } from 'node:fs';
import type { Case } from '../../functions/src/domain/case-model.js';
import { DEFAULT_DEV_SECRETS_FILE } from '../../dev/stack-deps.js';
import { aCaseIn, aClaimedEscalation, anOrg } from '../builders.js';
import { createHarness, listenTo, resetFirestore, seedOrgs, seedRegistry, serveFunction, type Harness, type TopicListener } from './harness.js';

/** The internal function the escalation workflow calls, driven directly as the workflow would. */
let h: Harness;
let fn: { url: string; close(): Promise<void> };
let updates: TopicListener;

beforeAll(async () => {
  h = createHarness();
  fn = await serveFunction('escalationSteps');
});
afterAll(async () => {
  await fn.close();
  await h.close();
});
beforeEach(async () => {
  await resetFirestore();
  await seedOrgs(h.db, { 'org-premium': anOrg({ name: 'Globex', supportPlan: 'premium' }) });
  await seedRegistry(h.db);
  await h.db.collection('cases').doc('case-1').set(claimedCase());
  updates = await listenTo(h.pubsub, 'case-updated');
});
afterEach(async () => {
  await updates.close();
});

/**
 * A triaged NetApp P1 case of org-premium whose escalation `claim-1` has been claimed at the harness's
 * start, its execution not yet recorded (version 5); NetApp's P1 target gives the 09:30 deadline.
 */
const claimedCase = (): Case =>
  aCaseIn('triaged', {
    orgId: 'org-premium', partnerId: 'netapp', priority: 'P1', escalation: aClaimedEscalation({ claimId: 'claim-1' }), version: 5,
  });

const step = (path: string, body: unknown) =>
  fetch(`${fn.url}/escalations/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
const start = { partnerId: 'netapp', claimId: 'claim-1', executionId: 'exec-1', callbackUrl: 'http://runner.test/callbacks/abc' };
const stored = async () => (await h.db.collection('cases').doc('case-1').get()).data() as Case;

describe('start', () => {
  it('moves the case to awaiting_partner and announces it once; a retried start changes nothing and answers the same', async () => {
    const first = await step('case-1/start', start);
    expect(first.status).toBe(200);
    const instruction = await first.json();
    expect(instruction).toEqual({ action: 'wait', level: 0, ackDueAt: '2026-11-23T09:30:00.000Z', ackTimeoutSeconds: 1800 });
    expect(await stored()).toMatchObject({ status: 'awaiting_partner', version: 6, escalation: { executionId: 'exec-1', callbackUrl: start.callbackUrl } });

    const retried = await step('case-1/start', start);
    expect(await retried.json()).toEqual(instruction);
    expect((await stored()).version).toBe(6);
    // Announced once, by the commit that made it (a move that tells nobody anything is published
    // without an outbox entry); a retry has nothing to add.
    const messages = await updates.waitFor(1);
    expect(messages.map((m) => m.data)).toEqual([{ caseId: 'case-1', status: 'awaiting_partner', version: 6, from: 'triaged', events: [expect.objectContaining({ id: 'v000006-00' })] }]);
    expect((await stored()).outbox).toEqual({});
    expect(await updates.drain()).toHaveLength(1);
  });

  it('tells an execution whose claim was taken over to stop, and changes nothing', async () => {
    const res = await step('case-1/start', { ...start, claimId: 'claim-0' });
    expect(await res.json()).toMatchObject({ action: 'stop', reason: 'superseded' });
    expect((await stored()).status).toBe('triaged');
  });
});

describe('notify', () => {
  let partner: Server;
  let answers: number[];
  const received: { headers: Record<string, string>; body: string }[] = [];

  beforeAll(async () => {
    partner = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(answers.shift() ?? 200).end();
      });
    });
    await new Promise<void>((r) => partner.listen(0, '127.0.0.1', r));
  });
  afterAll(() => void partner.close());

  beforeEach(async () => {
    received.length = 0;
    await h.db.collection('partners').doc('netapp').update({ webhookUrl: `http://127.0.0.1:${(partner.address() as AddressInfo).port}/webhook` });
    await step('case-1/start', start);
  });

  it('answers 502 while the partner answers 503, recording nothing, then records the delivery and the time left to wait', async () => {
    answers = [503];
    const refused = await step('case-1/notify', { partnerId: 'netapp', level: 0 });
    expect(refused.status).toBe(502);
    expect((await stored()).version).toBe(6);

    h.deps.clock.advance(5 * 60_000);
    const delivered = await step('case-1/notify', { partnerId: 'netapp', level: 0 });
    expect(await delivered.json()).toEqual({ delivered: true, status: 200, ackTimeoutSeconds: 1500 });
    expect((await stored()).version).toBe(7);
    // Both attempts carried the same webhook-id, signed so the partner can verify it.
    expect(new Set(received.map((r) => r.headers['webhook-id']))).toEqual(new Set(['case-1.level-0']));
    const secret = (JSON.parse(readFileSync(DEFAULT_DEV_SECRETS_FILE, 'utf8')) as Record<string, string[]>).netapp![0]!;
    const last = received.at(-1)!;
    // standardwebhooks' verify() checks the timestamp against real time, and the harness clock stands in
    // 2026-11-23; so the independent package re-signs what was sent, and the signatures must agree.
    const resigned = new Webhook(secret).sign(last.headers['webhook-id']!, new Date(Number(last.headers['webhook-timestamp']) * 1000), last.body);
    expect(last.headers['webhook-signature']).toBe(resigned);
    expect(JSON.parse(last.body)).toMatchObject({ type: 'collaboration.requested', caseRef: 'case-1', level: 0, callbackUrl: 'http://tandem.test/partners/netapp/callbacks' });
  });
});

describe('bad requests get a 4xx, never a 500, and change nothing', () => {
  it('a body with problems → 400 with every issue', async () => {
    const res = await step('case-1/start', { partnerId: 'a/b', callbackUrl: 'not a url' });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { issues: { path: string }[] } };
    expect(error.issues.map((i) => i.path).sort()).toEqual(['callbackUrl', 'claimId', 'executionId', 'partnerId']);
  });

  it.each([
    ['a case ID that cannot be one', 'a%2Fb/start', start, 'unknown_case'],
    ['an unknown case', 'case-nobody/start', start, 'unknown_case'],
    ['another partner’s case', 'case-1/start', { ...start, partnerId: 'mongodb' }, 'unknown_case'],
    ['an unknown partner', 'case-1/ack-timeout', { partnerId: 'nobody', level: 0 }, 'unknown_partner'],
  ])('%s → 404 %s', async (_name, path, body, code) => {
    const res = await step(path, body);
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    expect((await stored()).version).toBe(5);
  });

  it('an unknown step → 404; text/plain → 415', async () => {
    expect((await step('case-1/finish', {})).status).toBe(404);
    const res = await fetch(`${fn.url}/escalations/case-1/start`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(res.status).toBe(415);
  });
});
