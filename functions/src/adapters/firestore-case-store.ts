import { createHash } from 'node:crypto';
import { FieldPath, Firestore, type DocumentReference } from '@google-cloud/firestore';
import { Case, TimelineEvent } from '../domain/case-model.js';
import { partnerAccessOf } from '../domain/case-visibility.js';
import type {
  CaseEngineering, CaseFilter, CaseListPage, CaseStore, CaseUpdateOutcome, CreateCaseOutcome, Decision, DuplicateRequest, ListCursor, DueCasesPage, DueCursor, IdempotencyRecord, NewCase, Receipt,
} from '../ports/case-store.js';
import type { Clock } from '../ports/clock.js';

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

export class FirestoreCaseStore implements CaseStore {
  private readonly counts: FirestoreOps = { reads: 0, commits: 0, writes: 0 };

  /**
   * `schedule` sets `nextActionAt` from the case as written on every create and change, so the
   * follow-up query stays right whichever step wrote the case (and with the configured periods);
   * `clock` gives every commit its `updatedAt`.
   */
  constructor(
    private readonly db: Firestore,
    private readonly options: { schedule: ScheduleNextAction; clock: Clock },
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
    const draft = { ...input.case, version: 1, updatedAt: this.options.clock.now().toISOString(), nextActionAt: null, partnerAccess: partnerAccessOf(input.case) };
    const stored = Case.parse({ ...draft, nextActionAt: this.options.schedule(draft) });
    batch.create(caseRef, stored);
    batch.create(caseRef.collection('events').doc(eventId(stored.version, 0)), input.firstEvent);
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

  updateCase<R>(caseId: string, decide: (current: Case) => Decision<R>): Promise<CaseUpdateOutcome<R>> {
    return this.transact(caseId, decide) as Promise<CaseUpdateOutcome<R>>;
  }

  updateCaseOnce<R>(caseId: string, receipt: Receipt<R>, decide: (current: Case) => Decision<R>): Promise<CaseUpdateOutcome<R> | DuplicateRequest> {
    return this.transact(caseId, decide, receipt);
  }

  private async transact<R>(caseId: string, decide: (current: Case) => Decision<R>, receipt?: Receipt<R>): Promise<CaseUpdateOutcome<R> | DuplicateRequest> {
    const ref = this.caseRef(caseId);
    const receiptRef = receipt ? this.db.collection('receipts').doc(receipt.id) : undefined;
    return this.db.runTransaction(async (tx) => {
      // One round trip for both: the case and, when asked, the receipt of an earlier identical request.
      const [snap, receiptSnap] = receiptRef ? await tx.getAll(ref, receiptRef) : [await tx.get(ref)];
      this.counts.reads += receiptRef ? 2 : 1;
      if (!snap?.exists) return { found: false };
      const current = Case.parse(snap.data());
      if (receiptSnap?.exists) return { found: true, changed: false, case: current, duplicate: true, receipt: receiptSnap.data() ?? {} };
      const { change, result } = decide(current);
      if (!change) return { found: true, changed: false, case: current, result, eventIds: [] };
      const owned = { version: current.version + 1, updatedAt: this.options.clock.now().toISOString() };
      const written = { ...current, ...change.patch, ...owned, partnerAccess: partnerAccessOf({ ...current, ...change.patch }) };
      const patch = { ...change.patch, ...owned, partnerAccess: written.partnerAccess, nextActionAt: this.options.schedule(written) };
      const next = Case.parse({ ...written, nextActionAt: patch.nextActionAt });
      tx.update(ref, patch);
      const eventIds = change.events.map((_event, index) => eventId(next.version, index));
      change.events.forEach((event, index) => tx.create(ref.collection('events').doc(eventIds[index]!), event));
      if (change.internal) tx.set(this.engineeringRef(caseId), change.internal, { merge: true });
      if (receiptRef && receipt) {
        const data = typeof receipt.data === 'function' ? receipt.data(next, eventIds, result) : receipt.data;
        tx.create(receiptRef, { ...data, caseId, appliedAt: next.updatedAt });
      }
      // Counted here, before the commit: a transaction that retries counts each attempt, as Firestore bills it.
      this.counts.commits += 1;
      this.counts.writes += 1 + change.events.length + (receiptRef ? 1 : 0) + (change.internal ? 1 : 0);
      return { found: true, changed: true, case: next, result, eventIds };
    });
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

function isAlreadyExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === ALREADY_EXISTS;
}
