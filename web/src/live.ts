import { useEffect, useState } from 'preact/hooks';
import type { Unsubscribe, Watcher } from './firebase.js';

export type Live<T> = { state: 'loading' } | { state: 'ready'; value: T } | { state: 'failed'; message: string };

/**
 * A live read for a component: subscribes on mount and whenever `key` changes, unsubscribes on
 * leaving (firebase/quickstart-js's onSnapshot pattern), and re-renders on every change.
 */
export function useLive<T>(subscribe: (watcher: Watcher<T>) => Unsubscribe, key: string): Live<T> {
  const [live, setLive] = useState<Live<T>>({ state: 'loading' });
  useEffect(() => {
    setLive({ state: 'loading' });
    return subscribe({ next: (value) => setLive({ state: 'ready', value }), error: (message) => setLive({ state: 'failed', message }) });
    // `key` names what is read; the subscribe function is re-created on every render.
  }, [key]);
  return live;
}

/**
 * How far Tandem's clock is ahead of this browser's. Zero in production; on the local stack, whose
 * clock can be advanced by days (`POST /_dev/clock/advance`), it follows that clock, so the SLA
 * clocks show what the functions see.
 */
let clockOffsetMs = 0;
const clockListeners = new Set<() => void>();

export function followClock(clockUrl: string, everyMs = 2_000): void {
  const sync = async () => {
    const answer = (await fetch(clockUrl).then((r) => r.json()).catch(() => null)) as { now?: string } | null;
    const now = answer?.now ? Date.parse(answer.now) : NaN;
    if (Number.isNaN(now) || Math.abs(now - Date.now() - clockOffsetMs) < 1_000) return;
    clockOffsetMs = now - Date.now();
    clockListeners.forEach((listener) => listener());
  };
  void sync();
  setInterval(() => void sync(), everyMs);
}

export const tandemNow = (): Date => new Date(Date.now() + clockOffsetMs);

/** Tandem's current time, moving on every `everyMs` (clocks and "due in" texts stay true without a reload). */
export function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(tandemNow);
  useEffect(() => {
    const tick = () => setNow(tandemNow());
    const timer = setInterval(tick, everyMs);
    clockListeners.add(tick);
    return () => {
      clearInterval(timer);
      clockListeners.delete(tick);
    };
  }, [everyMs]);
  return now;
}
