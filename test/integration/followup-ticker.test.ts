import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FollowupTicker } from '../../dev/followup-ticker.js';
import type { Case, TimelineEvent } from '../../functions/src/domain/case-model.js';
import { sweepFollowups } from '../../functions/src/handlers/followups.js';
import { aCaseIn, anOrg, anSla, aSeedEvent } from '../builders.js';
import { MessagesTakenUp, anotherStore, createHarness, resetFirestore, seedOrgs, TEST_START, type Harness } from './harness.js';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const t0 = TEST_START.toISOString();

let h: Harness;
let ticks: string[];
let ticker: FollowupTicker;

beforeEach(async () => {
  let takenUp: MessagesTakenUp | undefined;
  // No consumers here: their stand-in takes each message up as it is published.
  h = createHarness({ bus: (real) => (takenUp = new MessagesTakenUp(real)) });
  takenUp!.bind(anotherStore(h));
  await resetFirestore();
  await seedOrgs(h.db, { 'org-premium': anOrg({ name: 'Globex', supportPlan: 'premium' }) });
  ticks = [];
  ticker = new FollowupTicker({
    clock: h.deps.clock,
    db: h.db,
    publishTick: async () => void ticks.push(h.deps.clock.now().toISOString()),
    sweep: () => sweepFollowups(h.deps),
    settle: async () => {},
    log: h.deps.log,
  });
});
afterEach(async () => {
  ticker.stop();
  await h.close();
});

/** A case of org-premium raised at t0, answered, and waiting for the customer since `statusChangedAt`. */
const waiting = (statusChangedAt = t0): Case =>
  aCaseIn('awaiting_customer', { orgId: 'org-premium', createdAt: t0, statusChangedAt, sla: anSla({ firstRespondedAt: t0, pausedSince: statusChangedAt }) });

const seed = (caseId: string, c: Case) => h.deps.store.createCase({ caseId, case: c, firstEvent: aSeedEvent(c.createdAt) });

const followupsOn = async (caseId: string) =>
  (await h.db.collection('cases').doc(caseId).collection('events').orderBy('__name__').get()).docs
    .map((d) => d.data() as TimelineEvent)
    .filter((e) => e.actor.id === 'tandem')
    .map((e) => `${e.at.slice(5, 16)} ${e.type}`);

describe('the local stack’s follow-up ticker', () => {
  it('publishes a followup-tick at the top of every minute of the clock, and stops', () => {
    ticker.start();
    h.deps.clock.advance(30_000);
    expect(ticks).toEqual([]);
    h.deps.clock.advance(30_000);
    h.deps.clock.advance(MINUTE);
    expect(ticks).toEqual(['2026-11-23T09:01:00.000Z', '2026-11-23T09:02:00.000Z']);
    ticker.stop();
    h.deps.clock.advance(5 * MINUTE);
    expect(ticks).toHaveLength(2);
    expect(h.deps.clock.pendingTimers).toBe(0);
  });

  it('advancing a week shows the reminder on day 3 and the closure on day 7, each at its minute', async () => {
    ticker.start();
    await seed('waiting', waiting());
    await seed('waiting-since-noon', waiting('2026-11-23T12:00:00.000Z'));
    const advanced = await ticker.advance(7 * DAY + 4 * 60 * MINUTE);
    expect(advanced.now.toISOString()).toBe('2026-11-30T13:00:00.000Z');
    expect(await followupsOn('waiting')).toEqual(['11-26T09:00 customer_reminded', '11-30T09:00 status_changed']);
    expect(await followupsOn('waiting-since-noon')).toEqual(['11-26T12:00 customer_reminded', '11-30T12:00 status_changed']);
    expect(advanced).toMatchObject({ sweeps: 4, acted: 4 });
    // The minute timer sat out the walk and is armed again for the next minute.
    expect(ticks).toEqual([]);
    h.deps.clock.advance(MINUTE);
    expect(ticks).toEqual(['2026-11-30T13:01:00.000Z']);
  });

  it('stops at clock timers on the way, so they fire at their own time', async () => {
    const fired: string[] = [];
    h.deps.clock.setTimer(new Date('2026-11-24T10:17:00.000Z'), () => fired.push(h.deps.clock.now().toISOString()));
    await ticker.advance(3 * DAY);
    expect(fired).toEqual(['2026-11-24T10:17:00.000Z']);
  });
});
