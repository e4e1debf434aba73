import { describe, expect, it } from 'vitest';
import { CASE_STATUSES, type Case, type CaseStatus } from '../../functions/src/domain/case-model.js';
import { changeStatus, FIRST_RESPONSE_STATUSES, TRANSITIONS } from '../../functions/src/domain/case-state-machine.js';
import { aCase, anSla } from '../builders.js';

const at = new Date('2026-11-23T10:00:00.000Z');
const engineer = { kind: 'engineer', id: 'eng-1' } as const;

/**
 * The same case in every status, its first-response clock running (nobody has responded, not
 * paused) whatever the status, so that each transition's effect on the clock shows.
 */
function caseIn(status: CaseStatus, resumeStatus: CaseStatus | null = null): Case {
  return aCase({
    status, resumeStatus, sla: anSla({ firstResponseDueAt: '2026-11-23T11:00:00.000Z' }), statusChangedAt: at.toISOString(), version: 3,
  });
}

/** DESIGN.md's transitions, written out independently of the module under test. */
const ALLOWED: Array<[CaseStatus, CaseStatus]> = [
  ['received', 'triaged'],
  ['triaged', 'awaiting_partner'], ['triaged', 'in_progress'],
  ['awaiting_partner', 'partner_engaged'], ['awaiting_partner', 'in_progress'],
  ['partner_engaged', 'awaiting_customer'], ['partner_engaged', 'resolved'], ['partner_engaged', 'in_progress'],
  ['in_progress', 'awaiting_customer'], ['in_progress', 'resolved'], ['in_progress', 'referred_to_vendor'], ['in_progress', 'awaiting_partner'],
  ['awaiting_customer', 'closed'],
  ['resolved', 'closed'], ['resolved', 'in_progress'],
  ['referred_to_vendor', 'closed'],
  // any open status may be closed (the customer withdraws)
  ['received', 'closed'], ['triaged', 'closed'], ['awaiting_partner', 'closed'], ['partner_engaged', 'closed'], ['in_progress', 'closed'],
];

describe('case state machine', () => {
  const allPairs = CASE_STATUSES.flatMap((from) => CASE_STATUSES.map((to) => [from, to] as [CaseStatus, CaseStatus]));

  it.each(allPairs)('%s → %s is allowed exactly when DESIGN.md says so', (from, to) => {
    const expected = ALLOWED.some(([f, t]) => f === from && t === to);
    const result = changeStatus(caseIn(from), to, { at, actor: engineer, reason: 'test' });
    expect(result.ok).toBe(expected);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_transition');
      expect(result.error.details).toEqual({ status: from, requested: to });
    }
  });

  it('the table has an entry for every status', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...CASE_STATUSES].sort());
  });

  it.each(['in_progress', 'partner_engaged'] as const)('awaiting_customer returns to the status it came from (%s) and nowhere else', (origin) => {
    const other = origin === 'in_progress' ? 'partner_engaged' : 'in_progress';
    expect(changeStatus(caseIn('awaiting_customer', origin), origin, { at, actor: engineer, reason: 'customer_replied' }).ok).toBe(true);
    expect(changeStatus(caseIn('awaiting_customer', origin), other, { at, actor: engineer, reason: 'customer_replied' }).ok).toBe(false);
  });

  it('records the change as a timeline event, leaving the version to the store', () => {
    const result = changeStatus(caseIn('received'), 'triaged', { at, actor: engineer, reason: 'triage_completed' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.patch).toMatchObject({ status: 'triaged', statusChangedAt: at.toISOString() });
    for (const owned of ['version', 'updatedAt', 'nextActionAt']) expect(result.value.patch).not.toHaveProperty(owned);
    expect(result.value.event).toEqual({
      type: 'status_changed', at: at.toISOString(), actor: engineer,
      data: { from: 'received', to: 'triaged', reason: 'triage_completed' }, internal: false,
    });
  });

  it('time in awaiting_customer pauses the first-response clock', () => {
    const paused = changeStatus(caseIn('in_progress'), 'awaiting_customer', { at, actor: engineer, reason: 'info_requested' });
    if (!paused.ok) throw new Error(paused.error.message);
    const waiting = { ...caseIn('awaiting_customer', 'in_progress'), sla: paused.value.patch.sla ?? null };
    expect(waiting.sla?.pausedSince).toBe(at.toISOString());
    const later = new Date(at.getTime() + 90 * 60_000);
    const resumed = changeStatus(waiting, 'in_progress', { at: later, actor: engineer, reason: 'customer_replied' });
    if (!resumed.ok) throw new Error(resumed.error.message);
    expect(resumed.value.patch.sla).toMatchObject({ pausedSince: null, pausedMinutes: 90, firstResponseDueAt: '2026-11-23T12:30:00.000Z' });
    expect(resumed.value.patch.resumeStatus).toBeNull();
  });
});

describe('the first response', () => {
  /** Every allowed move from an open status, and whether reaching it is a response the customer hears. */
  const RESPONSES: Record<CaseStatus, boolean> = {
    received: false, triaged: false, awaiting_partner: false, in_progress: false, closed: false,
    partner_engaged: true, awaiting_customer: true, resolved: true, referred_to_vendor: true,
  };

  it.each(ALLOWED)('%s → %s sets sla.firstRespondedAt exactly when the target status is a response', (from, to) => {
    const result = changeStatus(caseIn(from, from === 'awaiting_customer' ? 'in_progress' : null), to, { at, actor: engineer, reason: 'test' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.patch.sla?.firstRespondedAt ?? null).toBe(RESPONSES[to] ? at.toISOString() : null);
  });

  it('FIRST_RESPONSE_STATUSES lists exactly those', () => {
    expect([...FIRST_RESPONSE_STATUSES].sort()).toEqual(CASE_STATUSES.filter((s) => RESPONSES[s]).sort());
  });

  it('the first response is recorded once: a later response keeps the first time', () => {
    const first = '2026-11-23T10:30:00.000Z';
    const c = { ...caseIn('in_progress'), sla: { ...caseIn('in_progress').sla!, firstRespondedAt: first } };
    const result = changeStatus(c, 'resolved', { at, actor: engineer, reason: 'fixed' });
    expect(result.ok && result.value.patch.sla).toBeFalsy();
  });

  it('asking the customer is a response and pauses the clock, both in one change', () => {
    const result = changeStatus(caseIn('in_progress'), 'awaiting_customer', { at, actor: engineer, reason: 'info_requested' });
    expect(result.ok && result.value.patch.sla).toMatchObject({ firstRespondedAt: at.toISOString(), pausedSince: at.toISOString() });
  });

  it('a case without an SLA clock (not prioritized) gets none', () => {
    const result = changeStatus({ ...caseIn('in_progress'), sla: null }, 'resolved', { at, actor: engineer, reason: 'fixed' });
    expect(result.ok && result.value.patch.sla).toBeUndefined();
  });
});
