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

/** The current time, moving on every `everyMs` (clocks and "due in" texts stay true without a reload). */
export function useNow(everyMs = 30_000): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}
