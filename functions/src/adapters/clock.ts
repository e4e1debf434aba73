import type { Clock } from '../ports/clock.js';

/** Real time, for production. */
export class SystemClock implements Clock {
  now(): Date {
    return new Date();
  }
}
