import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../dev/eventually.js';
import type { LocalStack } from '../../dev/local-stack.js';
import { startTestStack } from './test-stack.js';
import type { Case } from '../../functions/src/domain/case-model.js';
import { authAs, type TokenUser } from '../tokens.js';

/**
 * People working cases on the whole local stack (every function behind the router, the Workflows
 * runner, the partner simulator, the follow-up sweep at each clock advance), signed in as the demo
 * users the stack seeds: a referral that closes itself after 3 days, and a workload case an engineer
 * escalates to a partner who acknowledges it from the desk.
 */
const PROJECT = 'demo-tandem-people';
const START = new Date('2026-11-23T09:00:00.000Z');
const DAY_MS = 24 * 3600_000;
let stack: LocalStack;

// The stack's demo users (dev/seed-data.ts DEMO_USERS), signed in at the stack's clock.
const PETER: TokenUser = { uid: 'demo-customer-initech', role: 'customer', org: 'org-initech-premium', name: 'Peter Gibbons', email: 'peter@initech.example' };
const GRACE: TokenUser = { uid: 'demo-engineer-grace', role: 'engineer', name: 'Grace Hopper', email: 'grace@tandem.example' };
const CONFLUENT: TokenUser = { uid: 'demo-partner-confluent', role: 'partner', partnerId: 'confluent', name: 'Confluent Support', email: 'support@confluent.example' };

const as = (user: TokenUser) => authAs(PROJECT, user, stack.clock.now());

beforeAll(async () => {
  stack = await startTestStack(PROJECT, START);
});
afterAll(async () => {
  await stack?.stop();
});

async function open(user: TokenUser, fields: Record<string, unknown>): Promise<string> {
  const res = await fetch(`${stack.url}/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...as(user) },
    body: JSON.stringify({ description: 'Details.', priority: 'P3', environment: 'production', ...fields }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { caseId: string }).caseId;
}

async function act(user: TokenUser, caseId: string, body: Record<string, unknown>): Promise<{ status: number; body: { status?: string } }> {
  const res = await fetch(`${stack.url}/cases/${caseId}/actions`, { method: 'POST', headers: { 'content-type': 'application/json', ...as(user) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { status?: string } };
}

const statusOf = async (caseId: string) => (await stack.store.getCase(caseId))?.status;
const reaches = (caseId: string, status: Case['status']) => eventually(async () => ((await statusOf(caseId)) === status ? true : undefined), 20_000, `${caseId} to be ${status}`);

describe('people on the case, on the whole stack', () => {
  it('a case referred to its vendor is closed by the follow-ups 3 days later, and the customer sees why', async () => {
    const caseId = await open(PETER, { subject: 'Widget Server leaks memory', product: 'Widget Server', vendor: 'Example Corp' });
    await reaches(caseId, 'in_progress');
    const referred = await act(GRACE, caseId, {
      action: 'refer_to_vendor',
      vendorContact: { name: 'Example Corp support', url: 'https://support.example.com' },
      message: 'The leak is in Widget Server itself; Example Corp support can fix it.',
    });
    expect(referred).toMatchObject({ status: 200, body: { status: 'referred_to_vendor' } });
    await stack.advanceClock(3 * DAY_MS + 60_000);
    await reaches(caseId, 'closed');
    const events = await fetch(`${stack.url}/cases/${caseId}/events`, { headers: as(PETER) });
    const reasons = ((await events.json()) as { events: { type: string; data: { reason?: string } }[] }).events.map((e) => e.data.reason).filter(Boolean);
    expect(reasons).toEqual(expect.arrayContaining(['referred_to_vendor', 'closed_after_referral']));
  });

  it('an engineer escalates a workload case to a partner, the workflow asks it, and the partner acknowledges from its desk', async () => {
    const caseId = await open(PETER, { subject: 'PostgreSQL replicas lag', product: 'PostgreSQL 16', vendor: 'PostgreSQL' });
    await reaches(caseId, 'in_progress');
    // Confluent's simulator never answers its webhooks: its people answer at the desk instead.
    const escalated = await act(GRACE, caseId, { action: 'escalate_to_partner', partnerId: 'confluent', message: 'Kafka Connect sits in the replication path.' });
    expect(escalated.status).toBe(200);
    await reaches(caseId, 'awaiting_partner');
    expect((await stack.store.getCase(caseId))?.partnerAccess).toBe('confluent');

    const acked = await act(CONFLUENT, caseId, { action: 'acknowledge', partnerTicketId: 'CONF-77', message: 'Looking at the connector.' });
    expect(acked).toMatchObject({ status: 200, body: { status: 'partner_engaged' } });
    expect((await stack.store.getCase(caseId))?.escalation).toMatchObject({ partnerTicketId: 'CONF-77', outcome: 'acknowledged' });

    // The workflow was waiting for the answer: handed over, it ends instead of climbing the ladder once
    // the acknowledgement deadline (P3: 8 hours) has passed.
    await stack.advanceClock(10 * 3600_000);
    expect(await statusOf(caseId)).toBe('partner_engaged');
    const timeline = await stack.store.timeline(caseId);
    expect(timeline.filter((e) => e.type === 'escalation_level_raised')).toEqual([]);
    expect(timeline.filter((e) => e.type === 'partner_notified')).toHaveLength(1);
    // Another org's customer learns nothing of it.
    const other: TokenUser = { uid: 'demo-customer-hooli', role: 'customer', org: 'org-hooli-partner-premium', name: 'Gavin Belson', email: 'gavin@hooli.example' };
    expect((await fetch(`${stack.url}/cases/${caseId}`, { headers: as(other) })).status).toBe(404);
  });
});
