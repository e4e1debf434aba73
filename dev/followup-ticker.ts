import type { Firestore } from '@google-cloud/firestore';
import type { CancelTimer, ControllableClock } from './controllable-clock.js';
import type { Logger } from '../functions/src/ports/logger.js';

const MINUTE = 60_000;
const nextWholeMinute = (ms: number): number => Math.floor(ms / MINUTE) * MINUTE + MINUTE;
const ceilMinute = (ms: number): number => Math.ceil(ms / MINUTE) * MINUTE;

export interface FollowupTickerOptions {
  clock: ControllableClock;
  db: Firestore;
  /** Publishes one `followup-tick` (Pub/Sub pushes it to the `followups` function, as Cloud Scheduler's does). */
  publishTick(): Promise<void>;
  /** One follow-up sweep in this process, awaited: the same code the `followups` function runs. */
  sweep(): Promise<{ acted: number }>;
  /** Waits until the work that fired timers started has settled (workflow executions parked again). */
  settle(): Promise<void>;
  log: Logger;
}

/**
 * The local stand-in for Cloud Scheduler: a `followup-tick` at the top of every minute of the stack's
 * clock. Advancing the clock a week at once would fire that timer once, at the end; {@link advance}
 * instead walks the clock through the span, stopping at every moment a case is due (its
 * `nextActionAt`, rounded up to the minute as a scheduler tick would be) and sweeping there, so a
 * reminder lands on day 3 and the closure on day 7, not both at the end. It also stops at every
 * clock timer (workflow timeouts, the partner simulator's answers), so those fire at their own time.
 * Minutes with nothing due are skipped: a tick there would read an empty page and do nothing.
 */
export class FollowupTicker {
  private cancel: CancelTimer | undefined;
  private stopped = false;

  constructor(private readonly options: FollowupTickerOptions) {}

  start(): void {
    this.stopped = false;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    this.cancel?.();
    this.cancel = undefined;
  }

  /** Moves the clock forward by `ms`, following up every case on the way at its due minute. */
  async advance(ms: number): Promise<{ now: Date; sweeps: number; acted: number }> {
    const { clock } = this.options;
    const end = clock.now().getTime() + ms;
    let sweeps = 0;
    let acted = 0;
    // The minute timer would otherwise make every minute a stop; it is re-armed at the end.
    this.cancel?.();
    this.cancel = undefined;
    try {
      await this.options.settle();
      for (;;) {
        const now = clock.now().getTime();
        const earliest = await this.earliestNextAction();
        if (earliest !== undefined && earliest <= now) {
          acted += (await this.options.sweep()).acted;
          sweeps += 1;
        }
        // The next stop: a case coming due, or a timer (a workflow's timeout, a simulated partner's answer), so each fires on time.
        const upcoming = await this.earliestNextAction(now);
        const timer = clock.nextTimerAt?.getTime();
        const stop = Math.min(end, upcoming === undefined ? Infinity : ceilMinute(upcoming), timer !== undefined && timer > now ? timer : Infinity);
        if (stop <= now) break;
        clock.advance(stop - now);
        await this.options.settle();
      }
    } finally {
      if (!this.stopped) this.arm();
    }
    return { now: clock.now(), sweeps, acted };
  }

  private arm(): void {
    const { clock } = this.options;
    this.cancel = clock.setTimer(new Date(nextWholeMinute(clock.now().getTime())), () => {
      this.cancel = undefined;
      if (this.stopped) return;
      this.options.publishTick().catch((error: unknown) => this.options.log.warn('dev stack: publishing followup-tick failed', { error }));
      this.arm();
    });
  }

  /** The earliest `nextActionAt` (after `afterMs`, when given), read straight from Firestore: dev machinery, not counted as the store's reads. */
  private async earliestNextAction(afterMs?: number): Promise<number | undefined> {
    const after = afterMs === undefined ? '' : new Date(afterMs).toISOString();
    const snap = await this.options.db.collection('cases').where('nextActionAt', '>', after).orderBy('nextActionAt').limit(1).get();
    const next: unknown = snap.docs[0]?.get('nextActionAt');
    return typeof next === 'string' ? Date.parse(next) : undefined;
  }
}
