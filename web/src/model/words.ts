import type { Approach, CaseStatus, Priority } from '../../../functions/src/domain/case-model.js';
import type { Role } from './records.js';

/**
 * What the app calls things, in the words a person uses. One table per kind, so a status reads the
 * same on every page; customers get their own words where "the customer" would be them.
 */

export const STATUS_WORDS: Record<CaseStatus, string> = {
  received: 'Received',
  triaged: 'Triaged',
  awaiting_partner: 'Waiting for the partner',
  partner_engaged: 'Partner engaged',
  in_progress: 'In progress',
  awaiting_customer: 'Waiting for the customer',
  resolved: 'Resolved',
  referred_to_vendor: 'Referred to the vendor',
  closed: 'Closed',
};

const CUSTOMER_STATUS_WORDS: Partial<Record<CaseStatus, string>> = {
  received: 'Received: we are looking at it',
  triaged: 'Received: we are looking at it',
  awaiting_partner: 'With the technology partner',
  partner_engaged: 'The partner is working on it',
  in_progress: 'We are working on it',
  awaiting_customer: 'Waiting for your reply',
};

/** At the partner's desk the partner is "you". */
const PARTNER_STATUS_WORDS: Partial<Record<CaseStatus, string>> = {
  awaiting_partner: 'Waiting for your acknowledgement',
  partner_engaged: 'You are working on it',
  awaiting_customer: 'Waiting for the customer’s reply',
  in_progress: 'With Customer Care',
};

const ROLE_STATUS_WORDS: Partial<Record<Role, Partial<Record<CaseStatus, string>>>> = { customer: CUSTOMER_STATUS_WORDS, partner: PARTNER_STATUS_WORDS };

export const statusWords = (status: CaseStatus, role: Role | null): string => (role ? ROLE_STATUS_WORDS[role]?.[status] : undefined) ?? STATUS_WORDS[status];

export const PRIORITY_WORDS: Record<Priority, string> = {
  P1: 'P1 — Critical: production unusable',
  P2: 'P2 — High: severely impaired',
  P3: 'P3 — Medium: partially impaired',
  P4: 'P4 — Low: usable, a question',
};

/** The short form for tables: "P1 Critical". */
export const priorityShort = (priority: Priority): string => PRIORITY_WORDS[priority].split(':')[0]!.replace(' —', '');

export const APPROACH_WORDS: Record<Approach, string> = {
  collaborative: 'Collaborative support with the technology partner',
  workload: 'Workload-centric support by Customer Care',
  third_party_vendor: 'Third-party vendor support, referred to the vendor',
};

export const APPROACH_SHORT: Record<Approach, string> = {
  collaborative: 'Collaborative',
  workload: 'Workload',
  third_party_vendor: 'Vendor referral',
};

export const ROLE_APP_NAMES: Record<Role, string> = {
  engineer: 'Engineer console',
  customer: 'Customer portal',
  partner: 'Partner desk',
};

/** "10:42" today, "Tue 1 Dec, 10:42" otherwise, in the person's own time zone. */
export function timeWords(iso: string, now: Date = new Date()): string {
  const at = new Date(iso);
  const time = at.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (at.toDateString() === now.toDateString()) return time;
  return `${at.toLocaleDateString('en-GB', { weekday: 'short', day: 'numeric', month: 'short' })}, ${time}`;
}

/** "3 h 20 min", "45 min", "2 d 4 h": a duration as consoles show it. */
export function durationWords(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return hours % 24 ? `${days} d ${hours % 24} h` : `${days} d`;
}
