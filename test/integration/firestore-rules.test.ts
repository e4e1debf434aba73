import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import { setLogLevel } from 'firebase/firestore';
import type { Org, Partner, TimelineEvent, TimelineEventType, WorkloadTechnology } from '../../functions/src/domain/case-model.js';
import { partnerAccessOf } from '../../functions/src/domain/case-visibility.js';
import { anEvent, anOrg, aPartner, T0 } from '../builders.js';
import { PEOPLE, type TokenUser } from '../tokens.js';
import {
  CASTS,
  MAIN_CAST,
  MATRIX,
  MATRIX_ROWS,
  RELATIONS,
  SITUATIONS,
  caseIdOf,
  caseIn,
  readsCase,
  readsInternal,
  type Cast,
  type Situation,
} from '../visibility-matrix.js';

/**
 * firestore.rules on the Firestore emulator of the integration tier, through the client SDK a browser
 * would use. A project of its own, so that clearing data here and in the other integration tests never
 * collides. Who reads which case, timeline event and engineering document comes from the visibility
 * matrix (test/visibility-matrix.ts), which the case API's tests check too. Every denial has a
 * matching success on the same document for someone else, so a denial is the rules' doing, not a
 * missing document's.
 */
const PROJECT_ID = 'demo-tandem-rules';
const AT = T0;
/** Every seeded case is due for a follow-up by then, so all are in the engineer's follow-up query. */
const DUE = '2026-11-23T09:15:00.000Z';

let env: RulesTestEnvironment;

// Seeded once: no test changes the data, since no client write is allowed (a write that got through
// would fail its own test first). Clearing and seeding before each of the matrix's many tests would
// take most of the file's time.
beforeAll(async () => {
  // Every denial the tests expect would otherwise be logged by the SDK as a stream error.
  setLogLevel('silent');
  const [host, port] = inject('firestoreHost').split(':');
  env = await initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: { host, port: Number(port), rules: readFileSync('firestore.rules', 'utf8') },
  });
  await env.clearFirestore();
  await seed();
});
afterAll(async () => {
  await env.cleanup();
});

// ---- Who is asking ------------------------------------------------------------------------------

const contexts = new Map<string, RulesTestContext>();

/**
 * A client signed in as `user` with its custom claims, as Tandem sets them; `null` is signed out.
 * One client per set of claims, reused: a new one opens a new connection to the emulator, which
 * would cost the matrix's many tests more than their reads.
 */
function as(user: TokenUser | null): RulesTestContext {
  const claims = user ? { ...(user.role ? { role: user.role } : {}), ...(user.org ? { org: user.org } : {}), ...(user.partnerId ? { partnerId: user.partnerId } : {}) } : null;
  const key = JSON.stringify([user?.uid ?? null, claims]);
  let context = contexts.get(key);
  if (!context) {
    context = user && claims ? env.authenticatedContext(user.uid, claims) : env.unauthenticatedContext();
    contexts.set(key, context);
  }
  return context;
}

const engineer = () => as(PEOPLE.grace);
const ada = () => as(PEOPLE.ada);
const bob = () => as(PEOPLE.bob);
const netapp = () => as(PEOPLE.netapp);
const mongodb = () => as(PEOPLE.mongodb);
const signedOut = () => as(null);

const db = (who: RulesTestContext) => who.firestore();

// ---- What is stored -----------------------------------------------------------------------------

/** A public entry by Tandem, or an internal note by an engineer. */
const timelineEntry = (type: TimelineEventType, internal: boolean): TimelineEvent =>
  anEvent({
    type,
    at: AT,
    actor: internal ? { kind: 'engineer', id: 'grace' } : { kind: 'system', id: 'tandem' },
    data: internal ? { note: 'Customer runs an unsupported ONTAP build; ask NetApp to confirm.' } : {},
    internal,
  });

const SITUATION_KEYS = Object.keys(MATRIX) as Situation[];
const ALL_CASE_IDS = Object.values(CASTS).flatMap((cast) => SITUATION_KEYS.map((s) => caseIdOf(cast, s)));

const casePath = (situation: Situation, cast: Cast = MAIN_CAST) => `cases/${caseIdOf(cast, situation)}`;

/** The cases of a cast a relation reads, by the matrix. */
const caseIdsRead = (cast: Cast, relation: keyof typeof RELATIONS) =>
  SITUATION_KEYS.filter((s) => readsCase(MATRIX[s][relation])).map((s) => caseIdOf(cast, s)).sort();

/**
 * Each cast's case in each situation, as the store writes it: `partnerAccess` derived from the
 * escalation (domain/case-visibility.ts), with a public and an internal timeline entry and the
 * engineering-only assignee beside it.
 */
async function seed(): Promise<void> {
  await env.withSecurityRulesDisabled(async (admin) => {
    const store = admin.firestore();
    const writes: Promise<unknown>[] = [];
    for (const cast of Object.values(CASTS)) {
      for (const situation of SITUATION_KEYS) {
        const c = caseIn(situation, cast, { nextActionAt: DUE });
        const path = casePath(situation, cast);
        writes.push(store.doc(path).set({ ...c, partnerAccess: partnerAccessOf(c) }));
        writes.push(store.doc(`${path}/events/received`).set(timelineEntry('case_received', false)));
        writes.push(store.doc(`${path}/events/note`).set(timelineEntry('note_added', true)));
        writes.push(store.doc(`${path}/internal/engineering`).set({ assignee: { uid: PEOPLE.grace.uid, name: PEOPLE.grace.name } }));
      }
    }
    const orgs: Record<string, Org> = {
      [CASTS.ada.orgId]: anOrg({ name: 'Globex', supportPlan: 'premium' }),
      [CASTS.bob.orgId]: anOrg({ name: 'Acme Retail', supportPlan: 'enhanced' }),
    };
    const partner = (name: string, vendor: string): Partner =>
      aPartner({
        name,
        vendors: [vendor],
        products: [],
        webhookUrl: `https://${vendor.toLowerCase()}.example/tandem`,
        escalationLadder: [{ name: 'Duty manager', email: `duty@${vendor.toLowerCase()}.example` }],
      });
    const partners: Record<string, Partner> = { netapp: partner('NetApp', 'NetApp'), mongodb: partner('MongoDB', 'MongoDB') };
    const gke: WorkloadTechnology = { name: 'GKE', aliases: ['Kubernetes Engine'], vendor: 'Google', queue: 'containers' };
    for (const [id, data] of Object.entries(orgs)) writes.push(store.doc(`orgs/${id}`).set(data));
    for (const [id, data] of Object.entries(partners)) writes.push(store.doc(`partners/${id}`).set(data));
    writes.push(store.doc('catalog/workloads/technologies/gke').set(gke));
    writes.push(store.doc('queues/containers').set({ name: 'Containers', email: 'containers@support.example' }));
    writes.push(store.doc(`idempotencyKeys/${CASTS.ada.orgId}:key-1`).set({ caseId: caseIdOf(CASTS.ada, 'awaitingPartner'), fingerprint: 'abc', createdAt: AT }));
    writes.push(store.doc('auditLog/first').set({ at: AT }));
    await Promise.all(writes);
  });
}

/** Tries every kind of client write on `path` (a document that exists) and expects each to be denied. */
async function expectNoWrites(who: RulesTestContext, path: string, fields: Record<string, unknown>): Promise<void> {
  const ref = db(who).doc(path);
  await assertFails(ref.update(fields));
  await assertFails(ref.set(fields));
  await assertFails(ref.delete());
  await assertFails(ref.parent.doc('new-by-client').set(fields));
  await assertFails(ref.parent.add(fields));
}

// ---- The matrix ---------------------------------------------------------------------------------
// Each cell is its own test, and they only read: they run concurrently, which halves the file's time
// (each read waits on the emulator's rule evaluation far more than on this process).

describe.concurrent('cases/{caseId}: who reads a case (the visibility matrix)', () => {
  for (const { situation, relation, reads } of MATRIX_ROWS) {
    const viewer = MAIN_CAST.people[relation];
    const path = casePath(situation);
    if (readsCase(reads)) {
      it(`${RELATIONS[relation]} reads ${SITUATIONS[situation]}`, async () => {
        const snap = await assertSucceeds(db(as(viewer)).doc(path).get());
        expect(snap.get('orgId')).toBe(MAIN_CAST.orgId);
      });
    } else {
      it(`${RELATIONS[relation]} cannot read ${SITUATIONS[situation]}`, async () => {
        await assertSucceeds(db(engineer()).doc(path).get());
        await assertFails(db(as(viewer)).doc(path).get());
      });
    }
  }
});

describe.concurrent('cases/{caseId}/events/{eventId}: the timeline follows the case, internal events for engineers only', () => {
  for (const { situation, relation, reads } of MATRIX_ROWS) {
    const viewer = MAIN_CAST.people[relation];
    const events = `${casePath(situation)}/events`;
    if (readsInternal(reads)) {
      it(`${RELATIONS[relation]} reads every event of ${SITUATIONS[situation]}, internal ones included`, async () => {
        await assertSucceeds(db(as(viewer)).doc(`${events}/note`).get());
        const snap = await assertSucceeds(db(as(viewer)).collection(events).get());
        expect(snap.docs.map((d) => d.id).sort()).toEqual(['note', 'received']);
      });
    } else if (readsCase(reads)) {
      it(`${RELATIONS[relation]} reads the public events of ${SITUATIONS[situation]}, by querying internal == false, but not the internal ones`, async () => {
        const snap = await assertSucceeds(db(as(viewer)).collection(events).where('internal', '==', false).get());
        expect(snap.docs.map((d) => d.id)).toEqual(['received']);
        await assertSucceeds(db(as(viewer)).doc(`${events}/received`).get());
        await assertSucceeds(db(engineer()).doc(`${events}/note`).get());
        await assertFails(db(as(viewer)).doc(`${events}/note`).get());
        // A query that could return an internal event is refused as a whole.
        await assertFails(db(as(viewer)).collection(events).get());
      });
    } else {
      it(`${RELATIONS[relation]} reads no event of ${SITUATIONS[situation]}`, async () => {
        await assertSucceeds(db(engineer()).doc(`${events}/received`).get());
        await assertFails(db(as(viewer)).doc(`${events}/received`).get());
        await assertFails(db(as(viewer)).collection(events).where('internal', '==', false).get());
      });
    }
  }
});

describe.concurrent('cases/{caseId}/internal/{doc}: engineers only', () => {
  for (const { situation, relation, reads } of MATRIX_ROWS) {
    const viewer = MAIN_CAST.people[relation];
    const internal = `${casePath(situation)}/internal`;
    if (readsInternal(reads)) {
      it(`${RELATIONS[relation]} reads the engineering documents of ${SITUATIONS[situation]}`, async () => {
        const snap = await assertSucceeds(db(as(viewer)).doc(`${internal}/engineering`).get());
        expect(snap.get('assignee.uid')).toBe(PEOPLE.grace.uid);
        await assertSucceeds(db(as(viewer)).collection(internal).get());
      });
    } else {
      it(`${RELATIONS[relation]} cannot read the engineering documents of ${SITUATIONS[situation]}`, async () => {
        await assertSucceeds(db(engineer()).doc(`${internal}/engineering`).get());
        await assertFails(db(as(viewer)).doc(`${internal}/engineering`).get());
        await assertFails(db(as(viewer)).collection(internal).get());
      });
    }
  }
});

// ---- Queries and writes on cases ------------------------------------------------------------------

describe('cases: queries and writes', () => {
  it("a customer lists its org's cases by querying orgId == its org", async () => {
    for (const cast of Object.values(CASTS)) {
      const customer = as(cast.people.customer);
      const snap = await assertSucceeds(db(customer).collection('cases').where('orgId', '==', cast.orgId).get());
      expect(snap.docs.map((d) => d.id).sort()).toEqual(caseIdsRead(cast, 'customer'));
      // As the case API asks it: a filter, most recently updated first.
      const filtered = db(customer).collection('cases').where('orgId', '==', cast.orgId).where('status', '==', 'in_progress').orderBy('updatedAt', 'desc');
      await assertSucceeds(filtered.get());
    }
  });

  it('a customer cannot list all cases, nor query for another org', async () => {
    await assertFails(db(ada()).collection('cases').get());
    await assertFails(db(ada()).collection('cases').where('orgId', '==', CASTS.bob.orgId).get());
  });

  it('a partner lists the cases escalated to it by querying partnerAccess == its partnerId', async () => {
    for (const cast of Object.values(CASTS)) {
      const partner = as(cast.people.partner);
      const snap = await assertSucceeds(db(partner).collection('cases').where('partnerAccess', '==', cast.partnerId).get());
      expect(snap.docs.map((d) => d.id).sort()).toEqual(caseIdsRead(cast, 'partner'));
      const filtered = db(partner).collection('cases').where('partnerAccess', '==', cast.partnerId).where('status', '==', 'partner_engaged').orderBy('updatedAt', 'desc');
      expect((await assertSucceeds(filtered.get())).docs.map((d) => d.id)).toEqual([caseIdOf(cast, 'partnerEngaged')]);
    }
  });

  it("a partner cannot list by partnerId, escalated or not: that could return a case it declined or one taken back", async () => {
    const byPartnerId = db(netapp()).collection('cases').where('partnerId', '==', 'netapp');
    await assertFails(byPartnerId.get());
    await assertFails(byPartnerId.where('escalation', '!=', null).get());
    await assertFails(db(netapp()).collection('cases').where('partnerAccess', '==', 'mongodb').get());
  });

  it("a customer token carrying a partnerId does not open that partner's cases", async () => {
    const path = casePath('awaitingPartner');
    await assertSucceeds(db(netapp()).doc(path).get());
    const customerWithPartnerClaim = as({ ...PEOPLE.bob, partnerId: 'netapp' });
    await assertFails(db(customerWithPartnerClaim).doc(path).get());
  });

  it('an engineer reads and lists every case', async () => {
    await assertSucceeds(db(engineer()).doc(casePath('declined', CASTS.bob)).get());
    const snap = await assertSucceeds(db(engineer()).collection('cases').get());
    expect(snap.docs.map((d) => d.id).sort()).toEqual([...ALL_CASE_IDS].sort());
  });

  it('an engineer lists the cases due for a follow-up', async () => {
    const now = '2026-11-23T10:00:00.000Z';
    const due = db(engineer()).collection('cases').where('nextActionAt', '<=', now).orderBy('nextActionAt').limit(50);
    const snap = await assertSucceeds(due.get());
    expect(snap.size).toBe(ALL_CASE_IDS.length);
  });

  it('no client can write a case, even an engineer', async () => {
    const path = casePath('awaitingPartner');
    await expectNoWrites(engineer(), path, { status: 'resolved' });
    await expectNoWrites(ada(), path, { status: 'closed' });
    await expectNoWrites(netapp(), path, { escalation: null, status: 'partner_engaged' });
    // Least of all the field that decides a partner's access.
    await expectNoWrites(netapp(), casePath('declined'), { partnerAccess: 'netapp' });
  });

  it('no client can append to or rewrite a timeline, even an engineer', async () => {
    const events = `${casePath('awaitingPartner')}/events`;
    await expectNoWrites(engineer(), `${events}/note`, { internal: false });
    await expectNoWrites(ada(), `${events}/received`, timelineEntry('status_changed', false));
    await expectNoWrites(netapp(), `${events}/received`, timelineEntry('partner_updated', false));
  });

  it("no client can write a case's engineering documents, even an engineer", async () => {
    const path = `${casePath('awaitingPartner')}/internal/engineering`;
    await expectNoWrites(engineer(), path, { assignee: { uid: 'u-grace', name: 'Grace Hopper' } });
    await expectNoWrites(ada(), path, { assignee: null });
  });
});

// ---- Reference data -----------------------------------------------------------------------------

describe('orgs/{orgId}', () => {
  it('a customer reads its own org', async () => {
    const snap = await assertSucceeds(db(ada()).doc(`orgs/${CASTS.ada.orgId}`).get());
    expect(snap.get('supportPlan')).toBe('premium');
  });

  it('a customer cannot read another org, nor list the orgs', async () => {
    await assertSucceeds(db(bob()).doc(`orgs/${CASTS.bob.orgId}`).get());
    await assertFails(db(ada()).doc(`orgs/${CASTS.bob.orgId}`).get());
    await assertFails(db(ada()).collection('orgs').get());
  });

  it('a partner cannot read orgs', async () => {
    await assertFails(db(netapp()).doc(`orgs/${CASTS.ada.orgId}`).get());
  });

  it('an engineer reads every org', async () => {
    const snap = await assertSucceeds(db(engineer()).collection('orgs').get());
    expect(snap.size).toBe(2);
  });

  it('no client can write an org, even an engineer', async () => {
    await expectNoWrites(engineer(), `orgs/${CASTS.ada.orgId}`, { supportPlan: 'partner_premium' });
    await expectNoWrites(ada(), `orgs/${CASTS.ada.orgId}`, { supportPlan: 'partner_premium' });
  });
});

describe('partners/{partnerId}', () => {
  it('a partner reads its own partner document', async () => {
    await assertSucceeds(db(netapp()).doc('partners/netapp').get());
  });

  it("a partner cannot read another partner's document, nor list the partners", async () => {
    await assertSucceeds(db(mongodb()).doc('partners/mongodb').get());
    await assertFails(db(netapp()).doc('partners/mongodb').get());
    await assertFails(db(netapp()).collection('partners').get());
  });

  it('a customer cannot read partners', async () => {
    await assertFails(db(ada()).doc('partners/netapp').get());
  });

  it('an engineer reads every partner', async () => {
    const snap = await assertSucceeds(db(engineer()).collection('partners').get());
    expect(snap.size).toBe(2);
  });

  it('no client can write a partner, not even the partner itself', async () => {
    await expectNoWrites(netapp(), 'partners/netapp', { webhookUrl: 'https://attacker.example/' });
    await expectNoWrites(engineer(), 'partners/netapp', { webhookUrl: 'https://attacker.example/' });
  });
});

describe('catalog/{document=**}', () => {
  it('an engineer reads the workload catalog', async () => {
    const snap = await assertSucceeds(db(engineer()).collection('catalog/workloads/technologies').get());
    expect(snap.docs.map((d) => d.id)).toEqual(['gke']);
  });

  it('customers and partners cannot read the workload catalog', async () => {
    await assertFails(db(ada()).doc('catalog/workloads/technologies/gke').get());
    await assertFails(db(netapp()).doc('catalog/workloads/technologies/gke').get());
  });

  it('no client can write the catalog, even an engineer', async () => {
    await expectNoWrites(engineer(), 'catalog/workloads/technologies/gke', { queue: 'storage' });
  });
});

describe('queues/{queueId}', () => {
  it('an engineer reads the queues (the console names them)', async () => {
    const snap = await assertSucceeds(db(engineer()).collection('queues').get());
    expect(snap.docs.map((d) => d.id)).toEqual(['containers']);
  });

  it('customers and partners cannot read the queues', async () => {
    await assertFails(db(ada()).doc('queues/containers').get());
    await assertFails(db(netapp()).doc('queues/containers').get());
  });

  it('no client can write a queue, even an engineer', async () => {
    await expectNoWrites(engineer(), 'queues/containers', { email: 'attacker@example.com' });
  });
});

describe('idempotencyKeys/{id}', () => {
  const key = `idempotencyKeys/${CASTS.ada.orgId}:key-1`;

  it('nobody reads idempotency keys, not even an engineer', async () => {
    for (const who of [engineer(), ada(), netapp(), signedOut()]) {
      await assertFails(db(who).doc(key).get());
      await assertFails(db(who).collection('idempotencyKeys').get());
    }
  });

  it('nobody writes idempotency keys', async () => {
    await expectNoWrites(engineer(), key, { caseId: 'other' });
    await expectNoWrites(ada(), key, { caseId: 'other' });
  });
});

describe('any other collection', () => {
  it('a collection without a rule is closed to every client', async () => {
    await assertFails(db(engineer()).doc('auditLog/first').get());
    await expectNoWrites(engineer(), 'auditLog/first', { at: AT });
  });
});

describe('tokens without a valid role', () => {
  // What each of these would read if the token were right: all of it exists and is readable by someone.
  const readable = [
    casePath('awaitingPartner'),
    `${casePath('awaitingPartner')}/events/received`,
    `${casePath('awaitingPartner')}/internal/engineering`,
    `orgs/${CASTS.ada.orgId}`,
    'partners/netapp',
    'catalog/workloads/technologies/gke',
  ];
  const orgQuery = (who: RulesTestContext) => db(who).collection('cases').where('orgId', '==', CASTS.ada.orgId).get();
  const partnerQuery = (who: RulesTestContext) => db(who).collection('cases').where('partnerAccess', '==', 'netapp').get();

  it('a signed-in engineer reads every one of these documents (the control for the tests below)', async () => {
    for (const path of readable) await assertSucceeds(db(engineer()).doc(path).get());
  });

  it('a signed-out client reads nothing', async () => {
    for (const path of readable) await assertFails(db(signedOut()).doc(path).get());
    await assertFails(orgQuery(signedOut()));
  });

  it('a token without a role reads nothing, whatever its other claims', async () => {
    const noRole = as(MAIN_CAST.people.noRole);
    for (const path of readable) await assertFails(db(noRole).doc(path).get());
    await assertFails(orgQuery(noRole));
    await assertFails(partnerQuery(noRole));
  });

  it('a token with a role Tandem does not have reads nothing', async () => {
    const unknownRole = as(MAIN_CAST.people.unknownRole);
    for (const path of readable) await assertFails(db(unknownRole).doc(path).get());
    await assertFails(orgQuery(unknownRole));
    await assertFails(partnerQuery(unknownRole));
  });

  it('a partner token without a partnerId reads no case, not even one no partner may read', async () => {
    // partnerAccess is null on a case not escalated: a missing claim must not match it.
    const path = casePath('matched');
    await assertSucceeds(db(ada()).doc(path).get());
    const nameless = as({ uid: 'u-partner', role: 'partner' });
    await assertFails(db(nameless).doc(path).get());
    await assertFails(db(nameless).doc(casePath('awaitingPartner')).get());
    await assertFails(db(nameless).collection('cases').where('partnerAccess', '==', null).get());
  });
});
