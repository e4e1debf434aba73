/** Where "now" comes from. The domain never reads the time itself; handlers pass `clock.now()` in. */
export interface Clock {
  now(): Date;
}
