import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { ControllableClock } from '../../dev/controllable-clock.js';
import { DEMO_CASES, openDemoCases, type OpenedDemoCase } from '../../dev/demo-cases.js';
import { eventually } from '../../dev/eventually.js';
import { startLocalStack, type LocalStack } from '../../dev/local-stack.js';
import { DEMO_ORGS, DEMO_USERS } from '../../dev/seed-data.js';

/**
 * The demo cases `npm start` opens (dev/demo-cases.ts), on the whole local stack as npm start runs it:
 * opened through intake with the ID tokens the Authentication emulator gives the demo customers, so
 * the stack runs in the emulator's own project (its tokens are for that project alone), from an empty
 * Firestore, on a clock that runs with real time (the tokens carry real times).
 */
const ENTITLED = ['enhanced', 'premium', 'partner_premium'];
let stack: LocalStack;
let opened: OpenedDemoCase[];

beforeAll(async () => {
  const projectId = inject('projectId');
  const cleared = await fetch(`http://${inject('firestoreHost')}/emulator/v1/projects/${projectId}/databases/(default)/documents`, { method: 'DELETE' });
  expect(cleared.ok).toBe(true);
  stack = await startLocalStack({
    firestoreHost: inject('firestoreHost'),
    pubsubHost: inject('pubsubHost'),
    authHost: inject('authHost'),
    port: 0,
    workflowsPort: 0,
    clock: new ControllableClock(),
    quiet: true,
    env: { GOOGLE_CLOUD_PROJECT: projectId },
    demoCases: true,
  });
  const outcome = stack.demoCases;
  if (!outcome || !('opened' in outcome)) throw new Error(`no demo cases: ${JSON.stringify(outcome)}`);
  opened = outcome.opened;
});
afterAll(async () => {
  await stack?.stop();
});

const customerOf = (email: string) => {
  const user = DEMO_USERS.find((u) => u.email === email);
  if (user?.claims.role !== 'customer') throw new Error(`${email} is not a demo customer`);
  return { ...user, org: user.claims.org };
};

describe('the demo cases of npm start', () => {
  it('are a handful, from customers of entitled orgs only, at varied priorities and orgs, of every approach', () => {
    expect(opened.map((o) => o.demo.key)).toEqual(DEMO_CASES.map((d) => d.key));
    expect(DEMO_CASES.length).toBeGreaterThanOrEqual(4);
    const orgs = DEMO_CASES.map((d) => customerOf(d.customer).org);
    for (const org of orgs) expect(ENTITLED, org).toContain(DEMO_ORGS[org]?.supportPlan);
    expect(new Set(orgs).size).toBeGreaterThanOrEqual(3);
    expect(new Set(DEMO_CASES.map((d) => d.submission.priority)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(DEMO_CASES.map((d) => d.lands.approach))).toEqual(new Set(['collaborative', 'workload', 'third_party_vendor']));
    expect(DEMO_CASES.map((d) => d.lands.partnerId)).toEqual(expect.arrayContaining(['netapp', 'confluent']));
  });

  it.each(DEMO_CASES.map((d) => [d.key, d] as const))('%s is opened by its customer for their org and triaged where it says', async (key, demo) => {
    const { caseId, status } = opened.find((o) => o.demo.key === key)!;
    expect(status).toBe(demo.lands.status);
    const customer = customerOf(demo.customer);
    const stored = (await stack.store.getCase(caseId))!;
    expect(stored).toMatchObject({
      orgId: customer.org,
      contact: { name: customer.name, email: customer.email },
      subject: demo.submission.subject,
      approach: demo.lands.approach,
      triage: { rule: demo.lands.rule },
      partnerId: demo.lands.partnerId,
      queue: demo.lands.queue,
      priority: demo.lands.priority,
      status: demo.lands.status,
    });
    expect(stored.triage?.matched?.id ?? null).toBe(demo.lands.matched);
    const [received] = await stack.store.timeline(caseId);
    expect(received).toMatchObject({ type: 'case_received', actor: { kind: 'customer', id: customer.uid } });
  });

  it('are not opened again once the project has cases', async () => {
    const again = await openDemoCases({ url: stack.url, db: stack.db, authHost: inject('authHost'), projectId: inject('projectId') });
    expect(again).toEqual({ skipped: 'the project already has cases' });
    expect((await stack.db.collection('cases').get()).size).toBe(DEMO_CASES.length);
  });

  it("flow on as the banner says: NetApp acknowledges after a minute, Confluent stays silent on its desk", async () => {
    const caseOf = (key: string) => opened.find((o) => o.demo.key === key)!.caseId;
    await stack.advanceClock(90_000);
    await eventually(async () => ((await stack.store.getCase(caseOf('demo-netapp-failover')))?.status === 'partner_engaged' ? true : undefined), 20_000, 'NetApp to acknowledge');
    expect((await stack.store.getCase(caseOf('demo-confluent-lag')))?.status).toBe('awaiting_partner');
  });
});
