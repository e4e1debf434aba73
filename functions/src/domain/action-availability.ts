import type { Role } from './caller.js';
import type { CaseStatus } from './case-model.js';

/**
 * Which actions a person may take on a case in a given status: the table DESIGN.md's case actions
 * give, in one place. `decideAction` (case-actions.ts) refuses what this refuses, and the web app
 * offers only what this allows, so a button is never shown for an action the server would refuse
 * with `invalid_transition`. Free of zod and of any I/O: the browser bundle imports it.
 *
 * A partner's answers (`acknowledge`, `update`, `decline`, and its `request_info` and `resolve`) are
 * the signed callbacks' own decisions (partner-escalation.ts); the rows for them here say the same,
 * and test/unit/action-availability.test.ts holds both tables to each other for every status.
 */

export const CASE_ACTION_NAMES = [
  'reply',
  'add_note',
  'assign',
  'set_priority',
  'request_info',
  'resolve',
  'refer_to_vendor',
  'escalate_to_partner',
  'acknowledge',
  'update',
  'decline',
  'withdraw',
  'confirm_resolution',
  'reopen',
] as const;
export type CaseActionName = (typeof CASE_ACTION_NAMES)[number];

/** Who may take each action (on a case they can see). */
export const ACTION_ROLES: Readonly<Record<CaseActionName, readonly Role[]>> = {
  reply: ['customer', 'engineer'],
  add_note: ['engineer'],
  assign: ['engineer'],
  set_priority: ['engineer'],
  request_info: ['engineer', 'partner'],
  resolve: ['engineer', 'partner'],
  refer_to_vendor: ['engineer'],
  escalate_to_partner: ['engineer'],
  acknowledge: ['partner'],
  update: ['partner'],
  decline: ['partner'],
  withdraw: ['customer'],
  confirm_resolution: ['customer'],
  reopen: ['customer'],
};

const OPEN: readonly CaseStatus[] = ['received', 'triaged', 'awaiting_partner', 'partner_engaged', 'in_progress', 'awaiting_customer', 'resolved', 'referred_to_vendor'];
const ANY: readonly CaseStatus[] = [...OPEN, 'closed'];

/** The statuses each action applies from, for engineers and customers. */
const FROM: Readonly<Record<CaseActionName, readonly CaseStatus[]>> = {
  reply: OPEN,
  add_note: ANY,
  assign: OPEN,
  set_priority: OPEN,
  request_info: ['in_progress', 'partner_engaged'],
  resolve: ['in_progress', 'partner_engaged'],
  refer_to_vendor: ['in_progress'],
  escalate_to_partner: ['in_progress'],
  withdraw: OPEN,
  confirm_resolution: ['resolved'],
  reopen: ['resolved'],
  // A partner's own answers, as its callbacks (below for request_info and resolve).
  acknowledge: ['awaiting_partner'],
  update: ['partner_engaged', 'awaiting_customer'],
  decline: ['awaiting_partner', 'partner_engaged'],
};

/** A partner asking a question acknowledges too, so it may ask while its acknowledgement is awaited. */
const PARTNER_FROM: Partial<Record<CaseActionName, readonly CaseStatus[]>> = {
  request_info: ['awaiting_partner', 'partner_engaged'],
  resolve: ['partner_engaged'],
};

/** Whether `role` may take `action` on a case that is `status` (visibility aside: the caller sees the case). */
export function actionApplies(role: Role, action: CaseActionName, status: CaseStatus): boolean {
  if (!ACTION_ROLES[action].includes(role)) return false;
  const from = (role === 'partner' ? PARTNER_FROM[action] : undefined) ?? FROM[action];
  return from.includes(status);
}

/** The actions `role` may take on a case that is `status`, in the table's order. */
export const availableActions = (role: Role, status: CaseStatus): CaseActionName[] => CASE_ACTION_NAMES.filter((action) => actionApplies(role, action, status));
