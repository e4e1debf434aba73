/**
 * The runner's own view of time: `now()` and timers on the same time line, so that a stack which
 * advances its clock by hand (dev/controllable-clock.ts) fires `sys.sleep` and callback timeouts at
 * once. Declared here so the runner depends on nothing of Tandem's.
 */
export type CancelTimer = () => void;

export interface RunnerClock {
  now(): Date;
  setTimer(at: Date, callback: () => void): CancelTimer;
}
