import type { CaseChange } from '../domain/case-change.js';
import type { Case, TimelineEvent } from '../domain/case-model.js';

export type { CaseChange };

/** An idempotency key as stored: which case it made, and a fingerprint of the request that made it. */
export interface IdempotencyRecord {
  caseId: string;
  fingerprint: string;
}

export interface NewCase {
  caseId: string;
  case: Case;
  firstEvent: TimelineEvent;
  /** The org-scoped key, when the client sent one; created atomically with the case. */
  idempotency?: { key: string; fingerprint: string };
}

export type CreateCaseOutcome =
  | { created: true }
  /** The key was used before: here is what it made. */
  | { created: false; existing: IdempotencyRecord };

export type CaseUpdateOutcome =
  | { found: false }
  /** `changed` is false when the decision was "nothing to do" (already applied, or no longer due). */
  | { found: true; changed: boolean; case: Case; duplicate?: false }
  /** The receipt was already there: this exact request was applied before. */
  | { found: true; changed: false; case: Case; duplicate: true };

/**
 * A record that a request was applied (a partner's `webhook-id`), created in the same transaction as
 * its change: a replay finds it and changes nothing.
 */
export interface Receipt {
  id: string;
  data: Record<string, unknown>;
}

/** Where a page of due cases ended; pass it back to get the next page. */
export interface DueCursor {
  nextActionAt: string;
  caseId: string;
}

/** A case whose `nextActionAt` has come, as the query read it (`case` is `null` when the stored document is not a valid case). */
export interface DueCase {
  caseId: string;
  case: Case | null;
  problem?: string;
}

export interface DueCasesPage {
  cases: DueCase[];
  /** Set when the page was full: there may be more. */
  next: DueCursor | null;
}

/**
 * Cases, their timelines and the intake idempotency keys. Every change is a read-decide-write in
 * one transaction: `decide` sees the current case and returns the change, or `null` for none. It may
 * run more than once (transactions retry on contention), so it must be pure.
 *
 * `nextActionAt` is a function of the case (domain/followup-policy.ts): a store built with a
 * schedule sets it from the case as written, on every create and change, whatever the change said.
 */
export interface CaseStore {
  getCase(caseId: string): Promise<Case | null>;
  /** One commit: the case, its first event and the idempotency record, all or nothing. */
  createCase(input: NewCase): Promise<CreateCaseOutcome>;
  updateCase(caseId: string, decide: (current: Case) => CaseChange | null, options?: { receipt?: Receipt }): Promise<CaseUpdateOutcome>;
  /** The timeline, oldest first. */
  timeline(caseId: string): Promise<TimelineEvent[]>;
  /**
   * The cases whose `nextActionAt` is at or before `now`, earliest first, at most `limit`, after
   * `startAfter`. Reads only the due cases (a range on one field), never the quiet ones.
   */
  dueCases(now: Date, limit: number, startAfter?: DueCursor): Promise<DueCasesPage>;
}
