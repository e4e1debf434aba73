import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudEvent, CloudEventFunction } from '@google-cloud/functions-framework';
import { getFunction } from '@google-cloud/functions-framework/testing';
import { verifyWebhook } from '../../functions/src/adapters/standard-webhooks.js';
import type { Case, CaseStatus, TimelineEvent } from '../../functions/src/domain/case-model.js';
import { decided, justChange } from '../../functions/src/domain/case-change.js';
import { changeStatus } from '../../functions/src/domain/case-state-machine.js';
import { nextActionAt } from '../../functions/src/domain/followup-policy.js';
import { applyPartnerEvent } from '../../functions/src/domain/partner-escalation.js';
import type { BusMessage, EventBus, Topic } from '../../functions/src/ports/event-bus.js';
import { demoPartners } from '../../dev/seed-data.js';
import { aCase, aCaseIn, anAcknowledgedEscalation, anEscalation, anOrg, anSla, aSeedEvent } from '../builders.js';
import { MessagesTakenUp, anotherStore, createHarness, listenTo, resetFirestore, seedOrgs, TEST_START, type Harness } from './harness.js';

/** Fails every publish while armed, as a Pub/Sub outage would. */
class SwitchableBus implements EventBus {
  failing = false;
  constructor(private readonly real: EventBus) {}
  async publish(topic: Topic, message: BusMessage): Promise<void> {
    if (this.failing) throw new Error(`UNAVAILABLE: injected failure publishing to ${topic}`);
    await this.real.publish(topic, message);
  }
}

/** A partner's webhook endpoint: records what arrives and answers with `status`. */
class PartnerEndpoint {
  readonly received: { headers: IncomingHttpHeaders; raw: Buffer; body: Record<string, unknown> }[] = [];
  status = 200;
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      this.received.push({ headers: req.headers, raw, body: JSON.parse(raw.toString()) as Record<string, unknown> });
      res.writeHead(this.status).end();
    });
  });
  url = '';
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhook`;
  }
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

let h: Harness;
let bus: SwitchableBus | undefined;
let partner: PartnerEndpoint;
let followups: CloudEventFunction;

beforeAll(async () => {
  partner = new PartnerEndpoint();
  await partner.start();
});
afterAll(async () => {
  await partner.close();
});
// A fresh harness per test: each starts its frozen clock at TEST_START (a clock only moves forward).
beforeEach(async () => {
  let takenUp: MessagesTakenUp | undefined;
  // No consumers here: their stand-in takes each message up, behind the switch that can take Pub/Sub away.
  h = createHarness({ bus: (real) => (bus = new SwitchableBus((takenUp = new MessagesTakenUp(real)))) });
  takenUp!.bind(anotherStore(h));
  followups = getFunction('followups') as CloudEventFunction;
  await resetFirestore();
  await seedOrgs(h.db, { 'org-premium': anOrg({ name: 'Globex', supportPlan: 'premium' }) });
  await h.db.collection('partners').doc('netapp').set({ ...demoPartners('http://unused.test').netapp, webhookUrl: partner.url });
  partner.received.length = 0;
  partner.status = 200;
});
afterEach(async () => {
  await h.close();
});

let ticks = 0;
/** One `followup-tick`, as Cloud Scheduler publishes it and the push subscription delivers it. */
const tickEvent = (data = JSON.stringify({ source: 'cloud-scheduler' })): CloudEvent<unknown> => ({
  specversion: '1.0',
  id: `tick-${++ticks}`,
  source: '//pubsub.googleapis.com/projects/demo-tandem-test/topics/followup-tick',
  type: 'google.cloud.pubsub.topic.v1.messagePublished',
  data: { message: { data: Buffer.from(data).toString('base64'), messageId: `tick-${ticks}`, attributes: { type: 'followup.tick' } } },
});
const tick = async (data?: string) => {
  await followups(tickEvent(data));
};

const MINUTE = 60_000;
const DAY = 24 * 60;
const iso = (minutes: number) => new Date(TEST_START.getTime() + minutes * MINUTE).toISOString();
const t0 = TEST_START.toISOString();

/**
 * The cases are org-premium's, raised at t0 (the harness's start) on premium P2 unless a priority is
 * given: aCaseIn(status) is a case whose fields agree with its status (answered once the customer
 * heard from someone, an acknowledged escalation when the partner is engaged, all at t0).
 */
const responded = anSla({ firstRespondedAt: t0 });

/** Stored through the store, so `nextActionAt` is set the way every write sets it. */
async function seed(cases: Record<string, Case>): Promise<void> {
  await Promise.all(Object.entries(cases).map(([caseId, c]) => h.deps.store.createCase({ caseId, case: c, firstEvent: aSeedEvent(c.createdAt) })));
}

const timelineOf = async (caseId: string): Promise<TimelineEvent[]> =>
  (await h.db.collection('cases').doc(caseId).collection('events').orderBy('__name__').get()).docs.map((d) => d.data() as TimelineEvent);
const caseOf = async (caseId: string): Promise<Case> => (await h.db.collection('cases').doc(caseId).get()).data() as Case;

/** The follow-ups on a timeline: what the sweep did, and when. */
const followupsOn = (events: TimelineEvent[]) =>
  events.filter((e) => e.actor.kind === 'system' && e.actor.id === 'tandem').map((e) => `${e.at.slice(5, 16)} ${e.type === 'status_changed' ? `${String(e.data.to)}:${String(e.data.reason)}` : e.type}`);

/** The earliest `nextActionAt` of any case (read straight from Firestore, not through the store). */
async function earliestNextAction(): Promise<number | undefined> {
  const snap = await h.db.collection('cases').where('nextActionAt', '>', '').orderBy('nextActionAt').limit(1).get();
  const next = snap.docs[0]?.get('nextActionAt') as string | undefined;
  return next ? Date.parse(next) : undefined;
}

/**
 * Runs the clock to `end` the way production does, a tick at the top of each minute, skipping the
 * minutes in which no case is due (a tick then reads one empty page and does nothing). `script` is
 * what people do on the way (a customer replies, a partner writes), each at its moment.
 */
async function runUntil(end: string, script: { at: string; run: () => Promise<void> }[] = []): Promise<number> {
  const pending = [...script].sort((a, b) => a.at.localeCompare(b.at));
  let tickCount = 0;
  for (;;) {
    const now = h.deps.clock.now().getTime();
    const due = await earliestNextAction();
    // Cloud Scheduler ticks on whole minutes; something still due after a tick is looked at again next minute.
    const dueTick = due === undefined ? Infinity : Math.max(Math.ceil(due / MINUTE) * MINUTE, now + (due <= now ? MINUTE : 0));
    const scripted = pending[0] ? Date.parse(pending[0].at) : Infinity;
    const next = Math.min(dueTick, scripted);
    if (next > Date.parse(end)) break;
    h.deps.clock.advance(Math.max(0, next - now));
    while (pending[0] && Date.parse(pending[0].at) <= next) await pending.shift()!.run();
    if (dueTick <= next) {
      await tick();
      tickCount++;
    }
  }
  h.deps.clock.advance(Math.max(0, Date.parse(end) - h.deps.clock.now().getTime()));
  return tickCount;
}

/** A move made the way the case-actions and partner-callback functions make it: through the state machine, in a transaction. */
const move = (caseId: string, to: CaseStatus, actor: 'customer' | 'engineer', reason: string) => async () => {
  const result = await h.deps.store.updateCase(caseId, (c) => {
    const moved = changeStatus(c, to, { at: h.deps.clock.now(), actor: { kind: actor, id: 'someone' }, reason });
    return justChange(moved.ok ? { patch: moved.value.patch, events: [moved.value.event] } : null);
  });
  expect(result).toMatchObject({ changed: true });
};

describe('a simulated week over cases in every status', () => {
  it('each warning, breach, reminder, nudge and closure happens exactly once, on time, with the pause respected', { timeout: 120_000 }, async () => {
    await seed({
      // premium P2: 120 minutes to the first response.
      // premium P2: 120 minutes to the first response.
      'in-progress': aCaseIn('in_progress'),
      'in-progress-answered': aCaseIn('in_progress', { sla: responded }),
      // premium P1 while the partner is asked: 15 minutes, the warning at 11m15s; the partner's deadline at 10:00.
      'awaiting-partner': aCaseIn('awaiting_partner', { priority: 'P1', sla: anSla({ targetMinutes: 15, firstResponseDueAt: iso(15) }), escalation: anEscalation({ ackDueAt: iso(60) }) }),
      // Engaged and acknowledged at t0; the nudges name Ada.
      'partner-engaged': aCaseIn('partner_engaged', { contact: { name: 'Ada', email: 'ada@globex.example' }, escalation: anAcknowledgedEscalation({ acknowledgedAt: t0, lastPartnerUpdateAt: t0 }) }),
      // Answered, and waiting on the customer since t0.
      'awaiting-customer': aCaseIn('awaiting_customer', { statusChangedAt: t0, sla: anSla({ firstRespondedAt: t0, pausedSince: t0 }) }),
      'awaiting-customer-replies': aCaseIn('awaiting_customer', { statusChangedAt: t0, sla: anSla({ firstRespondedAt: t0, pausedSince: t0 }) }),
      // Raised at 08:00 with 120 minutes, waiting on the customer since 08:30 before anyone answered: 90 minutes left.
      paused: aCaseIn('awaiting_customer', { createdAt: iso(-60), statusChangedAt: iso(-30), sla: anSla({ targetMinutes: 120, firstResponseDueAt: iso(60), pausedSince: iso(-30) }) }),
      resolved: aCaseIn('resolved'),
      'resolved-reopened': aCaseIn('resolved'),
      referred: aCaseIn('referred_to_vendor'),
      closed: aCaseIn('closed'),
      // Prioritized, but the route step never ran: stuck in received (an in_progress case's fields, not yet queued).
      received: aCase({ status: 'received', queue: null }),
      // Triaged for the partner, but the escalation never started: stuck in triaged. P4: 480 minutes.
      triaged: aCaseIn('triaged', { priority: 'P4', sla: anSla({ targetMinutes: 480, firstResponseDueAt: iso(480) }) }),
    });
    expect(await caseOf('closed')).toMatchObject({ nextActionAt: null });

    const ticked = await runUntil(iso(7 * DAY + 60), [
      { at: iso(DAY), run: move('resolved-reopened', 'in_progress', 'customer', 'customer_reopened') },
      // The customer answers the paused case after two days: its clock resumes with 90 minutes left.
      { at: iso(2 * DAY), run: move('paused', 'in_progress', 'customer', 'customer_replied') },
      {
        at: iso(2 * DAY + 360),
        run: async () => {
          await h.deps.store.updateCase('partner-engaged', (c) =>
            decided(applyPartnerEvent(c, 'netapp', { type: 'collaboration.updated', message: 'Patch in test.', occurredAt: h.deps.clock.now().toISOString(), webhookId: 'msg-1' }, h.deps.clock.now())),
          );
        },
      },
      { at: iso(4 * DAY), run: move('awaiting-customer-replies', 'in_progress', 'customer', 'customer_replied') },
    ]);

    expect(followupsOn(await timelineOf('in-progress'))).toEqual(['11-23T10:30 sla_warning', '11-23T11:00 sla_breached']);
    expect(followupsOn(await timelineOf('in-progress-answered'))).toEqual([]);
    // No workflow runs here: 30 minutes past the partner's deadline the sweep takes the case back.
    expect(followupsOn(await timelineOf('awaiting-partner'))).toEqual(['11-23T09:12 sla_warning', '11-23T09:15 sla_breached', '11-23T10:30 in_progress:escalation_lost']);
    expect(followupsOn(await timelineOf('awaiting-customer'))).toEqual([
      '11-26T09:00 customer_reminded',
      '11-30T09:00 closed:no_customer_reply',
    ]);
    expect(followupsOn(await timelineOf('awaiting-customer-replies'))).toEqual(['11-26T09:00 customer_reminded']);
    // Nothing while paused (the 10:00 due time passed during the wait); then 90 minutes from the reply.
    expect(followupsOn(await timelineOf('paused'))).toEqual(['11-25T10:00 sla_warning', '11-25T10:30 sla_breached']);
    expect(followupsOn(await timelineOf('resolved'))).toEqual(['11-26T09:00 closed:closed_after_resolution']);
    expect(followupsOn(await timelineOf('resolved-reopened'))).toEqual([]);
    expect(followupsOn(await timelineOf('referred'))).toEqual(['11-26T09:00 closed:closed_after_referral']);
    expect(followupsOn(await timelineOf('closed'))).toEqual([]);
    // A quiet day after the last word: the partner's update on day 2 at 15:00 moves the next nudge.
    expect(followupsOn(await timelineOf('partner-engaged'))).toEqual([
      '11-24T09:00 partner_nudged', '11-25T09:00 partner_nudged',
      '11-26T15:00 partner_nudged', '11-27T15:00 partner_nudged', '11-28T15:00 partner_nudged', '11-29T15:00 partner_nudged',
    ]);

    // The customer-visible side: the reminder and the closure, with its message, are public; SLA events are internal.
    const waiting = await timelineOf('awaiting-customer');
    expect(waiting.filter((e) => !e.internal).map((e) => e.type)).toEqual(['customer_reminded', 'status_changed']);
    expect(String(waiting.at(-1)?.data.message)).toMatch(/^We have not heard back from you for 7 days/);
    expect(await caseOf('awaiting-customer')).toMatchObject({ status: 'closed', nextActionAt: null, customerRemindedAt: iso(3 * DAY) });
    expect(await caseOf('in-progress')).toMatchObject({ sla: { warned: true, breached: true }, nextActionAt: null });
    expect(await caseOf('paused')).toMatchObject({ sla: { firstResponseDueAt: iso(2 * DAY + 90), pausedMinutes: 2 * DAY + 30, warned: true, breached: true } });
    expect(await caseOf('partner-engaged')).toMatchObject({ status: 'partner_engaged', escalation: { lastNudgedAt: iso(6 * DAY + 360) }, nextActionAt: iso(7 * DAY + 360) });

    // Stuck steps are re-driven at once, then less and less often, at most hourly, around the SLA events.
    const received = followupsOn(await timelineOf('received'));
    expect(received.slice(0, 8)).toEqual([
      '11-23T09:02 step_redriven', '11-23T09:04 step_redriven', '11-23T09:08 step_redriven', '11-23T09:16 step_redriven',
      '11-23T09:32 step_redriven', '11-23T10:04 step_redriven', '11-23T10:30 sla_warning', '11-23T11:00 sla_breached',
    ]);
    expect(received[8]).toBe('11-23T12:00 step_redriven');
    const redriveTimes = (await timelineOf('received')).filter((e) => e.type === 'step_redriven').map((e) => Date.parse(e.at));
    const gaps = redriveTimes.slice(1).map((t, i) => (t - redriveTimes[i]!) / MINUTE);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(120);
    expect(gaps.slice(6).every((g) => g === 60)).toBe(true);
    const triaged = await timelineOf('triaged');
    expect(triaged.filter((e) => e.type === 'step_redriven').every((e) => e.data.topic === 'escalation-requested')).toBe(true);
    expect(followupsOn(triaged).filter((s) => s.includes('sla'))).toEqual(['11-23T15:00 sla_warning', '11-23T17:00 sla_breached']);

    // Each nudge went out once, signed, as the partner registered to receive it.
    expect(partner.received).toHaveLength(6);
    const secrets = await h.deps.secrets.partnerWebhookSecrets('netapp');
    for (const w of partner.received) {
      const header = (name: string) => w.headers[name] as string;
      const signed = verifyWebhook({ rawBody: w.raw, headers: { id: header('webhook-id'), timestamp: header('webhook-timestamp'), signature: header('webhook-signature') }, secrets, now: new Date(Number(header('webhook-timestamp')) * 1000) });
      expect(signed.ok).toBe(true);
      expect(w.body).toMatchObject({ type: 'collaboration.reminder', caseRef: 'partner-engaged', customer: { org: 'Globex', contactName: 'Ada' }, callbackUrl: 'http://tandem.test/partners/netapp/callbacks' });
    }
    expect(new Set(partner.received.map((w) => w.headers['webhook-id'])).size).toBe(6);
    expect(ticked).toBeGreaterThan(0);
  });
});

describe('overlapping ticks', () => {
  it('three ticks at once act once: every follow-up is applied by one of them, and notified once', async () => {
    await seed({
      warn: aCaseIn('in_progress'),
      remind: aCaseIn('awaiting_customer', { statusChangedAt: iso(-3 * DAY) }),
      close: aCaseIn('resolved', { statusChangedAt: iso(-3 * DAY) }),
      nudge: aCaseIn('partner_engaged', { statusChangedAt: iso(-2 * DAY), escalation: anAcknowledgedEscalation({ acknowledgedAt: iso(-2 * DAY), lastPartnerUpdateAt: iso(-DAY) }) }),
      stuck: aCaseIn('received'),
    });
    h.deps.clock.advance(90 * MINUTE);
    const updates = await listenTo(h.pubsub, 'case-updated');
    const received = await listenTo(h.pubsub, 'case-received');
    try {
      await Promise.all([tick(), tick(), tick()]);
      const expected: Record<string, string[]> = {
        warn: ['sla_warning'],
        remind: ['customer_reminded'],
        close: ['status_changed'],
        nudge: ['partner_nudged'],
        stuck: ['step_redriven'],
      };
      for (const [caseId, types] of Object.entries(expected)) {
        expect([caseId, (await timelineOf(caseId)).slice(1).map((e) => e.type)]).toEqual([caseId, types]);
      }
      // warning, reminder, closure: one notification each; the stuck case's step once.
      const notes = await updates.waitFor(3);
      await received.waitFor(1);
      // The ticks have returned, so all they published is on the topics: once a marker published after it arrives, nothing more will.
      await Promise.all([updates.drain(), received.drain()]);
      expect(notes.map((m) => `${String(m.data.caseId)} ${m.attributes.type}`).sort()).toEqual(['close case.status_changed', 'remind case.customer_reminded', 'warn case.sla_warning']);
      expect(received.messages.map((m) => m.data)).toEqual([{ caseId: 'stuck', outboxId: expect.stringMatching(/_case_received$/) }]);
      // Overlapping ticks may both send a due nudge (it goes out before it is recorded), always under one webhook-id.
      expect(new Set(partner.received.map((w) => w.headers['webhook-id']))).toEqual(new Set(['nudge.reminder-20261123T090000000Z']));
      // And a tick after them finds nothing left.
      const before = await Promise.all(Object.keys(expected).map((id) => caseOf(id).then((c) => c.version)));
      await tick();
      expect(await Promise.all(Object.keys(expected).map((id) => caseOf(id).then((c) => c.version)))).toEqual(before);
    } finally {
      await updates.close();
      await received.close();
    }
  });
});

describe('cost', () => {
  it('with 10,000 quiet cases and 10 due, a tick reads at most 30 documents', { timeout: 180_000 }, async () => {
    const quiet = (i: number): Case =>
      i % 2 === 0
        ? aCaseIn('in_progress', { sla: responded, nextActionAt: null })
        : aCaseIn('resolved', { statusChangedAt: iso(DAY), nextActionAt: iso(4 * DAY) });
    for (let start = 0; start < 10_000; start += 500) {
      const batch = h.db.batch();
      for (let i = start; i < start + 500; i++) batch.set(h.db.collection('cases').doc(`quiet-${String(i).padStart(5, '0')}`), quiet(i));
      await batch.commit();
    }
    await seed(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`due-${i}`, aCaseIn('in_progress')])));
    h.deps.clock.advance(90 * MINUTE);

    const before = h.deps.store.ops();
    await tick();
    const after = h.deps.store.ops();
    const reads = after.reads - before.reads;
    expect(reads).toBeLessThanOrEqual(30);
    // One query page of the 10 due cases, and each re-read in its transaction.
    expect(reads).toBe(20);
    expect(after.commits - before.commits).toBe(10);
    for (let i = 0; i < 10; i++) expect((await caseOf(`due-${i}`)).sla?.warned).toBe(true);
    expect(await h.db.collection('cases').count().get().then((s) => s.data().count)).toBe(10_010);
  });
});

describe('paging and limits', () => {
  it('a tick pages through more due cases than fit in one page', async () => {
    const batch = h.db.batch();
    for (let i = 0; i < 230; i++) {
      const c = aCaseIn('resolved');
      batch.set(h.db.collection('cases').doc(`due-${String(i).padStart(3, '0')}`), { ...c, nextActionAt: nextActionAt(c, h.deps.config.followupPeriods) });
    }
    await batch.commit();
    h.deps.clock.advance(3 * DAY * MINUTE);
    await tick();
    const open = await h.db.collection('cases').where('status', '==', 'resolved').count().get();
    expect(open.data().count).toBe(0);
    expect(h.deps.log.entries.filter((e) => e.step === 'followups' && e.message === 'step applied').at(-1)).toMatchObject({ due: 230, acted: 230, pages: 3, complete: true });
  });
});

describe('failures', () => {
  it('a case that is not a valid record is logged and skipped; the others are followed up and the tick succeeds', async () => {
    await seed({ good: aCaseIn('resolved') });
    await h.db.collection('cases').doc('bad').set({ status: 'resolved', nextActionAt: iso(0) });
    h.deps.clock.advance(3 * DAY * MINUTE);
    await expect(tick()).resolves.toBeUndefined();
    expect((await caseOf('good')).status).toBe('closed');
    expect(h.deps.log.entries.some((e) => e.caseId === 'bad' && e.severity === 'ERROR' && e.message.includes('not a valid record'))).toBe(true);
  });

  it('a partner that does not answer is nudged again on the next tick, under the same webhook-id; nothing is recorded until it answers', async () => {
    await seed({ nudge: aCaseIn('partner_engaged') });
    partner.status = 503;
    h.deps.clock.advance(DAY * MINUTE);
    await tick();
    expect((await timelineOf('nudge')).slice(1)).toEqual([]);
    partner.status = 200;
    h.deps.clock.advance(MINUTE);
    await tick();
    expect((await timelineOf('nudge')).slice(1).map((e) => e.type)).toEqual(['partner_nudged']);
    expect(partner.received.map((w) => w.headers['webhook-id'])).toEqual(['nudge.reminder-20261124T090000000Z', 'nudge.reminder-20261124T090000000Z']);
  });

  it('with Pub/Sub down the tick still follows every case up; the closure’s announcement waits in the outbox and goes out on a tick after', async () => {
    await seed({ close: aCaseIn('resolved'), nudge: aCaseIn('partner_engaged', { escalation: anAcknowledgedEscalation({ lastPartnerUpdateAt: iso(-2 * DAY) }) }) });
    h.deps.clock.advance(3 * DAY * MINUTE);
    bus!.failing = true;
    await tick();
    // The closure committed (its announcement is what failed); the nudge needs no publish and went through.
    const closed = await caseOf('close');
    expect(closed.status).toBe('closed');
    expect(Object.values(closed.outbox).map((e) => e.topic)).toEqual(['case-updated']);
    expect((await timelineOf('nudge')).slice(1).map((e) => e.type)).toEqual(['partner_nudged']);
    bus!.failing = false;
    const updates = await listenTo(h.pubsub, 'case-updated');
    try {
      h.deps.clock.advance(MINUTE + 1_000);
      await tick();
      const [announced] = await updates.waitFor(1);
      expect(announced).toMatchObject({ data: { caseId: 'close', status: 'closed', from: 'resolved' }, attributes: { type: 'case.status_changed' } });
    } finally {
      await updates.close();
    }
  });

  it('a tick that is not a JSON object is acknowledged and logged, not retried', async () => {
    await expect(tick('not json')).resolves.toBeUndefined();
    await expect(tick('[1]')).resolves.toBeUndefined();
    expect(h.deps.log.entries.filter((e) => e.step === 'followups' && e.message.startsWith('malformed message')).map((e) => e.reason)).toEqual(['data is not JSON', 'data is not a JSON object']);
  });

  it('an empty tick ({}) is a tick', async () => {
    await seed({ close: aCaseIn('resolved') });
    h.deps.clock.advance(3 * DAY * MINUTE);
    await tick('{}');
    expect((await caseOf('close')).status).toBe('closed');
  });
});
