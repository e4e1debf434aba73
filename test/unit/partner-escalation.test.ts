import { describe, expect, it } from 'vitest';
import type { Case, CaseStatus, Escalation } from '../../functions/src/domain/case-model.js';
import {
  ackWindowPassed, applyPartnerEvent, beginAwaitingPartner, claimEscalation, partnerWebhookBody, releaseClaim,
  PARTNER_EVENT_TYPES, type PartnerEventType,
} from '../../functions/src/domain/partner-escalation.js';
import { aCaseIn, aPartner } from '../builders.js';

const t0 = new Date('2026-11-23T10:00:00.000Z');
const minutes = (n: number) => new Date(t0.getTime() + n * 60_000);

/** 30 minutes to acknowledge a P1, the default for other priorities; a ladder of two contacts. */
const partner = aPartner({
  ackTargetsMinutes: { P1: 30 },
  escalationLadder: [
    { name: 'Escalation desk', email: 'desk@partner.example' },
    { name: 'Escalation manager', email: 'manager@partner.example' },
  ],
});

/** A triaged collaborative P1 case for NetApp, raised at t0 (version 4), with the fields the webhook body is checked for. */
const triaged = (overrides: Partial<Case> = {}): Case =>
  aCaseIn('triaged', {
    priority: 'P1', createdAt: t0.toISOString(), version: 4, partnerId: 'netapp',
    subject: 'Volumes read-only', product: 'Cloud Volumes ONTAP', contact: { name: 'Ada', email: 'ada@example.com' },
    ...overrides,
  });

const apply = (c: Case, patch: Partial<Case> | undefined): Case => ({ ...c, ...patch });

/** A case the workflow has started on: claimed, execution recorded, awaiting the partner. */
function awaiting(at = t0): Case {
  const claimed = apply(triaged(), claimEscalation(triaged(), 'claim-1', at)?.patch);
  const begun = beginAwaitingPartner(claimed, { claimId: 'claim-1', executionId: 'exec-1', callbackUrl: 'http://runner/cb' }, partner, at);
  if (!begun.ok || !begun.value.change) throw new Error('setup');
  return apply(claimed, begun.value.change.patch);
}

describe('claiming the escalation', () => {
  it('claims a triaged collaborative case once', () => {
    const change = claimEscalation(triaged(), 'claim-1', t0);
    expect(change?.patch.escalation).toMatchObject({ claimId: 'claim-1', executionId: null, level: 0 });
    expect(change?.patch).not.toHaveProperty('version');
    const claimed = apply(triaged(), change?.patch);
    expect(claimEscalation(claimed, 'claim-2', minutes(1))).toBeNull();
  });

  it('lets a later delivery take over a claim whose execution never reported back', () => {
    const claimed = apply(triaged(), claimEscalation(triaged(), 'claim-1', t0)?.patch);
    expect(claimEscalation(claimed, 'claim-2', minutes(1.9))).toBeNull();
    expect(claimEscalation(claimed, 'claim-2', minutes(2))?.patch.escalation).toMatchObject({ claimId: 'claim-2', requestedAt: t0.toISOString() });
  });

  it('never takes over a claim whose execution has recorded itself', () => {
    expect(claimEscalation(awaiting(), 'claim-2', minutes(600))).toBeNull();
  });

  it.each([
    ['an in_progress case', triaged({ status: 'in_progress' })],
    ['a workload case', triaged({ approach: 'workload', partnerId: null })],
  ])('does not claim %s', (_name, c) => expect(claimEscalation(c, 'claim-1', t0)).toBeNull());

  it('releases only its own claim, and only before an execution is recorded', () => {
    const claimed = apply(triaged(), claimEscalation(triaged(), 'claim-1', t0)?.patch);
    expect(releaseClaim(claimed, 'claim-2')).toBeNull();
    expect(releaseClaim(claimed, 'claim-1')?.patch.escalation).toBeNull();
  });
});

describe('the workflow begins waiting for the partner', () => {
  it('moves the case to awaiting_partner with the partner acknowledgement target as timeout', () => {
    const c = awaiting();
    expect(c.status).toBe('awaiting_partner');
    expect(c.escalation).toMatchObject({ executionId: 'exec-1', callbackUrl: 'http://runner/cb', level: 0, ackDueAt: '2026-11-23T10:30:00.000Z' });
  });

  it('answers a retried start with the same deadline, and changes nothing', () => {
    const again = beginAwaitingPartner(awaiting(), { claimId: 'claim-1', executionId: 'exec-1', callbackUrl: 'http://runner/cb' }, partner, minutes(10));
    expect(again.ok && again.value).toEqual({ change: null, moves: [], instruction: { action: 'wait', level: 0, ackDueAt: '2026-11-23T10:30:00.000Z', ackTimeoutSeconds: 1200 } });
  });

  it.each([
    ['another claim', { claimId: 'claim-2', executionId: 'exec-2' }],
    ['another execution of the same claim', { claimId: 'claim-1', executionId: 'exec-2' }],
  ])('tells an execution with %s to stop', (_name, who) => {
    const result = beginAwaitingPartner(awaiting(), { ...who, callbackUrl: 'x' }, partner, t0);
    expect(result.ok && result.value.instruction).toMatchObject({ action: 'stop', reason: 'superseded' });
  });

  it('uses the default acknowledgement target when the partner has none for the priority', () => {
    const claimed = apply(triaged({ priority: 'P3' }), claimEscalation(triaged({ priority: 'P3' }), 'c', t0)?.patch);
    const begun = beginAwaitingPartner(claimed, { claimId: 'c', executionId: 'e', callbackUrl: 'u' }, partner, t0);
    expect(begun.ok && begun.value.instruction).toMatchObject({ action: 'wait', ackTimeoutSeconds: 480 * 60 });
  });
});

describe('the acknowledgement window passes with no answer', () => {
  it('climbs each rung of the ladder, then hands the case to Customer Care and tells the customer', () => {
    let c = awaiting();
    const levels: number[] = [];
    for (const at of [30, 60]) {
      const step = ackWindowPassed(c, c.escalation!.level, partner, minutes(at));
      if (!step.ok || !step.value.change) throw new Error('expected a climb');
      c = apply(c, step.value.change.patch);
      levels.push(c.escalation!.level);
      // Internal: the partner's escalation contacts are not shown to the customer.
      expect(step.value.change.events[0]).toMatchObject({ type: 'escalation_level_raised', internal: true, data: { contact: partner.escalationLadder[c.escalation!.level - 1] } });
    }
    expect(levels).toEqual([1, 2]);
    const last = ackWindowPassed(c, 2, partner, minutes(90));
    if (!last.ok || !last.value.change) throw new Error('expected the fallback');
    expect(last.value.instruction).toEqual({ action: 'stop', reason: 'ladder_exhausted', status: 'in_progress' });
    expect(last.value.change.patch).toMatchObject({ status: 'in_progress', escalation: { outcome: 'ladder_exhausted' } });
    // The customer is told on the public status change itself: one event, not a second one.
    expect(last.value.change.events).toEqual([
      expect.objectContaining({ type: 'status_changed', internal: false, data: expect.objectContaining({ reason: 'partner_unresponsive', message: expect.stringContaining('our engineers are continuing') }) }),
    ]);
  });

  it('changes nothing when the partner answered meanwhile, or the level moved on', () => {
    const engaged = apply(awaiting(), { status: 'partner_engaged' });
    expect(ackWindowPassed(engaged, 0, partner, minutes(30))).toMatchObject({ ok: true, value: { change: null, instruction: { action: 'stop' } } });
    const climbed = apply(awaiting(), { escalation: { ...awaiting().escalation!, level: 1 } });
    expect(ackWindowPassed(climbed, 0, partner, minutes(30))).toMatchObject({ ok: true, value: { change: null, instruction: { action: 'wait', level: 1 } } });
  });
});

describe('partner callbacks', () => {
  const event = (type: PartnerEventType) => ({ type, occurredAt: t0.toISOString(), webhookId: 'msg_1', message: 'note', partnerTicketId: 'NA-1' });
  const inStatus = (status: CaseStatus): Case => apply(awaiting(), { status, resumeStatus: status === 'awaiting_customer' ? 'partner_engaged' : null });

  /** What each callback does in each status: the statuses it passes through, or null when refused (409). */
  const EXPECTED: Record<PartnerEventType, Partial<Record<CaseStatus, CaseStatus[]>>> = {
    'collaboration.acknowledged': { awaiting_partner: ['partner_engaged'] },
    'collaboration.info_requested': { awaiting_partner: ['partner_engaged', 'awaiting_customer'], partner_engaged: ['awaiting_customer'] },
    'collaboration.updated': { partner_engaged: [], awaiting_customer: [] },
    'collaboration.resolved': { partner_engaged: ['resolved'] },
    'collaboration.declined': { awaiting_partner: ['in_progress'], partner_engaged: ['in_progress'] },
  };
  const statuses: CaseStatus[] = ['awaiting_partner', 'partner_engaged', 'awaiting_customer', 'in_progress', 'resolved', 'closed'];
  const table = PARTNER_EVENT_TYPES.flatMap((type) => statuses.map((status) => [type, status, EXPECTED[type][status] ?? null] as const));

  it.each(table)('%s on a %s case → %j', (type, status, path) => {
    const result = applyPartnerEvent(inStatus(status), 'netapp', event(type), minutes(5));
    if (path === null) {
      expect(result.ok ? 'applied' : result.error).toMatchObject({ code: 'invalid_transition', details: { status } });
      return;
    }
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.moves.map((m) => m.to)).toEqual(path);
    expect(result.value.change.patch).not.toHaveProperty('version');
    expect(result.value.change.patch.escalation).toMatchObject({ partnerTicketId: 'NA-1', lastPartnerUpdateAt: minutes(5).toISOString() });
    expect(result.value.resumesWorkflow).toBe(status === 'awaiting_partner');
    expect(result.value.change.events.every((e) => e.actor.kind === 'partner')).toBe(true);
  });

  it('a decline puts the partner’s reason on the timeline', () => {
    const result = applyPartnerEvent(awaiting(), 'netapp', { ...event('collaboration.declined'), message: 'Unsupported build' }, minutes(5));
    expect(result.ok && result.value.change.events[0]?.data).toMatchObject({ to: 'in_progress', reason: 'partner_declined', message: 'Unsupported build' });
    expect(result.ok && result.value.change.patch.escalation?.outcome).toBe('declined');
  });

  it('refuses a case that was never escalated', () => {
    const result = applyPartnerEvent(triaged(), 'netapp', event('collaboration.acknowledged'), t0);
    expect(result.ok ? null : result.error.code).toBe('unknown_case');
  });
});

describe('the outbound webhook body', () => {
  it('carries DESIGN.md’s fields, and says escalated past level 0', () => {
    const c = awaiting();
    expect(partnerWebhookBody(c, 'case-1', 'Initech', 'http://tandem/partners/netapp/callbacks')).toEqual({
      type: 'collaboration.requested', caseRef: 'case-1', level: 0, priority: 'P1', summary: 'Volumes read-only', product: 'Cloud Volumes ONTAP',
      customer: { org: 'Initech', contactName: 'Ada' }, respondBy: '2026-11-23T10:30:00.000Z', callbackUrl: 'http://tandem/partners/netapp/callbacks',
    });
    const escalated: Escalation = { ...c.escalation!, level: 2 };
    const body = partnerWebhookBody({ ...c, escalation: escalated }, 'case-1', 'Initech', 'u', partner.escalationLadder);
    expect(body).toMatchObject({ type: 'collaboration.escalated', level: 2, escalationContact: partner.escalationLadder[1] });
  });
});

describe("an engineer's escalation request (case-actions.ts escalate_to_partner)", () => {
  const requested = (): Case =>
    aCaseIn('in_progress', {
      partnerId: 'netapp',
      escalation: null,
      escalationRequest: { partnerId: 'netapp', requestedAt: t0.toISOString(), requestedBy: { kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' } },
    });

  it('is claimed like a triaged collaborative case, without a second escalation_requested event (the engineer’s is on the timeline)', () => {
    const change = claimEscalation(requested(), 'claim-1', t0);
    expect(change?.patch.escalation).toMatchObject({ claimId: 'claim-1', executionId: null });
    expect(change?.events).toEqual([]);
    expect(claimEscalation(aCaseIn('in_progress', { partnerId: 'netapp' }), 'claim-1', t0)).toBeNull();
  });

  it('moves the case to awaiting_partner when the workflow begins, and the request is done', () => {
    const claimed: Case = { ...requested(), ...claimEscalation(requested(), 'claim-1', t0)!.patch };
    const begun = beginAwaitingPartner(claimed, { claimId: 'claim-1', executionId: 'exec-1', callbackUrl: 'http://runner/cb' }, partner, t0);
    if (!begun.ok) throw new Error(begun.error.message);
    expect(begun.value.moves).toEqual([{ from: 'in_progress', to: 'awaiting_partner' }]);
    expect(begun.value.change?.patch).toMatchObject({ status: 'awaiting_partner', escalationRequest: null, escalation: { executionId: 'exec-1' } });
  });
});
