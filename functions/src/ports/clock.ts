/** Where "now" comes from. The domain never reads the time itself; handlers pass `clock.now()` in. */
export interface Clock {
  now(): Date;
}

/** Cancels a timer made with {@link TimerClock.setTimer}. */
export type CancelTimer = () => void;

/**
 * A clock that can also wake code at a moment on its own time line. The local stack's timers
 * (workflow `sys.sleep`, callback timeouts, the follow-up tick) use it so that advancing the clock
 * fires whatever came due, instead of waiting in real time.
 */
export interface TimerClock extends Clock {
  setTimer(at: Date, callback: () => void): CancelTimer;
}
