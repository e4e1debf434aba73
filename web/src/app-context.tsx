import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api.js';
import type { Backend, Person } from './firebase.js';

/** What every page needs: the live reads, the writes, and who is signed in. */
export interface AppContext {
  backend: Backend;
  api: Api;
  person: Person;
}

export const AppContextValue = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const context = useContext(AppContextValue);
  if (!context) throw new Error('useApp() outside <App>: a page is rendered only for a signed-in person');
  return context;
}
