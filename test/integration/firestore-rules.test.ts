import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  assertFails,
  assertSucceeds,
  initializeTestEnvironment,
  type RulesTestContext,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import { setLogLevel } from 'firebase/firestore';
import type { Case, CaseStatus, Org, Partner, TimelineEvent, TimelineEventType, WorkloadTechnology } from '../../functions/src/domain/case-model.js';
import { aCaseIn, anEscalation, anEvent, anOrg, aPartner, T0 } from '../builders.js';

/**
 * firestore.rules on the Firestore emulator of the integration tier, through the client SDK a browser
 * would use. A project of its own, so that clearing data here and in the other integration tests never
 * collides. Every denial has a matching success on the same document for someone else, so a denial is
 * the rules' doing, not a missing document's.
 */
const PROJECT_ID = 'demo-tandem-rules';
const AT = T0;

let env: RulesTestEnvironment;

beforeAll(async () => {
  // Every denial the tests expect would otherwise be logged by the SDK as a stream error.
  setLogLevel('silent');
  const [host, port] = inject('firestoreHost').split(':');
  env = await initializeTestEnvironment({
    projectId: PROJECT_ID,
    firestore: { host, port: Number(port), rules: readFileSync('firestore.rules', 'utf8') },
  });
});
afterAll(async () => {
  await env.cleanup();
});
beforeEach(async () => {
  await env.clearFirestore();
  await seed();
});

// ---- Who is asking ------------------------------------------------------------------------------

const customerA = () => env.authenticatedContext('ada', { role: 'customer', org: 'org-a' });
const customerB = () => env.authenticatedContext('bob', { role: 'customer', org: 'org-b' });
const engineer = () => env.authenticatedContext('grace', { role: 'engineer' });
const netapp = () => env.authenticatedContext('netapp-agent', { role: 'partner', partnerId: 'netapp' });
const pure = () => env.authenticatedContext('pure-agent', { role: 'partner', partnerId: 'purestorage' });
const signedOut = () => env.unauthenticatedContext();
/** Signed in, but Tandem never gave this token a role. */
const noRole = () => env.authenticatedContext('mallory', { org: 'org-a', partnerId: 'netapp' });
/** A role Tandem does not have, with claims that would otherwise open org-a's and netapp's data. */
const unknownRole = () => env.authenticatedContext('mallory', { role: 'admin', org: 'org-a', partnerId: 'netapp' });

const db = (who: RulesTestContext) => who.firestore();

// ---- What is stored -----------------------------------------------------------------------------

/**
 * Cases as the functions write them (the builders check them against the model): org-a's unless
 * said otherwise, each due for a follow-up at 09:15, so that all three are in the engineer's
 * follow-up query below.
 */
const aCaseOf = (status: CaseStatus, overrides: Partial<Case> = {}): Case =>
  aCaseIn(status, { orgId: 'org-a', contact: { name: 'Ada Lovelace', email: 'ada@org-a.example' }, nextActionAt: '2026-11-23T09:15:00.000Z', ...overrides });

/** A public entry by Tandem, or an internal note by an engineer. */
const timelineEntry = (type: TimelineEventType, internal: boolean): TimelineEvent =>
  anEvent({
    type,
    at: AT,
    actor: internal ? { kind: 'engineer', id: 'grace' } : { kind: 'system', id: 'tandem' },
    data: internal ? { note: 'Customer runs an unsupported ONTAP build; ask NetApp to confirm.' } : {},
    internal,
  });

const CASES = {
  /** org-a's case, escalated to NetApp (requested at AT). */
  escalated: aCaseOf('awaiting_partner', { partnerId: 'netapp', escalation: anEscalation({ requestedAt: AT }) }),
  /** org-a's case, matched to NetApp at triage but not escalated (yet). */
  notEscalated: aCaseOf('in_progress', { approach: 'collaborative', partnerId: 'netapp', escalation: null, subject: 'Snapshot schedule skipped overnight' }),
  /** org-b's case, no partner involved. */
  orgB: aCaseOf('in_progress', {
    orgId: 'org-b',
    contact: { name: 'Bob Page', email: 'bob@org-b.example' },
    subject: 'GKE node pool upgrade stuck',
    product: 'Google Kubernetes Engine',
    vendor: 'Google',
    approach: 'workload',
    triage: { rule: 'workload-catalog', matched: { kind: 'workload', id: 'gke', name: 'GKE' } },
    partnerId: null,
    queue: 'containers',
  }),
} satisfies Record<string, Case>;

async function seed(): Promise<void> {
  await env.withSecurityRulesDisabled(async (admin) => {
    const store = admin.firestore();
    const writes: Promise<unknown>[] = [];
    for (const [id, data] of Object.entries(CASES)) {
      writes.push(store.doc(`cases/${id}`).set(data));
      writes.push(store.doc(`cases/${id}/events/received`).set(timelineEntry('case_received', false)));
      writes.push(store.doc(`cases/${id}/events/note`).set(timelineEntry('note_added', true)));
    }
    const orgs: Record<string, Org> = {
      'org-a': anOrg({ name: 'Acme Retail', supportPlan: 'premium' }),
      'org-b': anOrg({ name: 'Globex', supportPlan: 'enhanced' }),
    };
    const partner = (name: string, vendor: string): Partner =>
      aPartner({
        name,
        vendors: [vendor],
        products: [],
        webhookUrl: `https://${vendor.toLowerCase()}.example/tandem`,
        escalationLadder: [{ name: 'Duty manager', email: `duty@${vendor.toLowerCase()}.example` }],
      });
    const partners: Record<string, Partner> = { netapp: partner('NetApp', 'NetApp'), purestorage: partner('Pure Storage', 'Pure') };
    const gke: WorkloadTechnology = { name: 'GKE', aliases: ['Kubernetes Engine'], vendor: 'Google', queue: 'containers' };
    for (const [id, data] of Object.entries(orgs)) writes.push(store.doc(`orgs/${id}`).set(data));
    for (const [id, data] of Object.entries(partners)) writes.push(store.doc(`partners/${id}`).set(data));
    writes.push(store.doc('catalog/workloads/technologies/gke').set(gke));
    writes.push(store.doc('idempotencyKeys/org-a:key-1').set({ caseId: 'escalated', fingerprint: 'abc', createdAt: AT }));
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

// ---- The rules ----------------------------------------------------------------------------------

describe('cases/{caseId}', () => {
  it("a customer reads its org's cases", async () => {
    await assertSucceeds(db(customerA()).doc('cases/escalated').get());
    await assertSucceeds(db(customerA()).doc('cases/notEscalated').get());
  });

  it("a customer cannot read another org's case", async () => {
    await assertFails(db(customerB()).doc('cases/escalated').get());
    await assertFails(db(customerA()).doc('cases/orgB').get());
  });

  it("a customer lists its org's cases by querying orgId == its org", async () => {
    const snap = await assertSucceeds(db(customerA()).collection('cases').where('orgId', '==', 'org-a').get());
    expect(snap.docs.map((d) => d.id).sort()).toEqual(['escalated', 'notEscalated']);
  });

  it('a customer cannot list all cases, nor query for another org', async () => {
    await assertFails(db(customerA()).collection('cases').get());
    await assertFails(db(customerA()).collection('cases').where('orgId', '==', 'org-b').get());
  });

  it('a partner reads a case escalated to it', async () => {
    const snap = await assertSucceeds(db(netapp()).doc('cases/escalated').get());
    expect(snap.get('escalation.requestedAt')).toBe(AT);
  });

  it('a partner cannot read a case that was not escalated to it', async () => {
    // partnerId is already netapp from triage; only the escalation opens it.
    await assertFails(db(netapp()).doc('cases/notEscalated').get());
    await assertFails(db(netapp()).doc('cases/orgB').get());
  });

  it('a partner cannot read a case escalated to another partner', async () => {
    await assertFails(db(pure()).doc('cases/escalated').get());
  });

  it('a partner lists the cases escalated to it, and only by asking for escalated ones', async () => {
    const mine = db(netapp()).collection('cases').where('partnerId', '==', 'netapp');
    const snap = await assertSucceeds(mine.where('escalation', '!=', null).get());
    expect(snap.docs.map((d) => d.id)).toEqual(['escalated']);
    // Without the escalation filter the query could return a case not yet escalated.
    await assertFails(mine.get());
  });

  it('a customer token carrying a partnerId does not open that partner\'s cases', async () => {
    const customerWithPartnerClaim = env.authenticatedContext('bob', { role: 'customer', org: 'org-b', partnerId: 'netapp' });
    await assertFails(db(customerWithPartnerClaim).doc('cases/escalated').get());
  });

  it('an engineer reads and lists every case', async () => {
    await assertSucceeds(db(engineer()).doc('cases/orgB').get());
    const snap = await assertSucceeds(db(engineer()).collection('cases').get());
    expect(snap.size).toBe(3);
  });

  it('an engineer lists the cases due for a follow-up', async () => {
    const now = '2026-11-23T10:00:00.000Z';
    const due = db(engineer()).collection('cases').where('nextActionAt', '<=', now).orderBy('nextActionAt').limit(50);
    const snap = await assertSucceeds(due.get());
    expect(snap.size).toBe(3);
  });

  it('no client can write a case, even an engineer', async () => {
    await expectNoWrites(engineer(), 'cases/escalated', { status: 'resolved' });
    await expectNoWrites(customerA(), 'cases/escalated', { status: 'closed' });
    await expectNoWrites(netapp(), 'cases/escalated', { escalation: null, status: 'partner_engaged' });
  });
});

describe('cases/{caseId}/events/{eventId}', () => {
  it("a customer reads the timeline of its org's case, by querying internal == false", async () => {
    await assertSucceeds(db(customerA()).doc('cases/escalated/events/received').get());
    const snap = await assertSucceeds(db(customerA()).collection('cases/escalated/events').where('internal', '==', false).get());
    expect(snap.docs.map((d) => d.id)).toEqual(['received']);
  });

  it('a customer cannot see internal notes', async () => {
    await assertFails(db(customerA()).doc('cases/escalated/events/note').get());
    // A query that could return an internal note is refused as a whole.
    await assertFails(db(customerA()).collection('cases/escalated/events').get());
  });

  it("a customer cannot read the timeline of another org's case", async () => {
    await assertFails(db(customerB()).doc('cases/escalated/events/received').get());
    await assertFails(db(customerB()).collection('cases/escalated/events').where('internal', '==', false).get());
  });

  it('a partner reads the non-internal events of a case escalated to it', async () => {
    await assertSucceeds(db(netapp()).doc('cases/escalated/events/received').get());
    const snap = await assertSucceeds(db(netapp()).collection('cases/escalated/events').where('internal', '==', false).get());
    expect(snap.size).toBe(1);
  });

  it('a partner cannot see internal notes, even on a case escalated to it', async () => {
    await assertFails(db(netapp()).doc('cases/escalated/events/note').get());
    await assertFails(db(netapp()).collection('cases/escalated/events').get());
  });

  it('a partner cannot read the timeline of a case that was not escalated to it', async () => {
    await assertFails(db(netapp()).doc('cases/notEscalated/events/received').get());
    await assertFails(db(pure()).doc('cases/escalated/events/received').get());
  });

  it('an engineer reads the whole timeline, internal notes included', async () => {
    const snap = await assertSucceeds(db(engineer()).collection('cases/orgB/events').get());
    expect(snap.docs.map((d) => d.id).sort()).toEqual(['note', 'received']);
  });

  it('no client can append to or rewrite a timeline, even an engineer', async () => {
    await expectNoWrites(engineer(), 'cases/escalated/events/note', { internal: false });
    await expectNoWrites(customerA(), 'cases/escalated/events/received', timelineEntry('status_changed', false));
    await expectNoWrites(netapp(), 'cases/escalated/events/received', timelineEntry('partner_updated', false));
  });
});

describe('orgs/{orgId}', () => {
  it('a customer reads its own org', async () => {
    const snap = await assertSucceeds(db(customerA()).doc('orgs/org-a').get());
    expect(snap.get('supportPlan')).toBe('premium');
  });

  it('a customer cannot read another org, nor list the orgs', async () => {
    await assertFails(db(customerA()).doc('orgs/org-b').get());
    await assertFails(db(customerA()).collection('orgs').get());
  });

  it('a partner cannot read orgs', async () => {
    await assertFails(db(netapp()).doc('orgs/org-a').get());
  });

  it('an engineer reads every org', async () => {
    const snap = await assertSucceeds(db(engineer()).collection('orgs').get());
    expect(snap.size).toBe(2);
  });

  it('no client can write an org, even an engineer', async () => {
    await expectNoWrites(engineer(), 'orgs/org-a', { supportPlan: 'partner_premium' });
    await expectNoWrites(customerA(), 'orgs/org-a', { supportPlan: 'partner_premium' });
  });
});

describe('partners/{partnerId}', () => {
  it('a partner reads its own partner document', async () => {
    await assertSucceeds(db(netapp()).doc('partners/netapp').get());
  });

  it("a partner cannot read another partner's document, nor list the partners", async () => {
    await assertFails(db(netapp()).doc('partners/purestorage').get());
    await assertFails(db(netapp()).collection('partners').get());
  });

  it('a customer cannot read partners', async () => {
    await assertFails(db(customerA()).doc('partners/netapp').get());
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
    await assertFails(db(customerA()).doc('catalog/workloads/technologies/gke').get());
    await assertFails(db(netapp()).doc('catalog/workloads/technologies/gke').get());
  });

  it('no client can write the catalog, even an engineer', async () => {
    await expectNoWrites(engineer(), 'catalog/workloads/technologies/gke', { queue: 'storage' });
  });
});

describe('idempotencyKeys/{id}', () => {
  it('nobody reads idempotency keys, not even an engineer', async () => {
    for (const who of [engineer(), customerA(), netapp(), signedOut()]) {
      await assertFails(db(who).doc('idempotencyKeys/org-a:key-1').get());
      await assertFails(db(who).collection('idempotencyKeys').get());
    }
  });

  it('nobody writes idempotency keys', async () => {
    await expectNoWrites(engineer(), 'idempotencyKeys/org-a:key-1', { caseId: 'orgB' });
    await expectNoWrites(customerA(), 'idempotencyKeys/org-a:key-1', { caseId: 'orgB' });
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
    'cases/escalated',
    'cases/escalated/events/received',
    'orgs/org-a',
    'partners/netapp',
    'catalog/workloads/technologies/gke',
  ];

  it('a signed-in engineer reads every one of these documents (the control for the tests below)', async () => {
    for (const path of readable) await assertSucceeds(db(engineer()).doc(path).get());
  });

  it('a signed-out client reads nothing', async () => {
    for (const path of readable) await assertFails(db(signedOut()).doc(path).get());
    await assertFails(db(signedOut()).collection('cases').where('orgId', '==', 'org-a').get());
  });

  it('a token without a role reads nothing, whatever its other claims', async () => {
    for (const path of readable) await assertFails(db(noRole()).doc(path).get());
    await assertFails(db(noRole()).collection('cases').where('orgId', '==', 'org-a').get());
  });

  it('a token with a role Tandem does not have reads nothing', async () => {
    for (const path of readable) await assertFails(db(unknownRole()).doc(path).get());
    await assertFails(db(unknownRole()).collection('cases').where('orgId', '==', 'org-a').get());
  });
});
