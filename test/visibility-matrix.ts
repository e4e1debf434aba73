import type { Case } from '../functions/src/domain/case-model.js';
import { TRIAGE_RULES } from '../functions/src/domain/triage-classification.js';
import { aCaseIn, anAcknowledgedEscalation, anEscalation, minutesAfter } from './builders.js';
import { PEOPLE, type TokenUser } from './tokens.js';

/**
 * Who may read a case, its timeline and its engineering-only documents: the one table that
 * firestore.rules (test/integration/firestore-rules.test.ts) and the case API
 * (test/integration/case-api.test.ts) are both tested against, so the two cannot drift apart.
 * domain/case-visibility.ts is the rule; this is what the rule must come to, written out by hand.
 *
 * A row is a case in one situation (where its escalation to a partner stands), a column how the
 * viewer stands to that case, and a cell what the viewer reads:
 *
 * - `everything`: the case, every timeline event (internal ones included) and `cases/{id}/internal/*`;
 * - `public`: the case and the timeline events that are not internal;
 * - `nothing`: not even that the case exists.
 */
export type Reads = 'everything' | 'public' | 'nothing';

export type Relation = 'engineer' | 'customer' | 'otherCustomer' | 'partner' | 'otherPartner' | 'noRole' | 'unknownRole' | 'signedOut';

export type Situation = 'matched' | 'awaitingPartner' | 'partnerEngaged' | 'resolved' | 'declined' | 'takenBack';

const ALL: Reads = 'everything';
const PUBLIC: Reads = 'public';
const NONE: Reads = 'nothing';

/** The matrix: engineers read everything; the org's customers the public part; the partner only while the case is escalated to it. */
export const MATRIX: Record<Situation, Record<Relation, Reads>> = {
  matched:         { engineer: ALL, customer: PUBLIC, otherCustomer: NONE, partner: NONE,   otherPartner: NONE, noRole: NONE, unknownRole: NONE, signedOut: NONE },
  awaitingPartner: { engineer: ALL, customer: PUBLIC, otherCustomer: NONE, partner: PUBLIC, otherPartner: NONE, noRole: NONE, unknownRole: NONE, signedOut: NONE },
  partnerEngaged:  { engineer: ALL, customer: PUBLIC, otherCustomer: NONE, partner: PUBLIC, otherPartner: NONE, noRole: NONE, unknownRole: NONE, signedOut: NONE },
  resolved:        { engineer: ALL, customer: PUBLIC, otherCustomer: NONE, partner: PUBLIC, otherPartner: NONE, noRole: NONE, unknownRole: NONE, signedOut: NONE },
  declined:        { engineer: ALL, customer: PUBLIC, otherCustomer: NONE, partner: NONE,   otherPartner: NONE, noRole: NONE, unknownRole: NONE, signedOut: NONE },
  takenBack:       { engineer: ALL, customer: PUBLIC, otherCustomer: NONE, partner: NONE,   otherPartner: NONE, noRole: NONE, unknownRole: NONE, signedOut: NONE },
};

/** The columns, as a test name says them ("<relation> reads <situation>"). */
export const RELATIONS: Record<Relation, string> = {
  engineer: 'an engineer',
  customer: "a customer of the case's org",
  otherCustomer: 'a customer of another org',
  partner: 'the partner',
  otherPartner: 'another partner',
  noRole: 'a signed-in user without a role',
  unknownRole: 'a user with a role Tandem does not have',
  signedOut: 'a signed-out client',
};

export const SITUATIONS: Record<Situation, string> = {
  matched: 'a case triage matched to the partner, not escalated to it',
  awaitingPartner: 'a case escalated to the partner, awaiting its acknowledgement',
  partnerEngaged: 'a case the partner acknowledged and works on',
  resolved: 'a case resolved with the partner',
  declined: 'a case the partner declined',
  takenBack: 'a case taken back from the partner when its escalation ladder ran out',
};

export const readsCase = (reads: Reads): boolean => reads !== 'nothing';
export const readsInternal = (reads: Reads): boolean => reads === 'everything';

export interface MatrixRow {
  situation: Situation;
  relation: Relation;
  reads: Reads;
}

/** Every cell, row by row. */
export const MATRIX_ROWS: readonly MatrixRow[] = (Object.keys(MATRIX) as Situation[]).flatMap((situation) =>
  (Object.keys(MATRIX[situation]) as Relation[]).map((relation) => ({ situation, relation, reads: MATRIX[situation][relation] })),
);

// ---- The cases and the people ---------------------------------------------------------------------

/**
 * One org's cases with one partner, and who stands how to them. Two casts mirror each other (each
 * one's customer and partner are the other's "another"), so a list shows a viewer some cases and
 * hides others, and neither an empty list nor a full one can pass by accident.
 */
export interface Cast {
  /** Prefixes the case IDs: `ada-declined`. */
  name: string;
  orgId: string;
  partnerId: string;
  partner: { name: string; vendor: string; product: string };
  contact: Case['contact'];
  /** Who each relation is, for these cases: `null` is signed out. */
  people: Record<Relation, TokenUser | null>;
}

/**
 * Signed in, with the org and partner claims that would open the cast's cases, but no role: the
 * claims alone must open nothing.
 */
const roleless = (orgId: string, partnerId: string): TokenUser => ({ uid: 'u-mallory', name: 'Mallory', org: orgId, partnerId });
const unknownRole = (orgId: string, partnerId: string): TokenUser => ({ ...roleless(orgId, partnerId), role: 'admin' });

const ADA_ORG = PEOPLE.ada.org;
const BOB_ORG = PEOPLE.bob.org;

export const CASTS = {
  /** Ada's org, with NetApp: the cast of the matrix's rows. */
  ada: {
    name: 'ada',
    orgId: ADA_ORG,
    partnerId: PEOPLE.netapp.partnerId,
    partner: { name: 'NetApp', vendor: 'NetApp', product: 'Cloud Volumes ONTAP' },
    contact: { name: PEOPLE.ada.name, email: PEOPLE.ada.email },
    people: {
      engineer: PEOPLE.grace,
      customer: PEOPLE.ada,
      otherCustomer: PEOPLE.bob,
      partner: PEOPLE.netapp,
      otherPartner: PEOPLE.mongodb,
      noRole: roleless(ADA_ORG, PEOPLE.netapp.partnerId),
      unknownRole: unknownRole(ADA_ORG, PEOPLE.netapp.partnerId),
      signedOut: null,
    },
  },
  /** Bob's org, with MongoDB: Ada and NetApp are the others here. */
  bob: {
    name: 'bob',
    orgId: BOB_ORG,
    partnerId: PEOPLE.mongodb.partnerId,
    partner: { name: 'MongoDB', vendor: 'MongoDB', product: 'MongoDB Atlas' },
    contact: { name: PEOPLE.bob.name, email: PEOPLE.bob.email },
    people: {
      engineer: PEOPLE.grace,
      customer: PEOPLE.bob,
      otherCustomer: PEOPLE.ada,
      partner: PEOPLE.mongodb,
      otherPartner: PEOPLE.netapp,
      noRole: roleless(BOB_ORG, PEOPLE.mongodb.partnerId),
      unknownRole: unknownRole(BOB_ORG, PEOPLE.mongodb.partnerId),
      signedOut: null,
    },
  },
} satisfies Record<string, Cast>;

/** The cast whose people the per-row tests sign in as. */
export const MAIN_CAST: Cast = CASTS.ada;

export const caseIdOf = (cast: Cast, situation: Situation): string => `${cast.name}-${situation}`;

/** How `user` stands to the cast's cases (people are compared as the cast names them). */
export function relationOf(cast: Cast, user: TokenUser | null): Relation {
  const found = (Object.keys(cast.people) as Relation[]).find((relation) => cast.people[relation] === user);
  if (!found) throw new Error(`${user?.uid ?? 'signed out'} is not in the ${cast.name} cast`);
  return found;
}

/** When each escalation that ended, ended: half an hour in. */
const ENDED_AT = minutesAfter(30);

/** The fields that make a case the cast's: its org and contact, and triage's match to its partner. */
const castFields = (cast: Cast): Partial<Case> => ({
  orgId: cast.orgId,
  contact: cast.contact,
  approach: 'collaborative',
  product: cast.partner.product,
  vendor: cast.partner.vendor,
  triage: { rule: TRIAGE_RULES.partnerVendor, matched: { kind: 'partner', id: cast.partnerId, name: cast.partner.name } },
  partnerId: cast.partnerId,
  queue: `partner-${cast.partnerId}`,
});

/**
 * The case of a situation as the pipeline leaves it (the store's fields aside: it derives
 * `partnerAccess` itself). `overrides` replace fields, as in the builders.
 */
export function caseIn(situation: Situation, cast: Cast, overrides: Partial<Case> = {}): Case {
  const mine = { ...castFields(cast), ...overrides };
  const ticket = `${cast.partnerId.toUpperCase()}-1`;
  switch (situation) {
    case 'matched':
      return aCaseIn('triaged', mine);
    case 'awaitingPartner':
      return aCaseIn('awaiting_partner', mine);
    case 'partnerEngaged':
      return aCaseIn('partner_engaged', { escalation: anAcknowledgedEscalation({ partnerTicketId: ticket }), ...mine });
    case 'resolved':
      return aCaseIn('resolved', { escalation: anAcknowledgedEscalation({ partnerTicketId: ticket }), ...mine });
    case 'declined':
      // As a decline within the acknowledgement window leaves it (domain/partner-escalation.ts): back with Customer Care.
      return aCaseIn('in_progress', {
        escalation: anEscalation({ outcome: 'declined', endedAt: ENDED_AT, ackDueAt: null, lastPartnerUpdateAt: ENDED_AT }),
        ...mine,
      });
    case 'takenBack':
      // Every rung of the ladder was asked and none acknowledged: Tandem took the case back.
      return aCaseIn('in_progress', { escalation: anEscalation({ level: 2, outcome: 'ladder_exhausted', endedAt: ENDED_AT, ackDueAt: null }), ...mine });
  }
}

/**
 * The situations a case only reaches from an escalation the partner could read (declined, taken
 * back): a test that writes through the store creates the case as `awaitingPartner` and moves it
 * there with an update, so the update is what must take the partner's access away.
 */
export const REACHED_BY_UPDATE: ReadonlySet<Situation> = new Set<Situation>(['declined', 'takenBack']);
