/**
 * Development clocks: the local stack, its Workflows runner and the tests move time by hand, so a
 * week of follow-ups and partner timeouts runs in seconds. Never deployed (functions/src has only
 * the real clock, adapters/clock.ts). Self-contained, so the Workflows runner can use it too.
 */
/** Cancels a timer made with {@link TimerClock.setTimer}. */
export type CancelTimer = () => void;

/**
 * A clock that can also wake code at a moment on its own time line. The local stack's timers
 * (workflow `sys.sleep`, callback timeouts, the follow-up tick) use it so that advancing the clock
 * fires whatever came due, instead of waiting in real time.
 */
export interface TimerClock {
  now(): Date;
  setTimer(at: Date, callback: () => void): CancelTimer;
}

interface PendingTimer {
  at: number;
  callback: () => void;
  realTimer?: NodeJS.Timeout;
}

/**
 * A clock that runs with real time plus an offset that only grows, or stands still when frozen.
 * `advance()` moves it forward and fires, in time order, every timer that came due. The local stack
 * uses a running one (so a demo flows by itself, and a week can be skipped in a second); tests use
 * a frozen one so that every timer fires exactly when the test says.
 */
export class ControllableClock implements TimerClock {
  private offsetMs = 0;
  private frozenAt: number | undefined;
  private readonly timers = new Set<PendingTimer>();

  constructor(options: { start?: Date; frozen?: boolean } = {}) {
    // One reading of the real time: two could straddle a millisecond and shift a frozen start.
    const realNow = Date.now();
    const start = options.start?.getTime() ?? realNow;
    this.offsetMs = start - realNow;
    if (options.frozen) this.frozenAt = start;
  }

  now(): Date {
    return new Date(this.nowMs());
  }

  /** Moves time forward by `ms` and fires every timer that is now due, earliest first. */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('a clock only moves forward');
    if (this.frozenAt !== undefined) this.frozenAt += ms;
    else this.offsetMs += ms;
    this.fireDue();
    for (const timer of this.timers) this.armRealTimer(timer);
    return this.now();
  }

  setTimer(at: Date, callback: () => void): CancelTimer {
    const timer: PendingTimer = { at: at.getTime(), callback };
    this.timers.add(timer);
    if (timer.at <= this.nowMs()) queueMicrotask(() => this.fire(timer));
    else this.armRealTimer(timer);
    return () => this.cancel(timer);
  }

  /** Number of timers still waiting: tests use it to know a workflow is parked on a timeout. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /** When the earliest waiting timer fires: the local stack advances in steps that stop there. */
  get nextTimerAt(): Date | undefined {
    let earliest: number | undefined;
    for (const timer of this.timers) if (earliest === undefined || timer.at < earliest) earliest = timer.at;
    return earliest === undefined ? undefined : new Date(earliest);
  }

  private nowMs(): number {
    return this.frozenAt ?? Date.now() + this.offsetMs;
  }

  private fireDue(): void {
    const due = [...this.timers].filter((t) => t.at <= this.nowMs()).sort((a, b) => a.at - b.at);
    for (const timer of due) this.fire(timer);
  }

  private fire(timer: PendingTimer): void {
    if (!this.timers.has(timer)) return;
    this.cancel(timer);
    timer.callback();
  }

  private cancel(timer: PendingTimer): void {
    if (timer.realTimer) clearTimeout(timer.realTimer);
    this.timers.delete(timer);
  }

  /** A running clock also fires timers as real time passes; a frozen one only on advance(). */
  private armRealTimer(timer: PendingTimer): void {
    if (timer.realTimer) clearTimeout(timer.realTimer);
    timer.realTimer = undefined;
    if (this.frozenAt !== undefined) return;
    // setTimeout's limit is ~24.8 days; re-arming on each advance() keeps long timers correct.
    const delay = Math.min(timer.at - this.nowMs(), 2 ** 31 - 1);
    timer.realTimer = setTimeout(() => {
      if (timer.at <= this.nowMs()) this.fire(timer);
      else this.armRealTimer(timer);
    }, Math.max(0, delay));
    timer.realTimer.unref();
  }
}
