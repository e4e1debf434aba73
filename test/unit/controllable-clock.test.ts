import { describe, expect, it } from 'vitest';
import { ControllableClock } from '../../dev/controllable-clock.js';

const start = new Date('2026-11-23T10:00:00.000Z');

describe('ControllableClock', () => {
  it('a frozen clock stands still until advanced', () => {
    const clock = new ControllableClock({ start, frozen: true });
    expect(clock.now().toISOString()).toBe(start.toISOString());
    expect(clock.advance(90_000).toISOString()).toBe('2026-11-23T10:01:30.000Z');
  });

  it('advancing fires the timers that came due, earliest first, and leaves the rest', () => {
    const clock = new ControllableClock({ start, frozen: true });
    const fired: string[] = [];
    clock.setTimer(new Date(start.getTime() + 3 * 3_600_000), () => fired.push('3h'));
    clock.setTimer(new Date(start.getTime() + 1 * 3_600_000), () => fired.push('1h'));
    clock.setTimer(new Date(start.getTime() + 12 * 3_600_000), () => fired.push('12h'));
    clock.advance(4 * 3_600_000);
    expect(fired).toEqual(['1h', '3h']);
    expect(clock.pendingTimers).toBe(1);
  });

  it('a cancelled timer never fires', () => {
    const clock = new ControllableClock({ start, frozen: true });
    let fired = false;
    const cancel = clock.setTimer(new Date(start.getTime() + 1_000), () => (fired = true));
    cancel();
    clock.advance(2_000);
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses to move backwards', () => {
    expect(() => new ControllableClock({ frozen: true }).advance(-1)).toThrow(RangeError);
  });
});
