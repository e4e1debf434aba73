import { createHash } from 'node:crypto';
import { FieldPath, FieldValue, Firestore, type DocumentReference, type Transaction } from '@google-cloud/firestore';
import { Case, TimelineEvent } from '../domain/case-model.js';
import { partnerAccessOf } from '../domain/case-visibility.js';
import { caseUpdatedMessage, dueEntries, outboxEntryId, type Outbox, type OutboxEntry, type OutgoingMessage } from '../domain/outbox.js';
import type {
  CaseEngineering, CaseFilter, ClaimedNotices, ClaimOptions, Delivery, NoticeOutcome, CaseListPage, CaseStore, CaseUpdateOutcome, CreateCaseOutcome, Decision, DuplicateRequest, ListCursor, DueCasesPage, DueCursor, IdempotencyRecord, NewCase, Receipt, UpdateOptions,
} from '../ports/case-store.js';
import type { Notice } from '../domain/notices.js';
import type { Clock } from '../ports/clock.js';
import type { CaseUpdate } from '../domain/notices.js';
import { TOPICS, type EventBus, type Topic } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';

/** gRPC's ALREADY_EXISTS: what `create()` fails with when the document is there. */
const ALREADY_EXISTS = 6;

/** How many Firestore operations this instance made: the benchmarks and cost tests read it. */
export interface FirestoreOps {
  /** Documents read (a query counts one per document returned, or one when it returns none). */
  reads: number;
  /** Commits (a batch or a transaction with writes counts one). */
  commits: number;
  /** Documents written, over all commits. */
  writes: number;
}

export function createFirestore(projectId: string): Firestore {
  // ISO strings and plain objects only: undefined fields are dropped, never stored as nulls by accident.
  return new Firestore({ projectId, ignoreUndefinedProperties: true, preferRest: false });
}

/**
 * Timeline event IDs sort in the order they happened: the case version that wrote them, then their
 * position in that write. They are also deterministic, so a transaction that retries writes the
 * same IDs and a step applied twice could never append two copies.
 */
export const eventId = (version: number, index: number): string =>
  `v${String(version).padStart(6, '0')}-${String(index).padStart(2, '0')}`;

/** Keys are scoped by org: two customers may both send `Idempotency-Key: 1`. */
const idempotencyDocId = (orgId: string, key: string): string =>
  createHash('sha256').update(`${orgId}\n${key}`).digest('hex');

/** When the follow-up sweep should next look at a case (domain/followup-policy.ts `nextActionAt`). */
export type ScheduleNextAction = (next: Case) => string | null;

export interface CaseStoreOptions {
  schedule: ScheduleNextAction;
  clock: Clock;
  /** Where the outbox is published after each commit. */
  bus: EventBus;
  log: Logger;
  /**
   * Whether a commit's `case-updated` tells anyone anything (the notification policy). One that does
   * not is still published, but not recorded in the outbox: nothing is lost if it is, and recording it
   * would cost notify a commit to discharge. Default: every one is recorded.
   */
  announces?: (update: CaseUpdate, next: Case) => boolean;
}

/** Outbox entries a commit recorded, to publish once it has committed. */
type Recorded = [id: string, entry: OutboxEntry][];

export class FirestoreCaseStore implements CaseStore {
  private readonly counts: FirestoreOps = { reads: 0, commits: 0, writes: 0 };

  /**
   * `schedule` sets `nextActionAt` from the case as written on every create and change, so the
   * follow-up query stays right whichever step wrote the case (and with the configured periods);
   * `clock` gives every commit its `updatedAt`; `bus` publishes the outbox after each commit.
   */
  constructor(
    private readonly db: Firestore,
    private readonly options: CaseStoreOptions,
  ) {}

  ops(): FirestoreOps {
    return { ...this.counts };
  }

  async getCase(caseId: string): Promise<Case | null> {
    const snap = await this.caseRef(caseId).get();
    this.counts.reads += 1;
    return snap.exists ? Case.parse(snap.data()) : null;
  }

  async createCase(input: NewCase): Promise<CreateCaseOutcome> {
    const batch = this.db.batch();
    const caseRef = this.caseRef(input.caseId);
    const updatedAt = this.options.clock.now().toISOString();
    const firstEvent = { ...input.firstEvent, id: eventId(1, 0) };
    const messages = [...(input.publish ?? []), caseUpdatedMessage(null, { ...input.case, version: 1 }, input.caseId, [firstEvent])];
    const recorded = record(messages, 1, input.caseId, updatedAt);
    const draft = { ...input.case, version: 1, updatedAt, nextActionAt: null, partnerAccess: partnerAccessOf(input.case), outbox: Object.fromEntries(recorded) };
    const stored = Case.parse({ ...draft, nextActionAt: this.options.schedule(draft) });
    batch.create(caseRef, stored);
    batch.create(caseRef.collection('events').doc(firstEvent.id), input.firstEvent);
    let keyRef: DocumentReference | undefined;
    if (input.idempotency) {
      keyRef = this.db.collection('idempotencyKeys').doc(idempotencyDocId(input.case.orgId, input.idempotency.key));
      const record: IdempotencyRecord & Record<string, unknown> = {
        caseId: input.caseId,
        fingerprint: input.idempotency.fingerprint,
        orgId: input.case.orgId,
        createdAt: stored.createdAt,
      };
      batch.create(keyRef, record);
    }
    try {
      await batch.commit();
      this.counts.commits += 1;
      this.counts.writes += keyRef ? 3 : 2;
      await this.publish(input.caseId, recorded);
      return { created: true };
    } catch (error) {
      if (!keyRef || !isAlreadyExists(error)) throw error;
    }
    const existing = await keyRef.get();
    this.counts.reads += 1;
    // The key existed, or (astronomically unlikely) the random case ID did: only the first is an answer.
    if (!existing.exists) throw new Error(`case ${input.caseId} already exists`);
    const { caseId, fingerprint } = existing.data() as IdempotencyRecord;
    return { created: false, existing: { caseId, fingerprint } };
  }

  updateCase<R>(caseId: string, decide: (current: Case) => Decision<R>, options: UpdateOptions = {}): Promise<CaseUpdateOutcome<R>> {
    return this.transact(caseId, decide, options) as Promise<CaseUpdateOutcome<R>>;
  }

  updateCaseOnce<R>(caseId: string, receipt: Receipt<R>, decide: (current: Case) => Decision<R>): Promise<CaseUpdateOutcome<R> | DuplicateRequest> {
    return this.transact(caseId, decide, {}, receipt);
  }

  private async transact<R>(caseId: string, decide: (current: Case) => Decision<R>, options: UpdateOptions, receipt?: Receipt<R>): Promise<CaseUpdateOutcome<R> | DuplicateRequest> {
    const ref = this.caseRef(caseId);
    const receiptRef = receipt ? this.db.collection('receipts').doc(receipt.id) : undefined;
    const [outcome, recorded, wrote, unrecorded = []] = await this.db.runTransaction(async (tx): Promise<[CaseUpdateOutcome<R> | DuplicateRequest, Recorded, number, OutgoingMessage[]?]> => {
      // One round trip for both: the case and, when asked, the receipt of an earlier identical request.
      const [snap, receiptSnap] = receiptRef ? await tx.getAll(ref, receiptRef) : [await tx.get(ref)];
      this.counts.reads += receiptRef ? 2 : 1;
      if (!snap?.exists) return [{ found: false }, [], 0];
      const current = Case.parse(snap.data());
      if (receiptSnap?.exists) return [{ found: true, changed: false, case: current, duplicate: true, receipt: receiptSnap.data() ?? {} }, [], 0];
      const consumed = options.consumes !== undefined && Object.hasOwn(current.outbox, options.consumes) ? options.consumes : undefined;
      const { change, result } = decide(current);
      if (!change) {
        const discharged = consumed ? this.discharge(tx, ref, current, consumed) : current;
        return [{ found: true, changed: false, case: discharged, result, eventIds: [] }, [], consumed ? 1 : 0];
      }
      const owned = { version: current.version + 1, updatedAt: this.options.clock.now().toISOString() };
      // A patch never writes what the store owns, even when a caller's object carries it (a spread case).
      const { version: _v, updatedAt: _u, nextActionAt: _n, partnerAccess: _p, outbox: _o, ...patch } = change.patch as Partial<Case>;
      const eventIds = change.events.map((_event, index) => eventId(owned.version, index));
      const identified = change.events.map((event, index) => ({ ...event, id: eventIds[index]! }));
      const written = { ...current, ...patch, ...owned, partnerAccess: partnerAccessOf({ ...current, ...patch }) };
      const updated = caseUpdatedMessage(current, written, caseId, identified);
      const announced = updated !== null && (this.options.announces?.({ caseId, version: owned.version, events: identified }, { ...written, outbox: {}, nextActionAt: null }) ?? true);
      const recorded = record([...(change.publish ?? []), announced ? updated : null], owned.version, caseId, owned.updatedAt);
      const unrecorded = updated && !announced ? [updated] : [];
      const outbox = { ...withoutEntry(current.outbox, consumed), ...Object.fromEntries(recorded) };
      const nextActionAt = this.options.schedule({ ...written, outbox });
      const next = Case.parse({ ...written, outbox, nextActionAt });
      tx.update(ref, {
        ...patch,
        ...owned,
        partnerAccess: written.partnerAccess,
        nextActionAt,
        ...Object.fromEntries(recorded.map(([id, entry]) => [`outbox.${id}`, entry])),
        ...(consumed ? { [`outbox.${consumed}`]: FieldValue.delete() } : {}),
      });
      change.events.forEach((event, index) => tx.create(ref.collection('events').doc(eventIds[index]!), event));
      // mergeFields, not merge: a new assignee replaces the old one whole (merge would keep the old one's email).
      if (change.internal) tx.set(this.engineeringRef(caseId), change.internal, { mergeFields: Object.keys(change.internal) });
      if (receiptRef && receipt) {
        const data = typeof receipt.data === 'function' ? receipt.data(next, eventIds, result) : receipt.data;
        tx.create(receiptRef, { ...data, caseId, appliedAt: next.updatedAt });
      }
      return [{ found: true, changed: true, case: next, result, eventIds }, recorded, 1 + change.events.length + (receiptRef ? 1 : 0) + (change.internal ? 1 : 0), unrecorded];
    });
    this.committed(wrote);
    await Promise.all([this.publish(caseId, recorded), ...unrecorded.map((m) => this.publishUnrecorded(caseId, m))]);
    return outcome;
  }

  /** Takes the entry a step consumed off the outbox when the step itself had nothing to write: no new version. */
  private discharge(tx: Transaction, ref: DocumentReference, current: Case, consumed: string): Case {
    const outbox = withoutEntry(current.outbox, consumed);
    const nextActionAt = this.options.schedule({ ...current, outbox });
    tx.update(ref, { [`outbox.${consumed}`]: FieldValue.delete(), nextActionAt });
    return { ...current, outbox, nextActionAt };
  }

  async flushOutbox(caseId: string, now: Date): Promise<number> {
    const ref = this.caseRef(caseId);
    const recorded = await this.db.runTransaction(async (tx): Promise<Recorded> => {
      // Reads are counted on every attempt (Firestore bills them); writes once committed (below).
      const snap = await tx.get(ref);
      this.counts.reads += 1;
      if (!snap.exists) return [];
      const current = Case.parse(snap.data());
      const due = dueEntries(current.outbox, now);
      if (due.length === 0) return [];
      const attempted: Recorded = due.map((id) => [id, { ...current.outbox[id]!, attempts: current.outbox[id]!.attempts + 1, lastAttemptAt: now.toISOString() }]);
      const outbox = { ...current.outbox, ...Object.fromEntries(attempted) };
      tx.update(ref, { ...Object.fromEntries(attempted.map(([id, entry]) => [`outbox.${id}`, entry])), nextActionAt: this.options.schedule({ ...current, outbox }) });
      return attempted;
    });
    if (recorded.length) this.committed(1);
    await this.publish(caseId, recorded);
    return recorded.length;
  }

  async events(caseId: string, ids: readonly string[]): Promise<(TimelineEvent & { id: string })[]> {
    if (ids.length === 0) return [];
    const events = this.caseRef(caseId).collection('events');
    const snaps = await this.db.getAll(...ids.map((id) => events.doc(id)));
    this.counts.reads += ids.length;
    return snaps.flatMap((snap) => (snap.exists ? [{ ...TimelineEvent.parse(snap.data()), id: snap.id }] : []));
  }

  async claimNotices(caseId: string, options: ClaimOptions, select: (current: Case) => Notice[]): Promise<ClaimedNotices> {
    const ref = this.caseRef(caseId);
    const [claim, wrote] = await this.db.runTransaction(async (tx): Promise<[ClaimedNotices, number]> => {
      const snap = await tx.get(ref);
      this.counts.reads += 1;
      if (!snap.exists) return [{ case: null, claimed: [], alreadyDone: 0, inFlight: 0 }, 0];
      const current = Case.parse(snap.data());
      const notices = select(current);
      const refs = notices.map((notice) => this.deliveryRef(caseId, notice.id));
      const deliveries = refs.length ? await tx.getAll(...refs) : [];
      this.counts.reads += refs.length;
      const now = options.now.toISOString();
      const leaseUntil = new Date(options.now.getTime() + options.leaseMs).toISOString();
      const claimed: Notice[] = [];
      let alreadyDone = 0;
      let inFlight = 0;
      notices.forEach((notice, index) => {
        const existing = deliveries[index]?.exists ? (deliveries[index].data() as Delivery) : undefined;
        const claim: Delivery = { state: 'sending', kind: notice.kind, audience: notice.audience, eventId: notice.eventId, claimedAt: now, leaseUntil };
        if (!existing) tx.create(refs[index]!, claim);
        else if (existing.state === 'sent' || existing.state === 'failed') return void (alreadyDone += 1);
        else if (existing.state === 'sending' && existing.leaseUntil > now) return void (inFlight += 1);
        else tx.update(refs[index]!, { ...claim });
        claimed.push(notice);
      });
      const consumed = options.consumes !== undefined && Object.hasOwn(current.outbox, options.consumes) ? options.consumes : undefined;
      const discharged = consumed ? this.discharge(tx, ref, current, consumed) : current;
      return [{ case: discharged, claimed, alreadyDone, inFlight }, claimed.length + (consumed ? 1 : 0)];
    });
    this.committed(wrote);
    return claim;
  }

  /**
   * Counts a commit of `documents` writes (none: nothing was committed). Called once the commit
   * succeeded: Firestore bills the writes of a committed transaction, not those of an attempt that
   * was retried (whose reads are billed, and counted where they are made).
   */
  private committed(documents: number): void {
    if (documents === 0) return;
    this.counts.commits += 1;
    this.counts.writes += documents;
  }

  async settleNotices(caseId: string, outcomes: readonly NoticeOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const batch = this.db.batch();
    for (const { id, state, detail, at } of outcomes) {
      batch.update(this.deliveryRef(caseId, id), { state, settledAt: at, ...(detail !== undefined ? { detail } : {}) });
    }
    await batch.commit();
    this.counts.commits += 1;
    this.counts.writes += outcomes.length;
  }

  /** `cases/{id}/notifications/{noticeId}`: a notice's delivery record. */
  private deliveryRef(caseId: string, noticeId: string): DocumentReference {
    return this.caseRef(caseId).collection('notifications').doc(noticeId);
  }

  /** A message kept out of the outbox ({@link CaseStoreOptions.announces}): published once, its failure only logged. */
  private async publishUnrecorded(caseId: string, message: OutgoingMessage): Promise<void> {
    try {
      await this.options.bus.publish(asTopic(message.topic), { type: message.type, data: { ...message.data, caseId }, trace: message.trace });
    } catch (error) {
      this.options.log.warn('publish failed after the commit; the message told nobody anything, so it is not kept', { caseId, topic: message.topic, error });
    }
  }

  /**
   * Publishes what a commit recorded. A failure is logged, not thrown: the commit stands, and its
   * entry stays in the outbox for the follow-up sweep. The message carries `outboxId`, so the step
   * that takes it up can discharge it.
   */
  private async publish(caseId: string, recorded: Recorded): Promise<void> {
    await Promise.all(
      recorded.map(async ([outboxId, entry]) => {
        try {
          await this.options.bus.publish(asTopic(entry.topic), { type: entry.type, data: { ...entry.data, caseId, outboxId }, trace: entry.trace });
        } catch (error) {
          this.options.log.warn('publish failed after the commit; the outbox keeps the message for the follow-up sweep', { caseId, outboxId, topic: entry.topic, error });
        }
      }),
    );
  }

  /**
   * `nextActionAt <= now`, ordered by it and then by document ID (the cursor's tie-break). A range and
   * an order on one field are served by Firestore's automatic single-field index: no composite index.
   */
  async dueCases(now: Date, limit: number, startAfter?: DueCursor): Promise<DueCasesPage> {
    let query = this.db
      .collection('cases')
      .where('nextActionAt', '<=', now.toISOString())
      .orderBy('nextActionAt')
      .orderBy(FieldPath.documentId())
      .limit(limit);
    if (startAfter) query = query.startAfter(startAfter.nextActionAt, startAfter.caseId);
    const snap = await query.get();
    // Firestore bills a query one read per document returned, and one when it returns none.
    this.counts.reads += Math.max(1, snap.size);
    const cases = snap.docs.map((doc) => {
      const parsed = Case.safeParse(doc.data());
      return parsed.success ? { caseId: doc.id, case: parsed.data } : { caseId: doc.id, case: null, problem: parsed.error.message };
    });
    const last = snap.docs.at(-1);
    const lastAt: unknown = last?.get('nextActionAt');
    return { cases, next: last && snap.size >= limit && typeof lastAt === 'string' ? { nextActionAt: lastAt, caseId: last.id } : null };
  }

  async listCases(filter: CaseFilter, limit: number, startAfter?: ListCursor): Promise<CaseListPage> {
    let query = this.db.collection('cases') as FirebaseFirestore.Query;
    for (const [field, value] of Object.entries(filter)) if (value !== undefined) query = query.where(field, '==', value);
    query = query.orderBy('updatedAt', 'desc').orderBy(FieldPath.documentId(), 'desc').limit(limit);
    if (startAfter) query = query.startAfter(startAfter.updatedAt, startAfter.caseId);
    const snap = await query.get();
    this.counts.reads += Math.max(1, snap.size);
    const cases = snap.docs.flatMap((doc) => {
      const parsed = Case.safeParse(doc.data());
      return parsed.success ? [{ caseId: doc.id, case: parsed.data }] : [];
    });
    const last = snap.docs.at(-1);
    return { cases, next: last && snap.size >= limit ? { updatedAt: String(last.get('updatedAt')), caseId: last.id } : null };
  }

  async timeline(caseId: string): Promise<(TimelineEvent & { id: string })[]> {
    const snap = await this.caseRef(caseId).collection('events').orderBy('__name__').get();
    this.counts.reads += Math.max(1, snap.size);
    return snap.docs.map((doc) => ({ ...TimelineEvent.parse(doc.data()), id: doc.id }));
  }

  async engineering(caseId: string): Promise<CaseEngineering | null> {
    const snap = await this.engineeringRef(caseId).get();
    this.counts.reads += 1;
    return snap.exists ? { assignee: (snap.get('assignee') as CaseEngineering['assignee']) ?? null } : null;
  }

  /** `cases/{id}/internal/engineering`: firestore.rules lets engineers alone read it. */
  private engineeringRef(caseId: string): DocumentReference {
    return this.caseRef(caseId).collection('internal').doc('engineering');
  }

  private caseRef(caseId: string): DocumentReference {
    return this.db.collection('cases').doc(caseId);
  }
}

/** The outbox entries of one commit's messages (`null`s are the messages it does not have). */
function record(messages: (OutgoingMessage | null)[], version: number, caseId: string, recordedAt: string): Recorded {
  return messages
    .filter((m): m is OutgoingMessage => m !== null)
    .map((m) => [outboxEntryId(version, m.topic), { topic: asTopic(m.topic), type: m.type, data: { ...m.data, caseId }, ...(m.trace ? { trace: m.trace } : {}), recordedAt, attempts: 0, lastAttemptAt: null }]);
}

function withoutEntry(outbox: Outbox, id: string | undefined): Outbox {
  if (id === undefined) return outbox;
  const { [id]: _taken, ...rest } = outbox;
  return rest;
}

/** A decision names topics as text (the domain does not know the function table): checked here. */
function asTopic(topic: string): Topic {
  if (!(TOPICS as readonly string[]).includes(topic)) throw new Error(`no topic ${topic}`);
  return topic as Topic;
}

function isAlreadyExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === ALREADY_EXISTS;
}
