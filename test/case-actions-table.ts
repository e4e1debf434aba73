import type { Role } from '../functions/src/domain/caller.js';
import { CASE_STATUSES, type Case, type CaseStatus, type TimelineEventType } from '../functions/src/domain/case-model.js';
import { partnerAccessOf } from '../functions/src/domain/case-visibility.js';
import { aCaseIn, anAcknowledgedEscalation } from './builders.js';
import { PEOPLE, type TokenUser } from './tokens.js';

/**
 * The expected table of `POST /cases/{caseId}/actions`, written from the contract itself: who may
 * take each action, from which statuses, and where it leaves the case, for every role × action ×
 * status. The unit test checks decideAction (domain/case-actions.ts) against it; the integration
 * test sends every cell through the emulators.
 */

/** A case NetApp works on in `status`: escalated to it (claimed and, past awaiting_partner, acknowledged), so NetApp may read it. */
export function netappCase(status: CaseStatus, overrides: Partial<Case> = {}): Case {
  const base = aCaseIn(status, {
    approach: 'collaborative',
    triage: { rule: 'vendor_is_partner', matched: { kind: 'partner', id: 'netapp', name: 'NetApp' } },
    partnerId: 'netapp',
    queue: 'partner-netapp',
    resumeStatus: status === 'awaiting_customer' ? 'partner_engaged' : null,
    ...(status === 'awaiting_partner' ? {} : { escalation: anAcknowledgedEscalation() }),
    ...overrides,
  });
  return { ...base, partnerAccess: partnerAccessOf(base) };
}

export const ROLES: readonly Role[] = ['customer', 'engineer', 'partner'];
export const ACTIONS = [
  'reply', 'add_note', 'assign', 'set_priority', 'request_info', 'resolve', 'refer_to_vendor', 'escalate_to_partner',
  'acknowledge', 'update', 'decline', 'withdraw', 'confirm_resolution', 'reopen',
] as const;
export type Action = (typeof ACTIONS)[number];
const OPEN = CASE_STATUSES.filter((s) => s !== 'closed');

/** An applied action: where the case ends (`null`: where it was), the statuses it passes through, and its (last) timeline entry. */
export interface Applied {
  to: CaseStatus | null;
  path: CaseStatus[];
  event: TimelineEventType;
  internal: boolean;
}
const stays = (event: TimelineEventType, internal: boolean): Applied => ({ to: null, path: [], event, internal });
const becomes = (to: CaseStatus, via: CaseStatus[] = []): Applied => ({ to, path: [...via, to], event: 'status_changed', internal: false });
const inEvery = (statuses: readonly CaseStatus[], applied: Applied): Partial<Record<CaseStatus, Applied>> =>
  Object.fromEntries(statuses.map((s) => [s, applied]));

/**
 * For each action, the roles that may take it and, per status, what it does; a role that is not
 * listed is `forbidden`, a status that is not listed is `invalid_transition`.
 *
 * A partner's request_info and resolve are, like acknowledge, update and decline, the partner's
 * callbacks taken at the desk (collaboration.info_requested, collaboration.resolved): asking for
 * information implies the acknowledgement (awaiting_partner → partner_engaged → awaiting_customer),
 * and resolving needs an engaged partner. The contract's `from` column for these two rows
 * (in_progress, partner_engaged) is the engineer's.
 */
export const EXPECTED: Record<Action, Partial<Record<Role, Partial<Record<CaseStatus, Applied>>>>> = {
  reply: {
    // The customer's answer resumes a case waiting on them (to where it was: in_progress for aCaseIn's).
    customer: { ...inEvery(OPEN, stays('reply_posted', false)), awaiting_customer: becomes('in_progress') },
    engineer: inEvery(OPEN, stays('reply_posted', false)),
  },
  add_note: { engineer: inEvery(CASE_STATUSES, stays('note_added', true)) },
  assign: { engineer: inEvery(OPEN, stays('case_assigned', true)) },
  set_priority: { engineer: inEvery(OPEN, stays('priority_changed', false)) },
  request_info: {
    engineer: { in_progress: becomes('awaiting_customer'), partner_engaged: becomes('awaiting_customer') },
    partner: { awaiting_partner: becomes('awaiting_customer', ['partner_engaged']), partner_engaged: becomes('awaiting_customer') },
  },
  resolve: {
    engineer: { in_progress: becomes('resolved'), partner_engaged: becomes('resolved') },
    partner: { partner_engaged: becomes('resolved') },
  },
  refer_to_vendor: { engineer: { in_progress: becomes('referred_to_vendor') } },
  // Only asked for here: the escalation workflow moves the case to awaiting_partner.
  escalate_to_partner: { engineer: { in_progress: stays('escalation_requested', true) } },
  acknowledge: { partner: { awaiting_partner: becomes('partner_engaged') } },
  update: { partner: { partner_engaged: stays('partner_updated', false), awaiting_customer: stays('partner_updated', false) } },
  decline: { partner: { awaiting_partner: becomes('in_progress'), partner_engaged: becomes('in_progress') } },
  withdraw: { customer: inEvery(OPEN, becomes('closed')) },
  confirm_resolution: { customer: { resolved: becomes('closed') } },
  reopen: { customer: { resolved: becomes('in_progress') } },
};

/** A valid body for each action. */
export const BODIES: Record<Action, Record<string, unknown>> = {
  reply: { action: 'reply', message: 'Here is the log you asked for.' },
  add_note: { action: 'add_note', message: 'Customer is on an old build.' },
  assign: { action: 'assign' },
  set_priority: { action: 'set_priority', priority: 'P1', message: 'Production is down.' },
  request_info: { action: 'request_info', message: 'Which build are you on?' },
  resolve: { action: 'resolve', message: 'Fixed by the patch.' },
  refer_to_vendor: { action: 'refer_to_vendor', vendorContact: { name: 'Acme Widgets support', url: 'https://acme.example/support' }, message: 'Acme supports WidgetDB.' },
  escalate_to_partner: { action: 'escalate_to_partner', partnerId: 'netapp', message: 'Needs NetApp.' },
  acknowledge: { action: 'acknowledge', partnerTicketId: 'NA-7' },
  update: { action: 'update', message: 'Still looking.' },
  decline: { action: 'decline', message: 'Not our product.' },
  withdraw: { action: 'withdraw', message: 'Found it myself.' },
  confirm_resolution: { action: 'confirm_resolution' },
  reopen: { action: 'reopen', message: 'It came back.' },
};

/** Who takes the actions of each role: a customer of the case's org, an engineer, and NetApp's desk. */
export const USERS: Record<Role, TokenUser> = { customer: PEOPLE.ada, engineer: PEOPLE.grace, partner: PEOPLE.netapp };
/** The case each role acts on: the customer's own org's, any for the engineer, and for the partner one escalated to it. */
export const caseFor = (role: Role, status: CaseStatus): Case => (role === 'partner' ? netappCase(status) : aCaseIn(status));

export type Cell = [Role, Action, CaseStatus, Applied | 'forbidden' | 'invalid_transition'];
export const TABLE: Cell[] = ROLES.flatMap((role) =>
  ACTIONS.flatMap((action) =>
    CASE_STATUSES.map((status): Cell => {
      const byRole = EXPECTED[action][role];
      return [role, action, status, byRole === undefined ? 'forbidden' : (byRole[status] ?? 'invalid_transition')];
    }),
  ),
);
