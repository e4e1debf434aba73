import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { justChange, type CaseDraft } from '../../functions/src/domain/case-change.js';
import type { Case } from '../../functions/src/domain/case-model.js';
import { anEvent } from '../builders.js';
import { PEOPLE, type TokenUser } from '../tokens.js';
import {
  CASTS,
  MAIN_CAST,
  MATRIX,
  MATRIX_ROWS,
  REACHED_BY_UPDATE,
  RELATIONS,
  SITUATIONS,
  caseIdOf,
  caseIn,
  readsCase,
  readsInternal,
  relationOf,
  type Cast,
  type Relation,
  type Situation,
} from '../visibility-matrix.js';
import { createHarness, resetFirestore, serveFunction, signedInAs, type Harness } from './harness.js';

/**
 * The case API through the Functions Framework on the emulators, as an integrator calls it: `GET
 * /cases/{caseId}` and `/events` (caseApi) and `GET /cases` (intake, which owns the path). Who sees
 * what is the visibility matrix (test/visibility-matrix.ts) that firestore.rules is tested against
 * too: what the matrix lets a viewer read answers 200, anything else 404, with the same body as a
 * case that does not exist. Without a token the answer is 401, with a token that has no role 403,
 * before any case is looked at.
 *
 * The data is seeded once, through the store, and no test writes: both casts' cases in every
 * situation, a minute apart (each cast's two cases of a situation at the same instant, so the list's
 * tie-break by ID is exercised), each with a public and an internal timeline event and an assignee.
 */

let h: Harness;
let caseApi: { url: string; close(): Promise<void> };
let intake: { url: string; close(): Promise<void> };

const GRACE = { uid: PEOPLE.grace.uid, name: PEOPLE.grace.name };
const SITUATION_KEYS = Object.keys(MATRIX) as Situation[];

/** Every seeded case as last committed, by ID, with the cast and situation it stands for. */
const seeded = new Map<string, { cast: Cast; situation: Situation; case: Case }>();
/** The case touched last, after all the others: first in every list that shows it. */
const TOUCHED_LAST = caseIdOf(CASTS.ada, 'matched');

/** The case fields a decision may write: everything but what the store derives. */
function draftOf(c: Case): CaseDraft {
  const { version: _version, updatedAt: _updatedAt, nextActionAt: _nextActionAt, partnerAccess: _partnerAccess, ...draft } = c;
  return draft;
}

async function seedCases(): Promise<void> {
  const note = anEvent({ type: 'note_added', actor: { kind: 'engineer', id: GRACE.uid, name: GRACE.name }, data: { note: 'Ask the partner for the build number.' }, internal: true });
  for (const situation of SITUATION_KEYS) {
    h.deps.clock.advance(60_000);
    for (const cast of Object.values(CASTS)) {
      const caseId = caseIdOf(cast, situation);
      // Bob's cases are P1, Ada's P2: a priority filter then splits every list.
      const overrides: Partial<Case> = { priority: cast === CASTS.bob ? 'P1' : 'P2' };
      const final = caseIn(situation, cast, overrides);
      const reachedByUpdate = REACHED_BY_UPDATE.has(situation);
      const first = reachedByUpdate ? caseIn('awaitingPartner', cast, overrides) : final;
      const received = anEvent({ type: 'case_received', actor: { kind: 'customer', id: cast.contact.email }, internal: false });
      await h.deps.store.createCase({ caseId, case: draftOf(first), firstEvent: received });
      // A declined or taken-back case was escalated first: this update is what ends the partner's access.
      const outcome = await h.deps.store.updateCase(caseId, () =>
        justChange({ patch: reachedByUpdate ? draftOf(final) : {}, events: [note], internal: { assignee: GRACE } }),
      );
      if (!outcome.found) throw new Error(`${caseId} was not stored`);
      seeded.set(caseId, { cast, situation, case: outcome.case });
    }
  }
  h.deps.clock.advance(60_000);
  const touched = await h.deps.store.updateCase(TOUCHED_LAST, () => justChange({ patch: {}, events: [] }));
  if (!touched.found) throw new Error(`${TOUCHED_LAST} was not stored`);
  seeded.set(TOUCHED_LAST, { ...seeded.get(TOUCHED_LAST)!, case: touched.case });
}

beforeAll(async () => {
  h = createHarness();
  [caseApi, intake] = await Promise.all([serveFunction('caseApi'), serveFunction('intake')]);
  await resetFirestore();
  await seedCases();
});
afterAll(async () => {
  await Promise.all([caseApi.close(), intake.close()]);
  await h.close();
});

// ---- Requests -----------------------------------------------------------------------------------

/** A GET as `user` (a token valid at the harness's clock), or signed out. */
const getAs = (user: TokenUser | null, url: string): Promise<Response> => fetch(url, { headers: user ? signedInAs(h, user) : {} });

const getCase = (user: TokenUser | null, caseId: string) => getAs(user, `${caseApi.url}/cases/${caseId}`);
const getEvents = (user: TokenUser | null, caseId: string) => getAs(user, `${caseApi.url}/cases/${caseId}/events`);
const listCases = (user: TokenUser | null, query: Record<string, string> = {}) => getAs(user, `${intake.url}/cases?${new URLSearchParams(query)}`);

interface ListBody {
  cases: (Case & { caseId: string })[];
  nextPageToken: string | null;
}
interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

async function listIds(user: TokenUser, query: Record<string, string> = {}): Promise<{ ids: string[]; next: string | null }> {
  const res = await listCases(user, query);
  expect(res.status).toBe(200);
  const body = (await res.json()) as ListBody;
  return { ids: body.cases.map((c) => c.caseId), next: body.nextPageToken };
}

/** How the API refuses a viewer the matrix lets read nothing: before the case, by the token; else as a missing case. */
function refusalOf(relation: Relation): 401 | 403 | 404 {
  if (relation === 'signedOut') return 401;
  if (relation === 'noRole' || relation === 'unknownRole') return 403;
  return 404;
}

/** Expects the refusal, and for a 404 the very body a case that does not exist gets. */
async function expectRefused(res: Response, relation: Relation, viewer: TokenUser | null): Promise<void> {
  const status = refusalOf(relation);
  expect(res.status).toBe(status);
  const body = (await res.json()) as ErrorBody;
  if (status === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer');
  if (status === 403) expect(body.error.code).toBe('forbidden');
  if (status === 404) {
    const missing = await getCase(viewer, 'no-such-case');
    expect(missing.status).toBe(404);
    expect(body).toEqual(await missing.json());
  }
}

/** The cases `user` may list, by the matrix: most recently updated first, then by ID, last first. */
function visibleTo(user: TokenUser): string[] {
  return [...seeded.entries()]
    .filter(([, { cast, situation }]) => readsCase(MATRIX[situation][relationOf(cast, user)]))
    .sort(([idA, a], [idB, b]) => b.case.updatedAt.localeCompare(a.case.updatedAt) || (idA < idB ? 1 : idA > idB ? -1 : 0))
    .map(([id]) => id);
}

const who = (relation: Relation) => RELATIONS[relation];
const what = (situation: Situation) => SITUATIONS[situation];

// ---- One case -----------------------------------------------------------------------------------
// The matrix's cells only read, each in its own test: they run concurrently.

describe.concurrent('GET /cases/{caseId}: the visibility matrix', () => {
  for (const { situation, relation, reads } of MATRIX_ROWS) {
    const viewer = MAIN_CAST.people[relation];
    const caseId = caseIdOf(MAIN_CAST, situation);
    if (readsCase(reads)) {
      it(`${who(relation)} gets ${what(situation)}${readsInternal(reads) ? ', with its assignee' : ', without the assignee'}`, async () => {
        const res = await getCase(viewer, caseId);
        expect(res.status).toBe(200);
        const body = (await res.json()) as Case & { caseId: string; assignee?: unknown };
        expect(body).toMatchObject({ caseId, orgId: MAIN_CAST.orgId, status: seeded.get(caseId)!.case.status });
        if (readsInternal(reads)) expect(body.assignee).toEqual(GRACE);
        else expect(body).not.toHaveProperty('assignee');
      });
    } else {
      it(`${who(relation)} gets ${refusalOf(relation)} for ${what(situation)}`, async () => {
        await expectRefused(await getCase(viewer, caseId), relation, viewer);
      });
    }
  }
});

describe.concurrent('GET /cases/{caseId}/events: the timeline follows the case, internal events for engineers only', () => {
  for (const { situation, relation, reads } of MATRIX_ROWS) {
    const viewer = MAIN_CAST.people[relation];
    const caseId = caseIdOf(MAIN_CAST, situation);
    if (readsCase(reads)) {
      const shown = readsInternal(reads) ? 'every event, internal ones included' : 'the public events only';
      it(`${who(relation)} gets ${shown} of ${what(situation)}`, async () => {
        const res = await getEvents(viewer, caseId);
        expect(res.status).toBe(200);
        const { events } = (await res.json()) as { events: { id: string; type: string; internal: boolean }[] };
        const expected = readsInternal(reads)
          ? [{ id: 'v000001-00', type: 'case_received', internal: false }, { id: 'v000002-00', type: 'note_added', internal: true }]
          : [{ id: 'v000001-00', type: 'case_received', internal: false }];
        expect(events.map(({ id, type, internal }) => ({ id, type, internal }))).toEqual(expected);
      });
    } else {
      it(`${who(relation)} gets ${refusalOf(relation)} for the timeline of ${what(situation)}`, async () => {
        await expectRefused(await getEvents(viewer, caseId), relation, viewer);
      });
    }
  }
});

describe('GET /cases/{caseId} and /events: refusals', () => {
  const caseId = caseIdOf(MAIN_CAST, 'awaitingPartner');

  it('"not yours" and "missing" are the same 404, an invalid ID included', async () => {
    const mine = await getCase(PEOPLE.ada, caseId);
    expect(mine.status).toBe(200);
    const answers = await Promise.all([
      getCase(PEOPLE.bob, caseId),
      getCase(PEOPLE.bob, 'no-such-case'),
      getCase(PEOPLE.bob, 'not%20an%20id'),
      getEvents(PEOPLE.bob, caseId),
      getEvents(PEOPLE.bob, 'no-such-case'),
    ]);
    const bodies = await Promise.all(answers.map(async (res) => ({ status: res.status, body: (await res.json()) as ErrorBody })));
    for (const answer of bodies) expect(answer).toEqual(bodies[0]);
    expect(bodies[0]).toEqual({ status: 404, body: { error: { code: 'unknown_case', message: expect.any(String) } } });
  });

  it('without a token the answer is 401 with WWW-Authenticate: Bearer, whether or not the case exists', async () => {
    for (const res of await Promise.all([getCase(null, caseId), getEvents(null, caseId), getCase(null, 'no-such-case'), listCases(null)])) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(((await res.json()) as ErrorBody).error.code).toBe('unauthenticated');
    }
  });

  it('a token without a role is 403 on every read, even of a case an engineer reads', async () => {
    expect((await getCase(PEOPLE.grace, caseId)).status).toBe(200);
    for (const res of await Promise.all([getCase(PEOPLE.nobody, caseId), getEvents(PEOPLE.nobody, caseId), listCases(PEOPLE.nobody)])) {
      expect(res.status).toBe(403);
      expect(((await res.json()) as ErrorBody).error.code).toBe('forbidden');
    }
  });

  it('a partner token without a partnerId sees no case, not even one no partner may read, and cannot list', async () => {
    const nameless: TokenUser = { uid: 'u-partner', role: 'partner', name: 'Nameless partner' };
    expect((await getCase(PEOPLE.netapp, caseId)).status).toBe(200);
    expect((await getCase(nameless, caseId)).status).toBe(404);
    expect((await getCase(nameless, caseIdOf(MAIN_CAST, 'declined'))).status).toBe(404);
    expect((await listCases(nameless)).status).toBe(403);
  });
});

// ---- The list -----------------------------------------------------------------------------------

/** Everyone with a role, and which cast's relation they are named by in test names. */
const LISTERS: { label: string; user: TokenUser }[] = [
  { label: 'an engineer', user: PEOPLE.grace },
  { label: "Ada (a customer of ada's org)", user: PEOPLE.ada },
  { label: "Bob (a customer of bob's org)", user: PEOPLE.bob },
  { label: "NetApp (ada's cases' partner)", user: PEOPLE.netapp },
  { label: "MongoDB (bob's cases' partner)", user: PEOPLE.mongodb },
];

describe('GET /cases', () => {
  for (const { label, user } of LISTERS) {
    it(`${label} lists exactly the cases the matrix lets them read, most recently updated first`, async () => {
      const expected = visibleTo(user);
      expect(expected.length).toBeGreaterThan(0);
      expect(await listIds(user)).toEqual({ ids: expected, next: null });
    });
  }

  it('the order is by updatedAt, newest first, and cases updated at the same instant by ID, last first', async () => {
    const { ids } = await listIds(PEOPLE.grace, { pageSize: '100' });
    expect(ids[0]).toBe(TOUCHED_LAST);
    // Each cast's case of a situation was written at the same instant: bob's ID sorts after ada's.
    expect(ids.slice(1, 3)).toEqual([caseIdOf(CASTS.bob, 'takenBack'), caseIdOf(CASTS.ada, 'takenBack')]);
    // The first written, bob's and ada's matched cases, but ada's was touched since.
    expect(ids.at(-1)).toBe(caseIdOf(CASTS.bob, 'matched'));
  });

  it('a viewer the matrix lets read nothing cannot list: 401 signed out, 403 without a known role', async () => {
    for (const relation of ['signedOut', 'noRole', 'unknownRole'] as const) {
      const res = await listCases(MAIN_CAST.people[relation]);
      expect(res.status).toBe(refusalOf(relation));
    }
  });

  const FILTERS: Record<string, string>[] = [
    { status: 'in_progress' },
    { status: 'partner_engaged' },
    { priority: 'P1' },
    { queue: 'partner-netapp' },
    { status: 'awaiting_partner', priority: 'P2' },
    { status: 'resolved', queue: 'partner-mongodb', priority: 'P1' },
  ];
  for (const filter of FILTERS) {
    const asText = new URLSearchParams(filter).toString();
    it(`filters by ${asText}, within what each viewer may see`, async () => {
      const matches = (id: string) => Object.entries(filter).every(([field, value]) => seeded.get(id)!.case[field as 'status' | 'priority' | 'queue'] === value);
      let total = 0;
      for (const { user } of LISTERS) {
        const expected = visibleTo(user).filter(matches);
        total += expected.length;
        expect({ who: user.uid, ...(await listIds(user, filter)) }).toEqual({ who: user.uid, ids: expected, next: null });
      }
      expect(total).toBeGreaterThan(0);
    });
  }

  /** Follows nextPageToken from the first page to the last. */
  async function walk(user: TokenUser, query: Record<string, string>): Promise<string[][]> {
    const pages: string[][] = [];
    let token: string | null = null;
    do {
      const page: { ids: string[]; next: string | null } = await listIds(user, { ...query, ...(token ? { pageToken: token } : {}) });
      pages.push(page.ids);
      token = page.next;
      if (pages.length > 50) throw new Error('the pages never end');
    } while (token);
    return pages;
  }

  it.each<{ label: string; user: TokenUser; query: Record<string, string>; sizes: number[] }>([
    { label: 'an engineer, 5 a page', user: PEOPLE.grace, query: { pageSize: '5' }, sizes: [5, 5, 2] },
    { label: 'an engineer, in_progress only, 1 a page (across cases updated at the same instant)', user: PEOPLE.grace, query: { status: 'in_progress', pageSize: '1' }, sizes: [1, 1, 1, 1, 0] },
    { label: 'a customer, 2 a page', user: PEOPLE.ada, query: { pageSize: '2' }, sizes: [2, 2, 2, 0] },
    { label: 'a partner, 1 a page', user: PEOPLE.netapp, query: { pageSize: '1' }, sizes: [1, 1, 1, 0] },
  ])('paging with pageToken walks every case once: $label', async ({ user, query, sizes }) => {
    const pages = await walk(user, query);
    expect(pages.map((p) => p.length)).toEqual(sizes);
    const { pageSize: _pageSize, ...filter } = query;
    expect(pages.flat()).toEqual((await listIds(user, { ...filter, pageSize: '100' })).ids);
    expect(new Set(pages.flat()).size).toBe(pages.flat().length);
  });

  it('a page size defaults to 20 and may be 1 to 100', async () => {
    const all = visibleTo(PEOPLE.grace);
    expect(all.length).toBeLessThan(20);
    expect(await listIds(PEOPLE.grace)).toEqual({ ids: all, next: null });
    expect((await listIds(PEOPLE.grace, { pageSize: '100' })).ids).toEqual(all);
    expect((await listIds(PEOPLE.grace, { pageSize: '1' })).ids).toEqual(all.slice(0, 1));
  });

  it.each(['0', '101', '-1', '2.5', 'ten'])('pageSize=%s is 400', async (pageSize) => {
    const res = await listCases(PEOPLE.grace, { pageSize });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.code).toBe('invalid_request');
    expect(error.issues?.map((i) => i.path)).toEqual(['pageSize']);
  });

  it('a tampered pageToken is 400, whatever was done to it', async () => {
    const { next } = await listIds(PEOPLE.grace, { pageSize: '2' });
    expect(next).toEqual(expect.any(String));
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const lastUpdate = seeded.get(TOUCHED_LAST)!.case.updatedAt;
    const tampered = [
      'not-a-page-token',
      next!.slice(0, -3),
      `${next!}x`,
      b64({ u: 'yesterday', id: TOUCHED_LAST }),
      b64({ u: lastUpdate }),
      b64({ u: lastUpdate, id: '' }),
      b64({ u: lastUpdate, id: `${TOUCHED_LAST}/events` }),
      b64([lastUpdate, TOUCHED_LAST]),
      'x'.repeat(501),
    ];
    for (const pageToken of tampered) {
      const res = await listCases(PEOPLE.grace, { pageSize: '2', pageToken });
      expect({ pageToken, status: res.status }).toEqual({ pageToken, status: 400 });
      const { error } = (await res.json()) as ErrorBody;
      expect(error.code).toBe('invalid_request');
      expect(error.issues?.map((i) => i.path)).toEqual(['pageToken']);
    }
  });

  it('an unknown filter or a bad filter value is 400', async () => {
    const bad: Record<string, string>[] = [{ status: 'open' }, { priority: 'P5' }, { orgId: CASTS.bob.orgId }, { partnerAccess: 'netapp' }];
    for (const query of bad) {
      const res = await listCases(PEOPLE.ada, query);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });
});

// ---- Indexes ------------------------------------------------------------------------------------

describe('firestore.indexes.json', () => {
  // The emulator needs no index, so nothing above would notice a missing one: production would answer
  // FAILED_PRECONDITION. Every list is equality filters, then updatedAt desc and document ID desc.
  const ORDER = [
    { fieldPath: 'updatedAt', order: 'DESCENDING' },
    { fieldPath: '__name__', order: 'DESCENDING' },
  ];
  const { indexes } = JSON.parse(readFileSync('firestore.indexes.json', 'utf8')) as {
    indexes: { collectionGroup: string; queryScope: string; fields: { fieldPath: string; order?: string }[] }[];
  };
  /** The equality fields of each list index of cases. */
  const listIndexes = indexes
    .filter((i) => i.collectionGroup === 'cases' && i.queryScope === 'COLLECTION' && JSON.stringify(i.fields.slice(-2)) === JSON.stringify(ORDER))
    .map((i) => i.fields.slice(0, -2));
  const SCOPES = [[], ['orgId'], ['partnerAccess']];
  const FILTER_FIELDS = ['status', 'priority', 'queue'];

  it('declares an index for each scope with at most one filter', () => {
    for (const equalities of listIndexes) expect(equalities.every((f) => f.order === 'ASCENDING')).toBe(true);
    const declared = listIndexes.map((fields) => fields.map((f) => f.fieldPath).sort().join('+'));
    for (const scope of SCOPES) {
      for (const filter of [[], ...FILTER_FIELDS.map((f) => [f])]) {
        const fields = [...scope, ...filter];
        // No filter at all (an engineer's whole list) is the automatic single-field index on updatedAt.
        if (fields.length > 0) expect(declared).toContain([...fields].sort().join('+'));
      }
    }
  });

  it('every list with more filters is served by merging declared indexes (each a subset of its filters)', () => {
    const subsets = <T>(items: T[]): T[][] => items.reduce<T[][]>((all, item) => [...all, ...all.map((s) => [...s, item])], [[]]);
    for (const scope of SCOPES) {
      for (const filter of subsets(FILTER_FIELDS).filter((f) => f.length > 1)) {
        const wanted = new Set([...scope, ...filter]);
        const usable = listIndexes.map((fields) => fields.map((f) => f.fieldPath)).filter((fields) => fields.every((f) => wanted.has(f)));
        expect({ wanted: [...wanted], covered: [...new Set(usable.flat())].sort() }).toEqual({ wanted: [...wanted], covered: [...wanted].sort() });
      }
    }
  });
});
