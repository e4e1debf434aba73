import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../dev/eventually.js';
import type { LocalStack } from '../../dev/local-stack.js';
import { startTestStack } from './test-stack.js';
import type { PubSubEventBus } from '../../functions/src/adapters/pubsub-event-bus.js';
import type { Case, TimelineEvent } from '../../functions/src/domain/case-model.js';
import type { BusMessage, EventBus, Topic } from '../../functions/src/ports/event-bus.js';
import { authAs, type TokenUser } from '../tokens.js';
import { mailAbout, partnerAsked } from './caught-mail.js';

/**
 * A fault between a commit and its publish, on every path that publishes: the commit stands, the
 * publish fails (Pub/Sub down, or the process dying right there, look the same to the message), and
 * the follow-up sweep publishes the message from the case's outbox a minute later. Each time the
 * effect happens exactly once: one step, one execution, one email.
 */
const PROJECT = 'demo-tandem-outbox';
const START = new Date('2026-11-23T09:00:00.000Z');
const MINUTE = 60_000;
const DAY_MS = 24 * 60 * MINUTE;
const PETER: TokenUser = { uid: 'demo-customer-initech', role: 'customer', org: 'org-initech-premium', name: 'Peter Gibbons', email: 'peter@initech.example' };

/** Fails the next publish to a topic about one case (and of one type, when given), once each time it is armed. */
class FaultyBus implements EventBus {
  private readonly armed: { topic: Topic; caseId: string; type?: string }[] = [];
  readonly injected: { topic: Topic; caseId: string; type: string }[] = [];
  constructor(private readonly real: EventBus) {}
  failNext(topic: Topic, caseId: string, type?: string): void {
    this.armed.push({ topic, caseId, type });
  }
  async publish(topic: Topic, message: BusMessage): Promise<void> {
    const at = this.armed.findIndex((a) => a.topic === topic && a.caseId === message.data.caseId && (a.type === undefined || a.type === message.type));
    if (at >= 0) {
      this.armed.splice(at, 1);
      this.injected.push({ topic, caseId: String(message.data.caseId), type: message.type });
      throw new Error(`UNAVAILABLE: injected between the commit and the publish to ${topic}`);
    }
    await this.real.publish(topic, message);
  }
}

let stack: LocalStack;
let faults: FaultyBus;

beforeAll(async () => {
  stack = await startTestStack(PROJECT, START, { wrapBus: (real: PubSubEventBus) => (faults = new FaultyBus(real)) });
});
afterAll(async () => {
  await stack?.stop();
});

const as = (user: TokenUser) => authAs(PROJECT, user, stack.clock.now());
let opened = 0;
/** A case through intake, with a subject of its own. */
async function open(subject: string, product: string, vendor: string): Promise<string> {
  const res = await fetch(`${stack.url}/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...as(PETER) },
    body: JSON.stringify({ subject: `${subject} #${++opened}`, product, vendor, description: 'Details.', priority: 'P3', environment: 'production', contact: { name: PETER.name, email: PETER.email } }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { caseId: string }).caseId;
}
const caseOf = async (caseId: string): Promise<Case> => (await stack.store.getCase(caseId))!;
const reaches = (caseId: string, status: Case['status']) => eventually(async () => ((await caseOf(caseId)).status === status ? true : undefined), 20_000, `${caseId} to be ${status}`);
const eventsOf = async (caseId: string, type: TimelineEvent['type']) => (await stack.store.timeline(caseId)).filter((e) => e.type === type);
/** Waits until the case's outbox holds nothing, i.e. every message it recorded was taken up. */
const drained = (caseId: string) => eventually(async () => (Object.keys((await caseOf(caseId)).outbox).length === 0 ? true : undefined), 20_000, `${caseId}'s outbox to drain`);
/** What the sweep does a minute later: publishes what was not taken up. */
const aMinuteLater = () => stack.advanceClock(MINUTE + 1_000);
const subjectOf = async (caseId: string) => (await caseOf(caseId)).subject;
async function mailsOnceSettled(caseId: string): Promise<string[]> {
  await drained(caseId);
  await new Promise((r) => setTimeout(r, 300));
  return (await mailAbout(stack, await subjectOf(caseId))).map((m) => m.subject.replace(/^\[[^\]]*\]\s*/, ''));
}

describe('a fault between the commit and the publish, on every path that publishes', () => {
  it('intake: case-received lost → the sweep publishes it, and the case is triaged once', async () => {
    const caseId = await openArmed('case-received', 'Widget Server will not start', 'Widget Server', 'Example Corp');
    expect(faults.injected).toContainEqual({ topic: 'case-received', caseId, type: 'case.received' });
    expect((await caseOf(caseId)).outbox).toHaveProperty('v000001_case_received');
    expect((await caseOf(caseId)).triage).toBeNull();
    await aMinuteLater();
    await reaches(caseId, 'in_progress');
    await drained(caseId);
    expect(await eventsOf(caseId, 'case_classified')).toHaveLength(1);
    expect(await mailsOnceSettled(caseId)).toEqual([expect.stringMatching(/received/i)]);
  });

  it('a triage step: case-prioritized lost → route runs once after the sweep', async () => {
    const caseId = await openArmed('case-prioritized', 'Widget Server leaks memory', 'Widget Server', 'Example Corp');
    await eventually(async () => ((await caseOf(caseId)).sla ? true : undefined), 10_000, 'prioritized');
    expect((await caseOf(caseId)).status).toBe('received');
    await aMinuteLater();
    await reaches(caseId, 'in_progress');
    await drained(caseId);
    expect((await eventsOf(caseId, 'status_changed')).map((e) => e.data.to)).toEqual(['triaged', 'in_progress']);
  });

  it('escalation: escalation-requested lost → one workflow execution, one webhook to the partner', async () => {
    const caseId = await openArmed('escalation-requested', 'Confluent Platform brokers flap', 'Confluent Platform', 'Confluent');
    await reaches(caseId, 'triaged');
    await stack.workflowsRunner.waitForIdle();
    expect((await caseOf(caseId)).escalation).toBeNull();
    await aMinuteLater();
    await reaches(caseId, 'awaiting_partner');
    await stack.workflowsRunner.waitForIdle();
    await drained(caseId);
    expect(await eventsOf(caseId, 'escalation_requested')).toHaveLength(1);
    expect(await eventsOf(caseId, 'partner_notified')).toHaveLength(1);
  });

  it("a partner callback: its case-updated lost → the customer gets the 'partner engaged' email once", async () => {
    const caseId = await open('ONTAP volume offline', 'Cloud Volumes ONTAP', 'NetApp');
    await reaches(caseId, 'awaiting_partner');
    await stack.workflowsRunner.waitForIdle();
    // NetApp's simulator acknowledges a minute after the webhook: that callback's announcement fails.
    faults.failNext('case-updated', caseId, 'case.status_changed');
    await stack.advanceClock(MINUTE + 1_000);
    await reaches(caseId, 'partner_engaged');
    await eventually(async () => (faults.injected.some((f) => f.caseId === caseId) ? true : undefined), 10_000, 'the injected fault');
    await aMinuteLater();
    const subjects = await mailsOnceSettled(caseId);
    expect(subjects.filter((s) => /partner|netapp/i.test(s))).toHaveLength(1);
  });

  it("a case action: the customer's reply announcement lost → the engineers are told once", async () => {
    const caseId = await open('VM-Series drops sessions', 'VM-Series', 'Palo Alto Networks');
    await partnerAsked(stack, caseId);
    await stack.advanceClock(4 * MINUTE); // Palo Alto Networks asks a question after 3 minutes.
    await reaches(caseId, 'awaiting_customer');
    await drained(caseId);
    faults.failNext('case-updated', caseId);
    const res = await fetch(`${stack.url}/cases/${caseId}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...as(PETER) },
      body: JSON.stringify({ action: 'reply', message: 'The sessions drop every 10 minutes, on all firewalls.' }),
    });
    expect(res.status).toBe(200);
    expect(faults.injected).toContainEqual(expect.objectContaining({ topic: 'case-updated', caseId }));
    expect(Object.keys((await caseOf(caseId)).outbox)).toHaveLength(1);
    await aMinuteLater();
    const subject = await subjectOf(caseId);
    const toEngineers = async () => (await mailAbout(stack, subject)).filter((m) => !m.to.some((t) => t.address === PETER.email));
    await eventually(async () => ((await toEngineers()).length > 0 ? true : undefined), 20_000, 'the engineers told');
    await drained(caseId);
    await new Promise((r) => setTimeout(r, 500));
    expect(await toEngineers()).toHaveLength(1);
    expect((await toEngineers())[0]!.text).toContain('The sessions drop every 10 minutes');
  });

  it('the follow-ups: the reminder announcement lost → the customer is reminded once', async () => {
    const caseId = await open('VM-Series licence lost', 'VM-Series', 'Palo Alto Networks');
    await partnerAsked(stack, caseId);
    await stack.advanceClock(4 * MINUTE);
    await reaches(caseId, 'awaiting_customer');
    await drained(caseId);
    faults.failNext('case-updated', caseId, 'case.customer_reminded');
    await stack.advanceClock(3 * DAY_MS);
    expect(await eventsOf(caseId, 'customer_reminded')).toHaveLength(1);
    await aMinuteLater();
    const subjects = await mailsOnceSettled(caseId);
    expect(faults.injected).toContainEqual({ topic: 'case-updated', caseId, type: 'case.customer_reminded' });
    expect(subjects.filter((s) => /remind|waiting|still/i.test(s))).toHaveLength(1);
  });
});

/**
 * Opens a case whose next publish to `topic` fails. Intake makes the case ID, so the fault is armed
 * when intake publishes its case-received (before that publish is let through or failed).
 */
async function openArmed(topic: Topic, subject: string, product: string, vendor: string): Promise<string> {
  const armed = new Promise<void>((resolve) => {
    const original = faults.publish.bind(faults);
    faults.publish = async (t, message) => {
      if (t === 'case-received') {
        faults.failNext(topic, String(message.data.caseId));
        faults.publish = original;
        resolve();
      }
      return original(t, message);
    };
  });
  const caseId = await open(subject, product, vendor);
  await armed;
  return caseId;
}
