import type { Result } from './result.js';
import type { Case, TimelineEvent } from './case-model.js';
import type { OutgoingMessage } from './outbox.js';

/**
 * The fields the store alone writes: every commit raises `version` by one and sets `updatedAt`;
 * `nextActionAt` (followup-policy.ts) and `partnerAccess` (case-visibility.ts) are always derived from
 * the case as written. No decision sets them, so no decision can get them wrong.
 */
export type StoreOwnedField = 'version' | 'updatedAt' | 'nextActionAt' | 'partnerAccess' | 'outbox';

/** A case as the domain makes it, before the store gives it its version, time and schedule. */
export type CaseDraft = Omit<Case, StoreOwnedField>;

/**
 * What a decision writes: a patch on the case and the timeline events to append. Pure data: the
 * store applies it in one transaction, as the next version.
 */
export interface CaseChange {
  patch: Partial<CaseDraft>;
  events: TimelineEvent[];
  /** Engineering-only state beside the case (who it is assigned to), never readable by customers or partners. */
  internal?: { assignee: Assignee | null };
  /**
   * Messages to publish once this change is committed, besides the `case-updated` the store derives
   * (domain/outbox.ts): recorded in the same commit, so none is lost.
   */
  publish?: OutgoingMessage[];
}

/** `change` with `messages` to publish after it commits (no change: nothing to publish). */
export const publishing = (change: CaseChange | null, ...messages: OutgoingMessage[]): CaseChange | null =>
  change && { ...change, publish: [...(change.publish ?? []), ...messages] };

/** The engineer a case is assigned to. */
export interface Assignee {
  uid: string;
  name: string;
  /** Their sign-in address: notify tells them there (else the case's queue). */
  email?: string;
}

/**
 * What a decision taken inside the store's transaction returns: the change to write (`null`: none)
 * and whatever the caller needs to know about it. The store hands `result` back with the case as
 * committed, so nothing has to be smuggled out of the transaction.
 */
export interface Decision<R> {
  change: CaseChange | null;
  result: R;
}

/** A decision whose caller needs nothing but the committed case. */
export const justChange = (change: CaseChange | null): Decision<undefined> => ({ change, result: undefined });

/** A status change inside a step, for the `case-updated` notification the handler publishes. */
export interface StatusMove {
  from: Case['status'];
  to: Case['status'];
}

/** Applies a patch to a working copy: the case as the decision leaves it, before the store's fields. */
export const applyPatch = (current: Case, patch: Partial<CaseDraft>): Case => ({ ...current, ...patch });

/**
 * A decision that may be refused, as the store takes it: the change when there is one, and the whole
 * result (the refusal, or what was decided) handed back to the caller after the commit.
 */
export function decided<T extends { change: CaseChange | null }>(result: Result<T>): Decision<Result<T>> {
  return { change: result.ok ? result.value.change : null, result };
}
