import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/src/config.js';
import type { Case } from '../../functions/src/domain/case-model.js';
import {
  decideFollowups, DEFAULT_FOLLOWUP_PERIODS, dueFollowups, nextActionAt, partnerNudge, type FollowupKind,
} from '../../functions/src/domain/followup-policy.js';
import { describeMinutes } from '../../functions/src/domain/customer-messages.js';
import { aCase, aCaseIn, aClaimedEscalation, anAcknowledgedEscalation, anEscalation, anSla, T0 } from '../builders.js';

const t0 = new Date(T0);
const plus = (minutes: number, from = t0) => new Date(from.getTime() + minutes * 60_000);
const iso = (minutes: number, from = t0) => plus(minutes, from).toISOString();
const DAY = 24 * 60;
const P = DEFAULT_FOLLOWUP_PERIODS;

/**
 * Cases raised at t0, premium P2: 120 minutes to the first response. aCaseIn gives a case whose
 * fields agree with its status; aCase({ status, … }) keeps the in_progress fields (version 5, a
 * running clock, no escalation) where a row or decision depends on them.
 */
const responded = anSla({ firstRespondedAt: t0.toISOString() });

interface Row {
  name: string;
  case: Case;
  /** When the sweep should next look (nextActionAt). */
  next: string | null;
  /** What is due at given minutes after t0. */
  due: [minutes: number, kinds: FollowupKind[]][];
}

const ROWS: Row[] = [
  {
    name: 'in_progress, no response yet: the warning at 75 %, the breach at 100 % of the target',
    case: aCase(),
    next: iso(90),
    due: [[89, []], [90, ['sla_warning']], [119, ['sla_warning']], [120, ['sla_breached']], [5 * DAY, ['sla_breached']]],
  },
  { name: 'warned: the breach is next', case: aCase({ sla: anSla({ warned: true }) }), next: iso(120), due: [[90, []], [120, ['sla_breached']]] },
  { name: 'breached: nothing left on the first-response clock', case: aCase({ sla: anSla({ warned: true, breached: true }) }), next: null, due: [[7 * DAY, []]] },
  { name: 'responded: the first-response clock has stopped', case: aCase({ sla: responded }), next: null, due: [[7 * DAY, []]] },
  {
    name: 'a resumed clock counts from its moved due time',
    case: aCase({ sla: anSla({ firstResponseDueAt: iso(2 * DAY + 120), pausedMinutes: 2 * DAY }) }),
    next: iso(2 * DAY + 90),
    due: [[120, []], [2 * DAY + 90, ['sla_warning']]],
  },
  {
    name: 'awaiting_customer with the clock paused before any response: no warning or breach while paused',
    case: aCaseIn('awaiting_customer', { sla: anSla({ pausedSince: iso(30) }), statusChangedAt: iso(30) }),
    next: iso(30 + 3 * DAY),
    due: [[120, []], [30 + 3 * DAY - 1, []], [30 + 3 * DAY, ['customer_reminded']], [30 + 7 * DAY, ['auto_close']]],
  },
  {
    name: 'awaiting_customer, reminded in this wait: the closure is next',
    case: aCaseIn('awaiting_customer', { customerRemindedAt: iso(3 * DAY) }),
    next: iso(7 * DAY),
    due: [[3 * DAY, []], [7 * DAY, ['auto_close']]],
  },
  {
    name: 'awaiting_customer, reminded in an earlier wait: this wait gets its own reminder',
    case: aCaseIn('awaiting_customer', { customerRemindedAt: iso(-DAY) }),
    next: iso(3 * DAY),
    due: [[3 * DAY, ['customer_reminded']]],
  },
  { name: 'resolved: closed after 3 days', case: aCaseIn('resolved'), next: iso(3 * DAY), due: [[3 * DAY - 1, []], [3 * DAY, ['auto_close']]] },
  { name: 'referred_to_vendor: closed after 3 days', case: aCaseIn('referred_to_vendor'), next: iso(3 * DAY), due: [[3 * DAY, ['auto_close']]] },
  {
    name: 'partner_engaged: a nudge after a quiet day',
    case: aCaseIn('partner_engaged'),
    next: iso(DAY),
    due: [[DAY - 1, []], [DAY, ['partner_nudged']]],
  },
  {
    name: 'partner_engaged: quiet counts from the latest of the partner update and the last nudge',
    case: aCaseIn('partner_engaged', { escalation: anAcknowledgedEscalation({ lastPartnerUpdateAt: iso(600), lastNudgedAt: iso(300) }) }),
    next: iso(600 + DAY),
    due: [[DAY, []], [600 + DAY, ['partner_nudged']]],
  },
  {
    name: 'partner_engaged again after the customer replied: quiet counts from the re-engagement',
    // Acknowledged at t0, engaged again two days later.
    case: aCaseIn('partner_engaged', { escalation: anAcknowledgedEscalation(), statusChangedAt: iso(2 * DAY) }),
    next: iso(3 * DAY),
    due: [[DAY, []], [3 * DAY, ['partner_nudged']]],
  },
  {
    name: 'received, never classified: case-received re-published after the step timeout',
    case: aCaseIn('received'),
    next: iso(2),
    due: [[1, []], [2, ['redrive']]],
  },
  {
    name: 'received and classified, never prioritized: case-classified re-published',
    case: aCase({ status: 'received', sla: null, queue: null, updatedAt: iso(0.1) }),
    next: iso(2.1),
    due: [[2.1, ['redrive']]],
  },
  {
    name: 'received and prioritized, never routed: case-prioritized re-published, and the SLA clock runs',
    case: aCase({ status: 'received', queue: null }),
    next: iso(2),
    due: [[2, ['redrive']], [90, ['sla_warning', 'redrive']]],
  },
  {
    name: 'stuck for a while: the re-drive interval doubles with the time stuck',
    case: aCaseIn('received', { updatedAt: iso(8) }),
    next: iso(16),
    due: [[15, []], [16, ['redrive']]],
  },
  {
    name: 'stuck for hours: re-driven at most every hour',
    case: aCaseIn('received', { updatedAt: iso(300) }),
    next: iso(360),
    due: [[359, []], [360, ['redrive']]],
  },
  {
    name: 'triaged collaborative, no escalation yet: escalation-requested re-published',
    case: aCaseIn('triaged', { sla: responded }),
    next: iso(2),
    due: [[2, ['redrive']]],
  },
  {
    name: 'triaged collaborative, a claim that never started an execution: re-requested once its lease has passed',
    case: aCaseIn('triaged', { sla: responded, escalation: aClaimedEscalation({ claimedAt: iso(1) }), updatedAt: iso(1) }),
    next: iso(3),
    due: [[2, []], [3, ['redrive']]],
  },
  {
    name: 'triaged collaborative with an execution: the workflow is on it',
    case: aCaseIn('triaged', { sla: responded, escalation: anEscalation({ executionId: 'exec-1' }) }),
    next: null,
    due: [[DAY, []]],
  },
  {
    name: 'awaiting_partner: the first-response clock; the workflow owns the window, the sweep takes back a case 30 minutes past it',
    case: aCaseIn('awaiting_partner', { sla: responded, escalation: anEscalation({ ackDueAt: iso(60) }) }),
    next: iso(90),
    due: [[60, []], [89, []], [90, ['escalation_lost']]],
  },
  { name: 'closed: nothing, ever', case: aCaseIn('closed'), next: null, due: [[0, []], [30 * DAY, []]] },
];

describe('follow-up policy: what is due, and when the sweep should look next', () => {
  it.each(ROWS)('$name', ({ case: c, next, due }) => {
    expect(nextActionAt(c, P)).toBe(next);
    for (const [minutes, kinds] of due) expect([minutes, dueFollowups(c, plus(minutes), P).map((f) => f.kind)]).toEqual([minutes, kinds]);
  });

  it('nothing is due before nextActionAt, for every row', () => {
    for (const { case: c, next } of ROWS) {
      if (next) expect(dueFollowups(c, new Date(Date.parse(next) - 1), P)).toEqual([]);
      if (next) expect(dueFollowups(c, new Date(next), P)).not.toEqual([]);
    }
  });

  it('uses the periods it is given', () => {
    const periods = { ...P, resolvedCloseMinutes: 60 };
    expect(nextActionAt(aCaseIn('resolved'), periods)).toBe(iso(60));
  });
});

/**
 * The case as the store writes it after a decision at `at`: the patch, the next version, `updatedAt`,
 * and `nextActionAt` derived from the result (the store is the only writer of those three).
 */
const applied = (c: Case, decision: ReturnType<typeof decideFollowups>, at = t0): Case => {
  const written = { ...c, ...decision!.change.patch, version: c.version + 1, updatedAt: at.toISOString() };
  return { ...written, nextActionAt: nextActionAt(written, P) };
};

describe('follow-up decisions', () => {
  it('the SLA warning: flag, internal event, a case-updated notice, and the breach next', () => {
    const d = decideFollowups(aCase(), plus(90), P)!;
    expect(d.applied).toEqual(['sla_warning']);
    expect(d.notices).toEqual(['sla_warning']);
    expect(d.change.patch).toMatchObject({ sla: { warned: true, breached: false } });
    expect(applied(aCase(), d, plus(90))).toMatchObject({ version: aCase().version + 1, updatedAt: iso(90), nextActionAt: iso(120) });
    expect(d.change.events).toEqual([expect.objectContaining({ type: 'sla_warning', at: iso(90), internal: true, actor: { kind: 'system', id: 'tandem' } })]);
  });

  it('the breach escalates internally and leaves nothing on the clock', () => {
    const warned = applied(aCase(), decideFollowups(aCase(), plus(90), P), plus(90));
    const d = decideFollowups(warned, plus(120), P)!;
    expect(d.applied).toEqual(['sla_breached']);
    expect(d.notices).toEqual(['sla_breached']);
    expect(d.change.patch).toMatchObject({ sla: { warned: true, breached: true } });
    expect(applied(warned, d, plus(120)).nextActionAt).toBeNull();
    expect(d.change.events).toEqual([expect.objectContaining({ type: 'sla_breached', internal: true, data: expect.objectContaining({ escalatedTo: 'duty_manager' }) })]);
  });

  it('a tick that comes after the breach time sends the breach alone, flagging the warning too', () => {
    const d = decideFollowups(aCase(), plus(200), P)!;
    expect(d.applied).toEqual(['sla_breached']);
    expect(d.change.patch.sla).toMatchObject({ warned: true, breached: true });
  });

  it('an applied follow-up is not due again: a second decision at the same moment does nothing', () => {
    const cases = [
      aCase(),
      aCaseIn('awaiting_customer'),
      aCaseIn('partner_engaged'),
      aCaseIn('received'),
    ];
    const moments = [90, 3 * DAY, DAY, 2];
    cases.forEach((c, i) => {
      const at = plus(moments[i]!);
      const nudge = { webhookId: 'w', status: 200, retryable: false };
      const once = applied(c, decideFollowups(c, at, P, { nudge }), at);
      expect(decideFollowups(once, at, P, { nudge })).toBeNull();
    });
  });

  it('the customer reminder: a public event naming the closing date, then the closure is next', () => {
    const waiting = aCaseIn('awaiting_customer');
    const d = decideFollowups(waiting, plus(3 * DAY), P)!;
    expect(d.applied).toEqual(['customer_reminded']);
    expect(d.notices).toEqual(['customer_reminded']);
    expect(d.change.patch).toMatchObject({ customerRemindedAt: iso(3 * DAY) });
    expect(applied(waiting, d, plus(3 * DAY)).nextActionAt).toBe(iso(7 * DAY));
    expect(d.change.events[0]).toMatchObject({ type: 'customer_reminded', internal: false, data: { closesAt: iso(7 * DAY) } });
    expect(String(d.change.events[0]?.data.message)).toContain('2026-11-30');
  });

  it.each([
    ['awaiting_customer', 7 * DAY, 'no_customer_reply', 'We have not heard back from you for 7 days'],
    ['resolved', 3 * DAY, 'closed_after_resolution', 'resolved 3 days ago'],
    ['referred_to_vendor', 3 * DAY, 'closed_after_referral', 'referred to the product\'s vendor 3 days ago'],
  ] as const)('%s closes through the state machine and tells the customer', (status, minutes, reason, message) => {
    const before = aCase({ status, resumeStatus: status === 'awaiting_customer' ? 'in_progress' : null, sla: responded });
    const d = decideFollowups(before, plus(minutes), P)!;
    expect(d.applied).toEqual(['auto_close']);
    expect(d.moves).toEqual([{ from: status, to: 'closed' }]);
    expect(d.change.patch).toMatchObject({ status: 'closed', statusChangedAt: iso(minutes) });
    expect(applied(before, d, plus(minutes))).toMatchObject({ version: before.version + 1, nextActionAt: null });
    expect(d.change.events.map((e) => [e.type, e.internal])).toEqual([['status_changed', false]]);
    expect(d.change.events[0]?.data).toMatchObject({ from: status, to: 'closed', reason });
    expect(String(d.change.events[0]?.data.message)).toContain(message);
  });

  it('a closure that is due makes a reminder due at the same time unnecessary', () => {
    const d = decideFollowups(aCaseIn('awaiting_customer'), plus(8 * DAY), P)!;
    expect(d.applied).toEqual(['auto_close']);
  });

  describe('the partner nudge', () => {
    // With the fields the webhook body below is expected to carry.
    const engaged = aCaseIn('partner_engaged', { priority: 'P2', subject: 'Volumes read-only', product: 'Cloud Volumes ONTAP', contact: { name: 'Ada', email: 'ada@example.com' } });

    it('delivered: recorded with its webhook ID, and the next one a quiet day later', () => {
      const d = decideFollowups(engaged, plus(DAY), P, { nudge: { webhookId: 'w-1', status: 204, retryable: false } })!;
      expect(d.applied).toEqual(['partner_nudged']);
      expect(d.change.patch).toMatchObject({ escalation: { lastNudgedAt: iso(DAY) } });
      expect(applied(engaged, d, plus(DAY)).nextActionAt).toBe(iso(2 * DAY));
      expect(d.change.events[0]).toMatchObject({ type: 'partner_nudged', internal: true, data: { webhookId: 'w-1', status: 204, quietSince: t0.toISOString() } });
    });

    it('refused for good (a 4xx): recorded as refused, and not retried before the next quiet day', () => {
      const d = decideFollowups(engaged, plus(DAY), P, { nudge: { webhookId: 'w-1', status: 410, retryable: false } })!;
      expect(d.change.events[0]).toMatchObject({ type: 'partner_nudge_refused', data: { status: 410 } });
      expect(applied(engaged, d, plus(DAY)).nextActionAt).toBe(iso(2 * DAY));
    });

    it.each([[0], [429], [503]])('not answered (%i): nothing recorded, so the next tick tries again', (status) => {
      expect(decideFollowups({ ...engaged, nextActionAt: iso(DAY) }, plus(DAY), P, { nudge: { webhookId: 'w-1', status, retryable: true } })).toBeNull();
    });

    it('not sent at all (it became due between the query and the transaction): left for the next tick', () => {
      expect(decideFollowups({ ...engaged, nextActionAt: iso(DAY) }, plus(DAY), P)).toBeNull();
    });

    it('the webhook: type collaboration.reminder, the same ID for every attempt at one nudge', () => {
      const a = partnerNudge(engaged, 'case-1', 'Globex', 'http://tandem.test/partners/netapp/callbacks', plus(DAY), P)!;
      const b = partnerNudge(engaged, 'case-1', 'Globex', 'http://tandem.test/partners/netapp/callbacks', plus(DAY + 5), P)!;
      expect(a.webhookId).toBe(b.webhookId);
      expect(a.webhookId).toBe('case-1.reminder-20261124T090000000Z');
      expect(a.body).toMatchObject({
        type: 'collaboration.reminder', caseRef: 'case-1', level: 0, priority: 'P2', summary: 'Volumes read-only', product: 'Cloud Volumes ONTAP',
        customer: { org: 'Globex', contactName: 'Ada' }, quietSince: t0.toISOString(), respondBy: iso(2 * DAY), callbackUrl: 'http://tandem.test/partners/netapp/callbacks',
      });
      expect(partnerNudge(aCase(), 'case-2', 'Globex', 'u', t0, P)).toBeNull();
    });
  });

  it('a stuck step: an internal event, the topic to re-publish, and the next re-drive twice as far', () => {
    const stuck = aCaseIn('received');
    const first = decideFollowups(stuck, plus(2), P)!;
    expect(first.redrive).toBe('case-received');
    expect(first.change.events[0]).toMatchObject({ type: 'step_redriven', internal: true, data: { topic: 'case-received' } });
    const once = applied(stuck, first, plus(2));
    expect(once).toMatchObject({ updatedAt: iso(2), nextActionAt: iso(4) });
    const second = decideFollowups(once, plus(4), P)!;
    expect(applied(once, second, plus(4)).nextActionAt).toBe(iso(8));
  });

  it('an escalation whose workflow died is taken back: in_progress, the customer told, one case-updated move', () => {
    // Responded to already, so that the SLA clock adds nothing once the case is back in_progress.
    const lost = aCaseIn('awaiting_partner', { sla: responded, escalation: anEscalation({ ackDueAt: iso(60) }) });
    const d = decideFollowups(lost, plus(90), P)!;
    expect(d.applied).toEqual(['escalation_lost']);
    expect(d.moves).toEqual([{ from: 'awaiting_partner', to: 'in_progress' }]);
    expect(d.change.patch).toMatchObject({ status: 'in_progress', escalation: { outcome: 'ladder_exhausted', ackDueAt: null } });
    expect(d.change.events[0]).toMatchObject({ type: 'status_changed', internal: false, data: { reason: 'escalation_lost' } });
    expect(decideFollowups(applied(lost, d, plus(90)), plus(91), P)?.applied ?? []).toEqual([]);
  });

  it('nothing due but nextActionAt out of date (written before the schedule existed): an empty change, on which the store corrects nextActionAt', () => {
    const stale = aCase({ status: 'awaiting_partner', sla: responded, nextActionAt: iso(60) });
    const d = decideFollowups(stale, plus(60), P)!;
    expect(d.applied).toEqual([]);
    expect(d.change.events).toEqual([]);
    expect(d.change.patch).toEqual({});
    expect(applied(stale, d, plus(60))).toMatchObject({ nextActionAt: null, version: stale.version + 1 });
  });
});

describe('periods', () => {
  it.each([
    [1440, '1 day'], [4320, '3 days'], [60, '1 hour'], [120, '2 hours'], [90, '90 minutes'],
  ])('%i minutes read as %s', (minutes, text) => expect(describeMinutes(minutes)).toBe(text));

  it('default to DESIGN.md: reminder after 3 days, closure after 7, resolved and referred closed after 3, nudge after 24 hours', () => {
    expect(loadConfig({}).followupPeriods).toEqual({
      customerReminderMinutes: 3 * DAY, customerCloseMinutes: 7 * DAY, resolvedCloseMinutes: 3 * DAY, referredCloseMinutes: 3 * DAY,
      partnerNudgeMinutes: DAY, stepTimeoutMinutes: 2, redriveMaxIntervalMinutes: 60,
    });
  });

  it('TANDEM_FOLLOWUP_PERIODS overrides the periods it names and keeps the others', () => {
    const config = loadConfig({ TANDEM_FOLLOWUP_PERIODS: '{"customerReminderMinutes": 2880, "resolvedCloseMinutes": 60}' });
    expect(config.followupPeriods).toMatchObject({ customerReminderMinutes: 2880, resolvedCloseMinutes: 60, customerCloseMinutes: 7 * DAY });
  });

  it.each([
    ['not JSON', 'nope', /not valid JSON/],
    ['an unknown period', '{"reminderDays": 3}', /reminderDays/],
    ['a negative period', '{"partnerNudgeMinutes": -5}', /partnerNudgeMinutes/],
    ['a reminder after the closure', '{"customerReminderMinutes": 20000}', /reminder must come before the closure/],
  ])('refuses %s at cold start', (_name, value, message) => {
    expect(() => loadConfig({ TANDEM_FOLLOWUP_PERIODS: value })).toThrow(ConfigError);
    expect(() => loadConfig({ TANDEM_FOLLOWUP_PERIODS: value })).toThrow(message);
  });
});

describe("an engineer's escalation request whose escalation-requested was lost (a crash between the commit and the publish)", () => {
  const requested = (at: string, overrides: Partial<Case> = {}) =>
    aCaseIn('in_progress', {
      sla: anSla({ firstRespondedAt: T0 }),
      partnerId: 'netapp',
      escalationRequest: { partnerId: 'netapp', requestedAt: at, requestedBy: { kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' } },
      statusChangedAt: iso(-DAY),
      updatedAt: at,
      ...overrides,
    });

  it('is re-driven after the step timeout, counted from the request, not from when the case came to rest', () => {
    const c = requested(iso(0));
    expect(nextActionAt(c, P)).toBe(iso(P.stepTimeoutMinutes));
    const d = decideFollowups(c, plus(P.stepTimeoutMinutes), P)!;
    expect(d.redrive).toBe('escalation-requested');
    expect(d.change.events[0]).toMatchObject({ type: 'step_redriven', data: { topic: 'escalation-requested', status: 'in_progress' } });
  });

  it('waits for a claim whose lease still runs, and leaves an execution that recorded itself to the workflow', () => {
    const claimed = requested(iso(0), { escalation: aClaimedEscalation({ claimedAt: iso(0) }) });
    expect(decideFollowups(claimed, plus(1), P)?.redrive ?? null).toBeNull();
    const running = requested(iso(0), { escalation: anEscalation() });
    expect(nextActionAt(running, P)).toBeNull();
  });
});
