/**
 * Polls until `check` returns a value (anything but `undefined`), or fails after `timeoutMs` naming
 * `what`. Tests and benchmarks wait this way for asynchronous work (Pub/Sub pushes, workflow steps)
 * that they observe from outside. `what` may be a function, read when the wait times out, so that
 * the message can say how far it got ("3 messages, got 1").
 */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, what: string | (() => string) = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
