import type { Case, TimelineEvent } from '../../../functions/src/domain/case-model.js';

/**
 * The plain shapes the app's pages work with, free of the Firebase SDK (firebase.ts turns snapshots
 * into them), so the pure model and its unit tests need no browser.
 */

export type Role = 'customer' | 'engineer' | 'partner';

/** The signed-in person, from their ID token's claims (set by Tandem's user tooling, never by the user). */
export interface Person {
  uid: string;
  name: string;
  email: string | null;
  /** null: signed in, but Tandem gave this account no role; it can read and do nothing. */
  role: Role | null;
  orgId: string | null;
  partnerId: string | null;
}

export type CaseRecord = Case & { id: string };
export type TimelineEntry = TimelineEvent & { id: string };
