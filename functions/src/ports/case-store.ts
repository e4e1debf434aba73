import type { Assignee, CaseChange, CaseDraft, Decision } from '../domain/case-change.js';
import type { Case, TimelineEvent } from '../domain/case-model.js';
import type { Audience, Notice, NoticeKind } from '../domain/notices.js';
import type { OutgoingMessage } from '../domain/outbox.js';

export type { CaseChange, Decision };

/** An idempotency key as stored: which case it made, and a fingerprint of the request that made it. */
export interface IdempotencyRecord {
  caseId: string;
  fingerprint: string;
}

export interface NewCase {
  caseId: string;
  /** The store makes it version 1 and sets `updatedAt` and `nextActionAt`. */
  case: CaseDraft;
  firstEvent: TimelineEvent;
  /** The org-scoped key, when the client sent one; created atomically with the case. */
  idempotency?: { key: string; fingerprint: string };
  /** Messages to publish once the case is stored, besides its `case-updated` (recorded in its outbox). */
  publish?: OutgoingMessage[];
}

/** What a change does besides its decision. */
export interface UpdateOptions {
  /**
   * The outbox entry (`outboxId` of the message being handled) this step takes up: discharged in the
   * same commit as the step's change, or alone when the step has nothing to change.
   */
  consumes?: string;
}

export type CreateCaseOutcome =
  | { created: true }
  /** The key was used before: here is what it made. */
  | { created: false; existing: IdempotencyRecord };

export type CaseUpdateOutcome<R> =
  | { found: false }
  /**
   * `case` as committed (or as read, when nothing changed); `result` is what the decision returned on
   * the attempt that committed. `changed` is false when the decision was "nothing to do".
   */
  | { found: true; changed: boolean; case: Case; result: R; duplicate?: false; eventIds: string[] };

/** The receipt was already there: this exact request was applied before, and no decision was taken. */
export interface DuplicateRequest {
  found: true;
  changed: false;
  case: Case;
  duplicate: true;
  /** What the receipt remembered when the request was first applied. */
  receipt: Record<string, unknown>;
}

/**
 * A record that a request was applied (a partner's `webhook-id`), created in the same transaction as
 * its change: a replay finds it and changes nothing.
 */
export interface Receipt<R = unknown> {
  id: string;
  /** What to remember with it; a function of the commit (the case, its new events, the decision), when the answer depends on it. */
  data: Record<string, unknown> | ((committed: Case, eventIds: string[], result: R) => Record<string, unknown>);
}

/** Engineering-only state beside a case (never readable by customers or partners). */
export interface CaseEngineering {
  assignee: Assignee | null;
}

/**
 * A notice's delivery record, `cases/{caseId}/notifications/{noticeId}`: notify claims it before it
 * sends (`sending`, with a lease) and settles it after (`sent`, `retry`, `failed`).
 */
export interface Delivery {
  state: 'sending' | 'sent' | 'retry' | 'failed';
  kind: NoticeKind;
  audience: Audience;
  eventId: string;
  claimedAt: string;
  /** While `sending`: until when the claim holds; after it, another delivery may take the notice over. */
  leaseUntil: string;
  settledAt?: string;
  detail?: string;
}

export interface ClaimOptions {
  /** The outbox entry the claiming message was published from: discharged in the claim's commit. */
  consumes?: string;
  now: Date;
  leaseMs: number;
}

export interface ClaimedNotices {
  /** The case as read (null: no such case; nothing was claimed). */
  case: Case | null;
  /** The notices this caller now holds and must send, then settle. */
  claimed: Notice[];
  /** Notices already sent or failed for good. */
  alreadyDone: number;
  /** Notices another delivery holds a live lease on. */
  inFlight: number;
}

/** How the sending of one claimed notice ended. */
export interface NoticeOutcome {
  id: string;
  state: 'sent' | 'retry' | 'failed';
  detail?: string;
  at: string;
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

/** Which cases a list shows: equality filters only (each served by an index of firestore.indexes.json). */
export interface CaseFilter {
  orgId?: string;
  partnerAccess?: string;
  status?: Case['status'];
  priority?: Case['priority'];
  queue?: string;
}

/** Where a page of a case list ended (most recently updated first). */
export interface ListCursor {
  updatedAt: string;
  caseId: string;
}

export interface CaseListPage {
  cases: { caseId: string; case: Case }[];
  next: ListCursor | null;
}

/**
 * Cases, their timelines and the intake idempotency keys. Every change is a read-decide-write in
 * one transaction: `decide` sees the current case and returns a {@link Decision}: the change (or
 * `null` for none) and a result, which the store hands back with the committed case. `decide` may run
 * more than once (transactions retry on contention), so it must be pure.
 *
 * The store alone writes `version` (one more per commit), `updatedAt` (its clock) and
 * `nextActionAt` (domain/followup-policy.ts, from the case as written), on every create and change.
 *
 * It also keeps the outbox (domain/outbox.ts): the messages a change asks for (`CaseChange.publish`)
 * and the `case-updated` it derives are recorded in the change's commit and published after it, and
 * a consumer discharges the entry it took up (`UpdateOptions.consumes`). A failed publish is logged,
 * not thrown: the entry stays, and the follow-up sweep publishes it ({@link CaseStore.flushOutbox}).
 */
export interface CaseStore {
  getCase(caseId: string): Promise<Case | null>;
  /** One commit: the case, its first event and the idempotency record, all or nothing. */
  createCase(input: NewCase): Promise<CreateCaseOutcome>;
  updateCase<R>(caseId: string, decide: (current: Case) => Decision<R>, options?: UpdateOptions): Promise<CaseUpdateOutcome<R>>;
  /** {@link updateCase}, with `receipt` created in the same commit: a replay finds it and decides nothing. */
  updateCaseOnce<R>(caseId: string, receipt: Receipt<R>, decide: (current: Case) => Decision<R>): Promise<CaseUpdateOutcome<R> | DuplicateRequest>;
  /** Who the case is assigned to, and other engineering-only state; null when there is none. */
  engineering(caseId: string): Promise<CaseEngineering | null>;
  /** The cases matching `filter`, most recently updated first, `limit` at most, after `startAfter`. */
  listCases(filter: CaseFilter, limit: number, startAfter?: ListCursor): Promise<CaseListPage>;
  /** The timeline, oldest first, each event with its ID. */
  timeline(caseId: string): Promise<(TimelineEvent & { id: string })[]>;
  /**
   * The cases whose `nextActionAt` is at or before `now`, earliest first, at most `limit`, after
   * `startAfter`. Reads only the due cases (a range on one field), never the quiet ones.
   */
  dueCases(now: Date, limit: number, startAfter?: DueCursor): Promise<DueCasesPage>;
  /**
   * Publishes again the case's outbox entries nobody took up in time (domain/outbox.ts `dueEntries`),
   * recording the attempt so the next one backs off. Returns how many were published.
   */
  flushOutbox(caseId: string, now: Date): Promise<number>;
  /** The timeline events with these IDs (those that exist), each with its ID, in the order asked. */
  events(caseId: string, ids: readonly string[]): Promise<(TimelineEvent & { id: string })[]>;
  /**
   * One transaction: reads the case, computes `select(current)` and claims each selected notice that
   * is not sent, failed for good, or held by another delivery's live lease; discharges
   * `options.consumes` from the outbox in the same commit.
   */
  claimNotices(caseId: string, options: ClaimOptions, select: (current: Case) => Notice[]): Promise<ClaimedNotices>;
  /** Records how the claimed notices' sending ended, in one commit. */
  settleNotices(caseId: string, outcomes: readonly NoticeOutcome[]): Promise<void>;
}
