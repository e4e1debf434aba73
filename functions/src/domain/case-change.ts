import type { Case, TimelineEvent } from './case-model.js';

/**
 * What a step decided to write: a patch on the case (with the raised `version`) and the timeline
 * events to append. Pure data: the store applies it in one transaction.
 */
export interface CaseChange {
  patch: Partial<Case> & Pick<Case, 'version' | 'updatedAt'>;
  events: TimelineEvent[];
}

/** A status change inside a step, for the `case-updated` notification the handler publishes. */
export interface StatusMove {
  from: Case['status'];
  to: Case['status'];
}
