import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ControllableClock } from '../../dev/controllable-clock.js';
import { authAs, PEOPLE } from '../tokens.js';
import type { Case, TimelineEvent } from '../../functions/src/domain/case-model.js';
import { startLocalStack, type LocalStack } from '../../dev/local-stack.js';
import { createLocalExecutionsClient } from '../../dev/workflows-runner/client.js';
import { eventually } from '../../dev/eventually.js';

/**
 * The whole local stack (emulators, every function behind the router, the Workflows runner running
 * workflows/partner-escalation.workflows.yaml, the partner simulator), with the clock frozen and
 * advanced by the test instead of waiting.
 */
const PROJECT = 'demo-tandem-e2e';
const START = new Date('2026-11-23T09:00:00.000Z');
let stack: LocalStack;
let clock: ControllableClock;

beforeAll(async () => {
  clock = new ControllableClock({ start: START, frozen: true });
  stack = await startLocalStack({
    firestoreHost: inject('firestoreHost'),
    pubsubHost: inject('pubsubHost'),
    port: 0,
    workflowsPort: 0,
    clock,
    quiet: true,
    env: { GOOGLE_CLOUD_PROJECT: PROJECT },
  });
});
afterAll(async () => {
  await stack?.stop();
});

async function submit(vendor: string, product: string, priority = 'P1'): Promise<string> {
  const res = await fetch(`${stack.url}/cases`, {
    method: 'POST',
    // An engineer opens it for Initech (any org), signed in on the stack's Authentication emulator project.
    headers: { 'content-type': 'application/json', ...authAs(PROJECT, PEOPLE.grace, stack.clock.now()) },
    body: JSON.stringify({
      orgId: 'org-initech-premium', contact: { name: 'Ada', email: 'ada@initech.example' }, subject: `${product} is failing`,
      description: 'Details.', product, vendor, priority, environment: 'production',
    }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { caseId: string }).caseId;
}

const until = <T>(what: string, check: () => Promise<T | undefined>) => eventually(check, 20_000, what);

const caseNow = async (caseId: string) => (await stack.store.getCase(caseId))!;
const statusOf = (caseId: string, status: Case['status'], extra: (c: Case) => boolean = () => true) =>
  until(`case ${caseId} to be ${status}`, async () => {
    const c = await caseNow(caseId);
    return c.status === status && extra(c) ? c : undefined;
  });
const timeline = (caseId: string) => stack.store.timeline(caseId);
const summary = (events: TimelineEvent[]) => events.map((e) => (e.type === 'status_changed' ? `→${String(e.data.to)}` : e.type));

/** Moves the clock and then lets every execution settle on its next wait. */
async function advanceMinutes(minutes: number): Promise<void> {
  clock.advance(minutes * 60_000);
  await stack.workflowsRunner.waitForIdle();
}

async function executionsFor(caseId: string) {
  const client = createLocalExecutionsClient(stack.workflowsUrl);
  try {
    const [list] = await client.listExecutions({ parent: `projects/${PROJECT}/locations/us-central1/workflows/partner-escalation`, view: 'FULL' });
    return list.filter((e) => (JSON.parse(e.argument ?? '{}') as { caseId?: string }).caseId === caseId);
  } finally {
    await client.close();
  }
}

async function simulatedPartner(partnerId: string, behaviour: object): Promise<void> {
  const res = await fetch(`${stack.url}/_dev/partner-simulator/${partnerId}`, { method: 'PUT', body: JSON.stringify(behaviour) });
  expect(res.status).toBe(200);
}

describe('a collaborative case, end to end', () => {
  it('is triaged, the partner notified, acknowledges, is engaged and resolves the case', async () => {
    await simulatedPartner('netapp', { mode: 'acknowledge', afterMinutes: 10, resolveAfterMinutes: 120 });
    const caseId = await submit('NetApp, Inc.', 'Cloud Volumes ONTAP');
    const waiting = await statusOf(caseId, 'awaiting_partner', (c) => c.escalation?.executionId !== null);
    expect(waiting.escalation).toMatchObject({ level: 0, ackDueAt: '2026-11-23T09:30:00.000Z' });
    await until('the partner webhook', async () => ((await timeline(caseId)).some((e) => e.type === 'partner_notified') ? true : undefined));

    await advanceMinutes(10);
    const engaged = await statusOf(caseId, 'partner_engaged');
    expect(engaged.escalation).toMatchObject({ outcome: 'acknowledged', partnerTicketId: expect.stringMatching(/^NETAPP-/) });
    const [execution] = await until('the execution to end', async () => {
      const list = await executionsFor(caseId);
      return list.every((e) => e.state === 'SUCCEEDED') ? list : undefined;
    });
    expect(JSON.parse(execution!.result ?? '{}')).toEqual({ action: 'stop', reason: 'partner_answered', partnerEvent: 'collaboration.acknowledged' });

    await advanceMinutes(120);
    await statusOf(caseId, 'resolved');
    expect(summary(await timeline(caseId))).toEqual([
      'case_received', 'case_classified', 'case_prioritized', '→triaged', 'escalation_requested', '→awaiting_partner', 'partner_notified',
      '→partner_engaged', '→resolved',
    ]);
    expect(await executionsFor(caseId)).toHaveLength(1);
  });
});

describe('a partner that never answers', () => {
  it('climbs each ladder level at its target, then hands the case to Customer Care and tells the customer; one execution', async () => {
    await simulatedPartner('confluent', { mode: 'silent' });
    const caseId = await submit('Confluent', 'Confluent Platform'); // P1: Confluent's target is 45 minutes; two ladder rungs
    const waiting = await statusOf(caseId, 'awaiting_partner', (c) => c.escalation?.executionId !== null);
    await stack.workflowsRunner.waitForIdle();
    const began = Date.parse(waiting.statusChangedAt);

    await advanceMinutes(44);
    expect((await caseNow(caseId)).escalation?.level).toBe(0);
    await advanceMinutes(1);
    await until('level 1', async () => ((await caseNow(caseId)).escalation?.level === 1 ? true : undefined));
    await stack.workflowsRunner.waitForIdle();
    await advanceMinutes(45);
    await until('level 2', async () => ((await caseNow(caseId)).escalation?.level === 2 ? true : undefined));
    await stack.workflowsRunner.waitForIdle();
    await advanceMinutes(45);
    const fallback = await statusOf(caseId, 'in_progress');
    expect(fallback.escalation).toMatchObject({ outcome: 'ladder_exhausted', level: 2 });

    const events = await timeline(caseId);
    const raised = events.filter((e) => e.type === 'escalation_level_raised');
    expect(raised.map((e) => [e.data.level, (Date.parse(e.at) - began) / 60_000])).toEqual([[1, 45], [2, 90]]);
    expect(events.filter((e) => e.type === 'partner_notified').map((e) => e.data.level)).toEqual([0, 1, 2]);
    const toInProgress = events.find((e) => e.type === 'status_changed' && e.data.to === 'in_progress');
    // The customer is told on the public status change itself.
    expect(toInProgress).toMatchObject({ internal: false, data: { reason: 'partner_unresponsive', message: expect.stringContaining('engineers are continuing') } });
    expect((Date.parse(toInProgress!.at) - began) / 60_000).toBe(135);
    const executions = await until('the execution to end', async () => {
      const list = await executionsFor(caseId);
      return list.length === 1 && list[0]!.state === 'SUCCEEDED' ? list : undefined;
    });
    expect(JSON.parse(executions[0]!.result ?? '{}')).toMatchObject({ reason: 'ladder_exhausted' });
  });
});

describe('a partner that declines', () => {
  it('sends the case back to in_progress with the partner’s reason on the timeline', async () => {
    await simulatedPartner('elastic', { mode: 'decline', afterMinutes: 5, reason: 'Self-managed build outside our support matrix.' });
    const caseId = await submit('Elastic N.V.', 'Elastic Cloud');
    await statusOf(caseId, 'awaiting_partner', (c) => c.escalation?.executionId !== null);
    await stack.workflowsRunner.waitForIdle();
    await advanceMinutes(5);
    const back = await statusOf(caseId, 'in_progress');
    expect(back.escalation?.outcome).toBe('declined');
    const declined = (await timeline(caseId)).find((e) => e.type === 'status_changed' && e.data.to === 'in_progress');
    expect(declined).toMatchObject({ actor: { kind: 'partner', id: 'elastic' }, data: { reason: 'partner_declined', message: 'Self-managed build outside our support matrix.' } });
  });
});

describe('at-least-once escalation', () => {
  it('more escalation-requested deliveries, also concurrent ones, start no second execution', async () => {
    await simulatedPartner('sap', { mode: 'silent' });
    const caseId = await submit('SAP SE', 'SAP HANA');
    await statusOf(caseId, 'awaiting_partner', (c) => c.escalation?.executionId !== null);
    const { PubSub } = await import('@google-cloud/pubsub');
    const pubsub = new PubSub({ projectId: PROJECT });
    const topic = pubsub.topic('escalation-requested');
    await Promise.all([1, 2, 3].map(() => topic.publishMessage({ json: { caseId, partnerId: 'sap' }, attributes: { type: 'escalation.requested' } })));
    // Kept: the quiet local stack discards its logs and exposes no delivery's end, so no event says the three were handled.
    await new Promise((r) => setTimeout(r, 1_500));
    await pubsub.close();
    expect(await executionsFor(caseId)).toHaveLength(1);
  });

  it('a partner that answers 503 is retried with backoff until the webhook is delivered', async () => {
    await simulatedPartner('mongodb', { mode: 'flaky', failures: 2, afterMinutes: 60 });
    const caseId = await submit('MongoDB', 'MongoDB Atlas');
    await statusOf(caseId, 'awaiting_partner', (c) => c.escalation?.executionId !== null);
    // The workflow's retry policy waits 2 s, then 4 s, on the stack's clock: moved on 2 s at a time (at most 10 times) until the webhook is delivered.
    let advances = 0;
    await until('the webhook delivered after the retries', async () => {
      await stack.workflowsRunner.waitForIdle();
      if ((await timeline(caseId)).some((e) => e.type === 'partner_notified')) return true;
      if (++advances > 10) throw new Error('no partner_notified after moving the clock on 10 × 2 s');
      clock.advance(2_000);
      return undefined;
    });
    const notified = (await timeline(caseId)).filter((e) => e.type === 'partner_notified');
    expect(notified).toHaveLength(1);
    const received = await (await fetch(`${stack.url}/_dev/partner-simulator`)).json() as { received: Record<string, { webhookId: string; status: number }[]> };
    const deliveries = received.received.mongodb!.filter((w) => w.webhookId === `${caseId}.level-0`);
    expect(deliveries.map((d) => d.status)).toEqual([503, 503, 200]);
  });
});
