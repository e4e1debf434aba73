import { describe, expect, it } from 'vitest';
import { openCase } from '../../functions/src/domain/case-intake.js';
import type { CaseChange, CaseDraft } from '../../functions/src/domain/case-change.js';
import { CASE_STATUSES, type Case, type CaseStatus } from '../../functions/src/domain/case-model.js';
import { changeStatus, FIRST_RESPONSE_STATUSES } from '../../functions/src/domain/case-state-machine.js';
import { applyPartnerEvent, beginAwaitingPartner, claimEscalation } from '../../functions/src/domain/partner-escalation.js';
import { DEFAULT_FIRST_RESPONSE_MINUTES } from '../../functions/src/domain/sla-policy.js';
import { classifyStep, prioritizeStep, queueFor, routeStep } from '../../functions/src/domain/triage-steps.js';
import {
  aCase, aCaseIn, aClaimedEscalation, anAcknowledgedEscalation, anEscalation, anEvent, anOrg, anSla, aPartner, aSeedEvent, T0,
} from '../builders.js';

const at = new Date(T0);
const engineer = { kind: 'engineer', id: 'eng-1' } as const;
/** A change committed the way the store commits it: the patch, and the next version (the schedule is left out below). */
const apply = (c: Case, change: CaseChange | null | undefined): Case => ({ ...c, ...change?.patch, version: c.version + 1, updatedAt: T0 });
/** The new case as the store creates it: version 1. */
const created = (draft: CaseDraft): Case => ({ ...draft, version: 1, updatedAt: draft.createdAt, nextActionAt: null, partnerAccess: null, outbox: {} });
/** `nextActionAt` is the store's to set; the builders leave it out of what they agree on. */
const withoutSchedule = ({ nextActionAt: _n, ...rest }: Case) => rest;

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: { message: string } }): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** A case walked through the domain from intake, every step at T0, with the builders' own triage decision. */
function walkedTo(status: CaseStatus): Case {
  const approach = status === 'referred_to_vendor' ? 'third_party_vendor' : ['triaged', 'awaiting_partner', 'partner_engaged'].includes(status) ? 'collaborative' : 'workload';
  const story = status === 'received' ? aCaseIn('received') : aCaseIn('in_progress', { approach });
  const opened = created(unwrap(
    openCase(
      { orgId: story.orgId, contact: story.contact, subject: story.subject, description: story.description, product: story.product, vendor: story.vendor, priority: story.priority, environment: story.environment },
      anOrg(),
      at,
      { kind: 'customer', id: story.contact.email },
    ),
  ).case);
  if (status === 'received') return opened;
  const classified = apply(opened, classifyStep(opened, { approach, triage: story.triage!, partnerId: story.partnerId }, at));
  const prioritized = apply(classified, unwrap(prioritizeStep(classified, DEFAULT_FIRST_RESPONSE_MINUTES, at)).change);
  const routed = apply(prioritized, unwrap(routeStep(prioritized, queueFor(prioritized, story.queue), at)).change);
  const move = (c: Case, to: CaseStatus) => {
    const moved = unwrap(changeStatus(c, to, { at, actor: engineer, reason: 'test' }));
    return apply(c, { patch: moved.patch, events: [moved.event] });
  };
  switch (status) {
    case 'triaged':
    case 'in_progress':
      return routed;
    case 'awaiting_partner':
    case 'partner_engaged': {
      const claimed = apply(routed, claimEscalation(routed, 'claim-1', at));
      const begun = unwrap(beginAwaitingPartner(claimed, { claimId: 'claim-1', executionId: 'exec-1', callbackUrl: 'http://runner.test/cb' }, { ackTargetsMinutes: {} }, at));
      const waiting = apply(claimed, begun.change);
      // The builders' escalation has no callback URL (a callback is then not forwarded).
      const awaiting = { ...waiting, escalation: { ...waiting.escalation!, callbackUrl: null } };
      if (status === 'awaiting_partner') return awaiting;
      const acked = unwrap(applyPartnerEvent(awaiting, 'netapp', { type: 'collaboration.acknowledged', occurredAt: T0, webhookId: 'msg-1', partnerTicketId: 'NETAPP-1' }, at));
      return apply(awaiting, acked.change);
    }
    case 'awaiting_customer':
    case 'resolved':
    case 'referred_to_vendor':
      return move(routed, status);
    case 'closed':
      return move(move(routed, 'resolved'), 'closed');
  }
}

describe('aCaseIn builds the case the domain would have made', () => {
  it.each(CASE_STATUSES)('%s: the same as a case walked there from intake', (status) => {
    expect(withoutSchedule(aCaseIn(status))).toEqual(withoutSchedule(walkedTo(status)));
  });

  it.each(CASE_STATUSES)('%s: the first-response clock has stopped exactly when the customer has heard from someone', (status) => {
    const c = aCaseIn(status);
    if (status === 'received') return expect(c.sla).toBeNull();
    const responded = FIRST_RESPONSE_STATUSES.includes(status) || status === 'closed';
    expect(c.sla?.firstRespondedAt ?? null).toBe(responded ? c.statusChangedAt : null);
  });

  it('an awaiting_partner case has its execution and the acknowledgement deadline for its priority', () => {
    expect(aCaseIn('awaiting_partner').escalation).toMatchObject({ executionId: 'exec-1', ackDueAt: '2026-11-23T11:00:00.000Z', outcome: null });
    expect(aCaseIn('awaiting_partner', { priority: 'P1' }).escalation?.ackDueAt).toBe('2026-11-23T10:00:00.000Z');
  });

  it('plan, priority and createdAt move the SLA clock with them', () => {
    expect(aCaseIn('in_progress', { plan: 'enhanced', priority: 'P1', createdAt: '2026-11-23T12:00:00.000Z' })).toMatchObject({
      requestedPriority: 'P1',
      statusChangedAt: '2026-11-23T12:00:00.000Z',
      sla: { targetMinutes: 60, firstResponseDueAt: '2026-11-23T13:00:00.000Z' },
    });
  });

  it('aCase replaces only what it is given: another status keeps the in_progress fields', () => {
    const odd = aCase({ status: 'awaiting_partner', sla: null });
    expect(odd).toMatchObject({ status: 'awaiting_partner', approach: 'workload', escalation: null, sla: null, version: aCaseIn('in_progress').version });
  });
});

describe('every builder refuses to build an invalid record, naming itself', () => {
  it.each([
    ['aCase', () => aCase({ version: 0 })],
    ['aCaseIn', () => aCaseIn('triaged', { priority: 'P9' as never })],
    ['anSla', () => anSla({ targetMinutes: -1 })],
    ['aClaimedEscalation', () => aClaimedEscalation({ claimedAt: 'yesterday' })],
    ['anEscalation', () => anEscalation({ level: -1 })],
    ['anAcknowledgedEscalation', () => anAcknowledgedEscalation({ outcome: 'maybe' as never })],
    ['aPartner', () => aPartner({ webhookUrl: 'not a url' })],
    ['anOrg', () => anOrg({ supportPlan: 'gold' as never })],
    ['anEvent', () => anEvent({ actor: { kind: 'robot' as never, id: 'r' } })],
  ])('%s', (builder, build) => {
    expect(build).toThrow(`${builder}() built an invalid record`);
  });

  it('and builds valid ones by default', () => {
    for (const build of [aCase, anSla, aClaimedEscalation, anEscalation, anAcknowledgedEscalation, aPartner, anOrg, anEvent, aSeedEvent]) expect(build).not.toThrow();
  });
});
