import { initializeApp } from 'firebase/app';
import {
  browserLocalPersistence,
  browserPopupRedirectResolver,
  connectAuthEmulator,
  GoogleAuthProvider,
  initializeAuth,
  onIdTokenChanged,
  signInWithEmailAndPassword,
  signInWithPopup,
  signOut,
  type Auth,
  type User,
} from 'firebase/auth';
import {
  collection,
  connectFirestoreEmulator,
  doc,
  documentId,
  getFirestore,
  limit,
  onSnapshot,
  orderBy,
  query,
  where,
  type Firestore,
  type QueryConstraint,
} from 'firebase/firestore';
import type { Case, CaseStatus, TimelineEvent } from '../../functions/src/domain/case-model.js';
import type { DemoAccount, HostingConfig } from './hosting-config.js';
import type { CaseRecord, Person, Role, TimelineEntry } from './model/records.js';

export type { DemoAccount, HostingConfig };

/**
 * The Firebase JS SDK, behind the one module of the app that imports it: sign-in, the signed-in
 * person's claims, and live reads of cases and timelines under firestore.rules. Everything else in
 * the app sees the plain shapes below. Writes never go through here: they go through intake and
 * case actions (api.ts).
 */

export type { CaseRecord, Person, Role, TimelineEntry };

/** A live read: the latest value (or a failure) each time it changes, until `stop()`. */
export type Unsubscribe = () => void;
export interface Watcher<T> {
  next: (value: T) => void;
  error: (message: string) => void;
}

export interface CaseListFilter {
  /** Only these statuses (at most 30, Firestore's `in` limit); omitted: every status. */
  statuses?: readonly CaseStatus[];
  orgId?: string;
  partnerId?: string;
  max?: number;
}

export interface Backend {
  readonly emulated: boolean;
  /** On the local stack: the demo users' password, which the sign-in page shows. */
  readonly demoPassword: string | null;
  /** On the local stack: the demo users, which the sign-in page lists; elsewhere none. */
  readonly demoUsers: readonly DemoAccount[];
  onPerson(listener: (person: Person | null) => void): Unsubscribe;
  signIn(email: string, password: string): Promise<void>;
  signInWithGoogle(): Promise<void>;
  signOut(): Promise<void>;
  /** A fresh ID token for an API call (the SDK refreshes it before it expires). */
  idToken(): Promise<string | null>;
  watchCase(caseId: string, watcher: Watcher<CaseRecord | null>): Unsubscribe;
  /** Oldest first. `withInternal`: engineers only; anyone else may read public entries alone (the rules say so). */
  watchTimeline(caseId: string, withInternal: boolean, watcher: Watcher<TimelineEntry[]>): Unsubscribe;
  /** Most recently updated first. The filter must be one the rules allow for the person (their org, their partner). */
  watchCases(filter: CaseListFilter, watcher: Watcher<CaseRecord[]>): Unsubscribe;
  /** A document of reference data (`partners/{id}`, `orgs/{id}`, `queues/{id}`), live. */
  watchDocument<T>(path: string, watcher: Watcher<T | null>): Unsubscribe;
  /** Every document of a small reference collection (`partners`), live, each with its ID. */
  watchCollection<T>(path: string, watcher: Watcher<(T & { id: string })[]>): Unsubscribe;
}

export function connectBackend(config: HostingConfig): Backend {
  const { emulators, ...options } = config;
  const app = initializeApp(options);
  const auth: Auth = initializeAuth(app, { persistence: browserLocalPersistence, popupRedirectResolver: browserPopupRedirectResolver });
  const db: Firestore = getFirestore(app);
  if (emulators) {
    connectAuthEmulator(auth, emulators.authUrl, { disableWarnings: true });
    connectFirestoreEmulator(db, emulators.firestoreHost, emulators.firestorePort);
  }

  const failed = (watcher: Watcher<never>) => (error: Error) =>
    watcher.error(
      'code' in error && error.code === 'permission-denied' ? 'You do not have access to this.' : 'Tandem could not read this just now. It will try again when you reload.',
    );

  return {
    emulated: Boolean(emulators),
    demoPassword: emulators?.demoPassword ?? null,
    demoUsers: emulators?.demoUsers ?? [],
    onPerson(listener) {
      // The ID token, not just the user: claims live in the token, and a refreshed token may carry new ones.
      return onIdTokenChanged(auth, (user) => {
        if (!user) return listener(null);
        // A sign-out or another sign-in while the claims were read wins: only the current user is told.
        const current = () => auth.currentUser?.uid === user.uid;
        void personOf(user).then(
          (person) => current() && listener(person),
          () => current() && listener(null),
        );
      });
    },
    async signIn(email, password) {
      await signInWithEmailAndPassword(auth, email, password);
    },
    async signInWithGoogle() {
      await signInWithPopup(auth, new GoogleAuthProvider());
    },
    signOut: () => signOut(auth),
    idToken: async () => (auth.currentUser ? auth.currentUser.getIdToken() : null),
    watchCase(caseId, watcher) {
      if (!isDocumentPath(`cases/${caseId}`)) return nothingThere(watcher);
      return onSnapshot(
        doc(db, 'cases', caseId),
        (snapshot) => watcher.next(snapshot.exists() ? ({ ...(snapshot.data() as Case), id: snapshot.id }) : null),
        failed(watcher),
      );
    },
    watchTimeline(caseId, withInternal, watcher) {
      // Event IDs sort in the order they happened (v<version>_<index>, see the case store).
      const constraints: QueryConstraint[] = withInternal ? [orderBy(documentId())] : [where('internal', '==', false), orderBy(documentId())];
      return onSnapshot(
        query(collection(db, 'cases', caseId, 'events'), ...constraints),
        (snapshot) => watcher.next(snapshot.docs.map((d) => ({ ...(d.data() as TimelineEvent), id: d.id }))),
        failed(watcher),
      );
    },
    watchCases(filter, watcher) {
      const constraints: QueryConstraint[] = [];
      if (filter.orgId) constraints.push(where('orgId', '==', filter.orgId));
      if (filter.partnerId) constraints.push(where('partnerAccess', '==', filter.partnerId));
      if (filter.statuses?.length === 1) constraints.push(where('status', '==', filter.statuses[0]));
      else if (filter.statuses?.length) constraints.push(where('status', 'in', [...filter.statuses]));
      constraints.push(orderBy('updatedAt', 'desc'), limit(filter.max ?? 200));
      return onSnapshot(
        query(collection(db, 'cases'), ...constraints),
        (snapshot) => watcher.next(snapshot.docs.map((d) => ({ ...(d.data() as Case), id: d.id }))),
        failed(watcher),
      );
    },
    watchDocument<T>(path: string, watcher: Watcher<T | null>) {
      if (!isDocumentPath(path)) return nothingThere(watcher);
      return onSnapshot(
        doc(db, path),
        (snapshot) => watcher.next(snapshot.exists() ? (snapshot.data() as T) : null),
        failed(watcher),
      );
    },
    watchCollection<T>(path: string, watcher: Watcher<(T & { id: string })[]>) {
      return onSnapshot(
        query(collection(db, path), limit(500)),
        (snapshot) => watcher.next(snapshot.docs.map((d) => ({ ...(d.data() as T), id: d.id }))),
        failed(watcher),
      );
    },
  };
}

/**
 * A path of IDs the app may read: collection/id pairs, each ID as Tandem names documents. A path
 * made from a query string (`?queue=a/b`) or a missing claim (`orgs/`) would make the SDK throw.
 */
const isDocumentPath = (path: string): boolean => {
  const segments = path.split('/');
  return segments.length % 2 === 0 && segments.every((segment) => /^[A-Za-z0-9_-]{1,128}$/.test(segment));
};

/** What a read of no document gives: nothing, said once, as a live read would. */
function nothingThere<T>(watcher: Watcher<T | null>): Unsubscribe {
  const timer = setTimeout(() => watcher.next(null), 0);
  return () => clearTimeout(timer);
}

async function personOf(user: User): Promise<Person> {
  const { claims } = await user.getIdTokenResult();
  const text = (value: unknown) => (typeof value === 'string' && value ? value : null);
  const role = claims.role === 'customer' || claims.role === 'engineer' || claims.role === 'partner' ? claims.role : null;
  return {
    uid: user.uid,
    name: user.displayName ?? user.email ?? 'You',
    email: user.email,
    role,
    orgId: text(claims.org),
    partnerId: text(claims.partnerId),
  };
}
