import { describe, expect, it } from 'vitest';
import { CaseActionRequest, decideAction, type ActionContext } from '../../functions/src/domain/case-actions.js';
import { applyPatch, type CaseChange } from '../../functions/src/domain/case-change.js';
import type { Caller, Role } from '../../functions/src/domain/caller.js';
import { openCase, parseSubmission } from '../../functions/src/domain/case-intake.js';
import { TIMELINE_EVENT_TYPES, type Case, type TimelineEvent, type TimelineEventType } from '../../functions/src/domain/case-model.js';
import { decideFollowups, DEFAULT_FOLLOWUP_PERIODS } from '../../functions/src/domain/followup-policy.js';
import { COVERS, describeNotificationPolicy, NOTIFICATION_POLICY, noticesFor } from '../../functions/src/domain/notification-policy.js';
import { NOTICE_AUDIENCE, NOTICE_KINDS, noticeKindsFor, type Audience, type CaseUpdate, type NoticeKind } from '../../functions/src/domain/notices.js';
import {
  ackWindowPassed, applyPartnerEvent, beginAwaitingPartner, claimEscalation, recordNotification, type PartnerEventType,
} from '../../functions/src/domain/partner-escalation.js';
import { DEFAULT_FIRST_RESPONSE_MINUTES } from '../../functions/src/domain/sla-policy.js';
import { classifyCase } from '../../functions/src/domain/triage-classification.js';
import { classifyStep, prioritizeStep, routeStep } from '../../functions/src/domain/triage-steps.js';
import { aCase, aCaseIn, anEvent, anOrg, aPartner, aSubmission, minutesAfter, T0 } from '../builders.js';
import { netappCase } from '../case-actions-table.js';
import { callerOf, PEOPLE } from '../tokens.js';

/**
 * noticesFor (domain/notification-policy.ts) against the notification table of the contract. Every
 * commit below is made by the domain's own decisions (intake, triage, actions, partner callbacks, the
 * escalation steps, the follow-ups), so a decision that changes how it records a moment (a reason,
 * an actor, `internal`) fails here instead of silently telling nobody.
 */

const AT = new Date(minutesAfter(60));
const DAY = 24 * 60;

const ADA = callerOf(PEOPLE.ada);
const GRACE = callerOf(PEOPLE.grace);
const NETAPP = callerOf(PEOPLE.netapp);

const ctxFor = (caller: Caller & { role: Role }): ActionContext => ({
  caller,
  at: AT,
  firstResponseMinutes: DEFAULT_FIRST_RESPONSE_MINUTES,
  partnerExists: (id) => id === 'netapp',
  actionId: 'action-1',
});

/** One commit: the case as it left it, and the events it appended. */
interface Commit {
  current: Case;
  events: TimelineEvent[];
}

const committed = (before: Case, change: CaseChange | null | undefined): Commit => {
  if (!change) throw new Error('expected a change');
  return { current: { ...applyPatch(before, change.patch), version: before.version + 1 }, events: change.events };
};

function act(before: Case, body: Record<string, unknown>, caller: Caller & { role: Role }): Commit {
  const decided = decideAction(before, CaseActionRequest.parse(body), ctxFor(caller));
  if (!decided.ok) throw new Error(`refused: ${JSON.stringify(decided.error)}`);
  return committed(before, decided.value.change);
}

function partnerSays(before: Case, type: PartnerEventType, message?: string): Commit {
  const decided = applyPartnerEvent(before, 'netapp', { type, message, occurredAt: AT.toISOString(), webhookId: 'wh-1' }, AT);
  if (!decided.ok) throw new Error(`refused: ${JSON.stringify(decided.error)}`);
  return committed(before, decided.value.change);
}

function followups(before: Case, minutes: number, options: Parameters<typeof decideFollowups>[3] = {}): Commit {
  const decided = decideFollowups(before, new Date(minutesAfter(minutes, before.statusChangedAt)), DEFAULT_FOLLOWUP_PERIODS, options);
  return committed(before, decided?.change);
}

function step<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The update `case-updated` carries for a commit: event IDs `v<version>-<n>`, as the store names them. */
const updateOf = ({ current, events }: Commit): CaseUpdate => ({
  caseId: 'case-1',
  version: current.version,
  events: events.map((e, n) => ({ ...e, id: `v${current.version}-${n}` })),
});

/** [index of the event in the commit, audience, kind]. */
type Expected = [event: number, audience: Audience, kind: NoticeKind];

interface Row {
  name: string;
  commit: () => Commit;
  /** The types the commit's events must be (so a row cannot pass by recording something else). */
  types: TimelineEventType[];
  notices: Expected[];
}

const netappPartner = aPartner();
const SUBMISSION = step(parseSubmission(aSubmission()));
const classification = classifyCase(SUBMISSION, [{ id: 'netapp', record: netappPartner }], []);
const received = aCaseIn('received', { subject: SUBMISSION.subject, product: SUBMISSION.product, vendor: SUBMISSION.vendor });
const classified = applyPatch(received, classifyStep(received, classification, AT)!.patch);
const prioritized = applyPatch(classified, step(prioritizeStep(classified, DEFAULT_FIRST_RESPONSE_MINUTES, AT)).change!.patch);
const claimed = (c: Case) => applyPatch(c, claimEscalation(c, 'claim-1', AT)!.patch);
const VENDOR = { vendorContact: { name: 'Acme Widgets support', url: 'https://support.acme.example' }, message: 'Acme supports WidgetDB directly.' };

const ROWS: Row[] = [
  // Intake and triage: the customer hears that the case arrived, nothing of the pipeline.
  {
    name: 'a case opened by the customer',
    commit: () => {
      const opened = step(openCase(SUBMISSION, anOrg(), new Date(T0), { kind: 'customer', id: 'u-ada', name: 'Ada Lovelace' }));
      return { current: { ...received, ...opened.case }, events: [opened.event] };
    },
    types: ['case_received'],
    notices: [[0, 'customer', 'case_received']],
  },
  { name: 'triage classifies', commit: () => committed(received, classifyStep(received, classification, AT)), types: ['case_classified'], notices: [] },
  { name: 'triage prioritizes', commit: () => committed(classified, step(prioritizeStep(classified, DEFAULT_FIRST_RESPONSE_MINUTES, AT)).change), types: ['case_prioritized'], notices: [] },
  { name: 'routing (received → triaged)', commit: () => committed(prioritized, step(routeStep(prioritized, 'partner-netapp', AT)).change), types: ['status_changed'], notices: [] },
  {
    name: 'routing a workload case (received → triaged → in_progress)',
    commit: () => {
      const workload = { ...prioritized, approach: 'workload' as const, partnerId: null };
      return committed(workload, step(routeStep(workload, 'workload-databases', AT)).change);
    },
    types: ['status_changed', 'status_changed'],
    notices: [],
  },
  // The escalation's own steps are internal.
  { name: 'the escalation is claimed', commit: () => committed(aCaseIn('triaged'), claimEscalation(aCaseIn('triaged'), 'claim-1', AT)), types: ['escalation_requested'], notices: [] },
  {
    name: 'the workflow begins (→ awaiting_partner)',
    commit: () => {
      const c = claimed(aCaseIn('triaged'));
      return committed(c, step(beginAwaitingPartner(c, { claimId: 'claim-1', executionId: 'exec-1', callbackUrl: 'https://runner/cb' }, netappPartner, AT)).change);
    },
    types: ['status_changed'],
    notices: [],
  },
  { name: 'the partner is notified', commit: () => committed(aCaseIn('awaiting_partner'), recordNotification(aCaseIn('awaiting_partner'), { level: 0, webhookId: 'wh-1', status: 200, delivered: true }, AT)), types: ['partner_notified'], notices: [] },
  { name: 'the partner refuses the webhook', commit: () => committed(aCaseIn('awaiting_partner'), recordNotification(aCaseIn('awaiting_partner'), { level: 0, webhookId: 'wh-1', status: 410, delivered: false }, AT)), types: ['partner_notification_refused'], notices: [] },
  { name: 'the ladder climbs a rung', commit: () => committed(aCaseIn('awaiting_partner'), step(ackWindowPassed(aCaseIn('awaiting_partner'), 0, netappPartner, AT)).change), types: ['escalation_level_raised'], notices: [] },
  {
    name: 'the ladder is exhausted: duty hears, and the customer gets the message written for them',
    commit: () => committed(aCaseIn('awaiting_partner'), step(ackWindowPassed(aCaseIn('awaiting_partner'), 0, aPartner({ escalationLadder: [] }), AT)).change),
    types: ['status_changed'],
    notices: [[0, 'customer', 'continuing_without_partner'], [0, 'duty', 'partner_unresponsive']],
  },
  // The partner's callbacks.
  { name: 'the partner acknowledges', commit: () => partnerSays(aCaseIn('awaiting_partner'), 'collaboration.acknowledged', 'On it.'), types: ['status_changed'], notices: [[0, 'customer', 'partner_engaged']] },
  {
    name: 'the partner asks the customer while acknowledging: one email, the question',
    commit: () => partnerSays(aCaseIn('awaiting_partner'), 'collaboration.info_requested', 'Which ONTAP version?'),
    types: ['status_changed', 'status_changed'],
    notices: [[1, 'customer', 'question_for_customer']],
  },
  { name: 'the engaged partner asks the customer', commit: () => partnerSays(netappCase('partner_engaged'), 'collaboration.info_requested', 'Which ONTAP version?'), types: ['status_changed'], notices: [[0, 'customer', 'question_for_customer']] },
  { name: 'the partner sends an update', commit: () => partnerSays(netappCase('partner_engaged'), 'collaboration.updated', 'Reproduced in our lab.'), types: ['partner_updated'], notices: [[0, 'engineer', 'partner_updated']] },
  { name: 'the partner resolves', commit: () => partnerSays(netappCase('partner_engaged'), 'collaboration.resolved', 'Patched in 9.14.1.'), types: ['status_changed'], notices: [[0, 'customer', 'resolved']] },
  { name: 'the partner declines while asked', commit: () => partnerSays(aCaseIn('awaiting_partner'), 'collaboration.declined', 'Not our product.'), types: ['status_changed'], notices: [[0, 'engineer', 'partner_declined']] },
  { name: 'the engaged partner declines', commit: () => partnerSays(netappCase('partner_engaged'), 'collaboration.declined', 'Out of our scope.'), types: ['status_changed'], notices: [[0, 'engineer', 'partner_declined']] },
  { name: 'the partner at its desk asks the customer', commit: () => act(netappCase('partner_engaged'), { action: 'request_info', message: 'Send the logs, please.' }, NETAPP), types: ['status_changed'], notices: [[0, 'customer', 'question_for_customer']] },
  // People's actions.
  { name: 'an engineer replies', commit: () => act(aCase(), { action: 'reply', message: 'Looking at it now.' }, GRACE), types: ['reply_posted'], notices: [[0, 'customer', 'public_reply']] },
  { name: 'the customer replies: the engineer hears, the customer is not told of their own reply', commit: () => act(aCase(), { action: 'reply', message: 'Any news?' }, ADA), types: ['reply_posted'], notices: [[0, 'engineer', 'customer_replied']] },
  {
    name: "the customer's answer moves awaiting_customer back",
    commit: () => act(aCaseIn('awaiting_customer'), { action: 'reply', message: 'wal_level=replica' }, ADA),
    types: ['status_changed'],
    notices: [[0, 'engineer', 'customer_replied']],
  },
  { name: 'an engineer writes a note', commit: () => act(aCase(), { action: 'add_note', message: 'Customer seems confused.' }, GRACE), types: ['note_added'], notices: [] },
  { name: 'an engineer takes the case', commit: () => act(aCase(), { action: 'assign' }, GRACE), types: ['case_assigned'], notices: [] },
  { name: 'an engineer changes the priority', commit: () => act(aCase(), { action: 'set_priority', priority: 'P3', message: 'Not production.' }, GRACE), types: ['priority_changed'], notices: [] },
  { name: 'an engineer asks the customer', commit: () => act(aCase(), { action: 'request_info', message: 'Which WAL settings?' }, GRACE), types: ['status_changed'], notices: [[0, 'customer', 'question_for_customer']] },
  { name: 'an engineer resolves', commit: () => act(aCase(), { action: 'resolve', message: 'Raise max_wal_size.' }, GRACE), types: ['status_changed'], notices: [[0, 'customer', 'resolved']] },
  {
    name: 'an engineer refers to the vendor',
    commit: () => act(aCaseIn('in_progress', { approach: 'third_party_vendor' }), { action: 'refer_to_vendor', ...VENDOR }, GRACE),
    types: ['status_changed'],
    notices: [[0, 'customer', 'referred_to_vendor']],
  },
  { name: 'an engineer escalates to the partner', commit: () => act(aCase(), { action: 'escalate_to_partner', partnerId: 'netapp' }, GRACE), types: ['escalation_requested'], notices: [] },
  { name: 'the customer withdraws: the closure is confirmed to them', commit: () => act(aCase(), { action: 'withdraw' }, ADA), types: ['status_changed'], notices: [[0, 'customer', 'closed']] },
  { name: 'the customer confirms the resolution', commit: () => act(aCaseIn('resolved'), { action: 'confirm_resolution' }, ADA), types: ['status_changed'], notices: [[0, 'customer', 'closed']] },
  { name: 'the customer reopens: their reason reaches the engineer', commit: () => act(aCaseIn('resolved'), { action: 'reopen', message: 'It came back.' }, ADA), types: ['status_changed'], notices: [[0, 'engineer', 'customer_replied']] },
  // The follow-ups.
  { name: 'the SLA warning', commit: () => followups(aCase(), 90), types: ['sla_warning'], notices: [[0, 'engineer', 'sla_warning']] },
  { name: 'the SLA breach', commit: () => followups(aCase(), 120), types: ['sla_breached'], notices: [[0, 'duty', 'sla_breached']] },
  { name: 'the reminder', commit: () => followups(aCaseIn('awaiting_customer'), 3 * DAY), types: ['customer_reminded'], notices: [[0, 'customer', 'reminder']] },
  { name: 'the automatic closure', commit: () => followups(aCaseIn('awaiting_customer'), 7 * DAY), types: ['status_changed'], notices: [[0, 'customer', 'closed']] },
  { name: 'a closure after resolution', commit: () => followups(aCaseIn('resolved'), 3 * DAY), types: ['status_changed'], notices: [[0, 'customer', 'closed']] },
  {
    name: 'an escalation lost past its deadline is handled as the exhausted ladder (and the breach of the same tick is told too)',
    commit: () => followups(aCaseIn('awaiting_partner'), 120 + 30),
    types: ['sla_breached', 'status_changed'],
    notices: [[0, 'duty', 'sla_breached'], [1, 'customer', 'continuing_without_partner'], [1, 'duty', 'partner_unresponsive']],
  },
  {
    name: 'a notification could not be delivered (notify records it; nobody is told of the failure by email)',
    commit: () => committed(aCase(), { patch: {}, events: [anEvent({ type: 'notification_failed', internal: true, data: { noticeId: 'v000001-00.customer', audience: 'customer', kind: 'case_received', channel: 'email', reason: '550 no such user' } })] }),
    types: ['notification_failed'],
    notices: [],
  },
  { name: 'a stuck step is re-driven', commit: () => followups(aCaseIn('received'), 5), types: ['step_redriven'], notices: [] },
  { name: 'a quiet partner is nudged', commit: () => followups(netappCase('partner_engaged'), DAY, { nudge: { webhookId: 'n-1', status: 200, retryable: false } }), types: ['partner_nudged'], notices: [] },
  { name: 'a nudge is refused', commit: () => followups(netappCase('partner_engaged'), DAY, { nudge: { webhookId: 'n-1', status: 410, retryable: false } }), types: ['partner_nudge_refused'], notices: [] },
  // notify's own record of a notice refused for good tells nobody (and so cannot start a loop).
  {
    name: 'a notice is refused for good',
    commit: () => ({
      current: aCaseIn('in_progress'),
      events: [anEvent({ type: 'notification_failed', internal: true, at: AT.toISOString(), data: { noticeId: 'v000001-00.customer', audience: 'customer', kind: 'case_received', channel: 'email', reason: '550' } })],
    }),
    types: ['notification_failed'],
    notices: [],
  },
];

describe('noticesFor: the table, commit by commit', () => {
  it.each(ROWS)('$name', (row) => {
    const commit = row.commit();
    expect(commit.events.map((e) => e.type)).toEqual(row.types);
    const update = updateOf(commit);
    const expected = row.notices.map(([n, audience, kind]) => {
      const eventId = update.events[n]!.id;
      return { id: `${eventId}.${audience}`, eventId, audience, kind };
    });
    expect(noticesFor(update, commit.current)).toEqual(expected);
  });

  it('has a row for every timeline event type, and produces every notice kind of a case', () => {
    const types = new Set(ROWS.flatMap((r) => r.types));
    expect([...types].sort()).toEqual(Object.keys(TIMELINE_EVENT_TYPES).sort());
    const kinds = new Set(ROWS.flatMap((r) => r.notices.map(([, , kind]) => kind)));
    const caseKinds = (Object.keys(NOTICE_KINDS) as NoticeKind[]).filter((k) => k !== 'message_dead_lettered');
    expect([...kinds].sort()).toEqual(caseKinds.sort());
  });
});

const at = minutesAfter(60);
const event = (id: string, overrides: Partial<TimelineEvent>) => ({ ...anEvent({ at, ...overrides }), id });
const grace = { kind: 'engineer' as const, id: 'u-grace', name: 'Grace Hopper' };
const ada = { kind: 'customer' as const, id: 'u-ada', name: 'Ada Lovelace' };
const update = (...events: ReturnType<typeof event>[]): CaseUpdate => ({ caseId: 'case-1', version: 9, events });
const resolvedBy = (id: string, message: string, internal = false) =>
  event(id, { type: 'status_changed', actor: grace, internal, data: { from: 'in_progress', to: 'resolved', reason: 'engineer_resolved', message } });
const replyBy = (id: string, actor: TimelineEvent['actor'], message: string, internal = false) => event(id, { type: 'reply_posted', actor, internal, data: { message } });

describe('noticesFor: the rules beyond single events', () => {
  const current = aCaseIn('resolved');

  it('never tells the customer of an internal event, whatever its type', () => {
    const internal = update(
      resolvedBy('v9-0', 'Done.', true),
      replyBy('v9-1', grace, 'Hello', true),
      event('v9-2', { type: 'case_received', internal: true }),
      event('v9-3', { type: 'customer_reminded', internal: true, data: { message: 'Waiting.' } }),
    );
    expect(noticesFor(internal, current)).toEqual([]);
  });

  it("tells the customer of the partner's public reply", () => {
    expect(noticesFor(update(replyBy('v9-0', { kind: 'partner', id: 'netapp' }, 'We patched it.')), current)).toEqual([
      { id: 'v9-0.customer', eventId: 'v9-0', audience: 'customer', kind: 'public_reply' },
    ]);
  });

  it('lets a status change stand for a reply of the same words in the same commit', () => {
    const notices = noticesFor(update(replyBy('v9-0', grace, 'Raise max_wal_size.\n'), resolvedBy('v9-1', 'Raise max_wal_size.')), current);
    expect(notices).toEqual([{ id: 'v9-1.customer', eventId: 'v9-1', audience: 'customer', kind: 'resolved' }]);
  });

  it('keeps a reply that says something the status change does not', () => {
    const notices = noticesFor(update(resolvedBy('v9-0', 'Raise max_wal_size.'), replyBy('v9-1', grace, 'And restart the replica.')), current);
    expect(notices.map((n) => n.kind)).toEqual(['resolved', 'public_reply']);
  });

  it('sends two identical replies of one commit once, and tells the engineer once of a customer reply the status change carries', () => {
    expect(noticesFor(update(replyBy('v9-0', grace, 'Hi'), replyBy('v9-1', grace, 'Hi')), current).map((n) => n.id)).toEqual(['v9-0.customer']);
    const resumed = event('v9-1', { type: 'status_changed', actor: ada, data: { from: 'awaiting_customer', to: 'in_progress', reason: 'customer_replied', message: 'Here.' } });
    expect(noticesFor(update(replyBy('v9-0', ada, 'Here.'), resumed), current).map((n) => n.id)).toEqual(['v9-1.engineer']);
  });

  it('lets a closure stand for a reminder in the same commit', () => {
    const reminded = event('v9-0', { type: 'customer_reminded', actor: { kind: 'system', id: 'tandem' }, data: { message: 'Waiting.' } });
    const closed = event('v9-1', { type: 'status_changed', actor: { kind: 'system', id: 'tandem' }, data: { from: 'awaiting_customer', to: 'closed', reason: 'no_customer_reply', message: 'Closed.' } });
    expect(noticesFor(update(reminded, closed), current).map((n) => n.kind)).toEqual(['closed']);
  });

  it('gives at most one notice per (event, audience), even when the update repeats an event', () => {
    const reply = replyBy('v9-0', grace, 'Hi');
    const notices = noticesFor(update(reply, reply), current);
    expect(notices).toHaveLength(1);
    expect(new Set(notices.map((n) => n.id)).size).toBe(notices.length);
  });

  it('is deterministic: the same update gives the same notices, in the same order', () => {
    const u = update(event('v9-0', { type: 'sla_breached', internal: true }), replyBy('v9-1', ada, 'Any news?'), resolvedBy('v9-2', 'Fixed.'));
    expect(noticesFor(u, current)).toEqual(noticesFor(structuredClone(u), structuredClone(current)));
    expect(noticesFor(u, current).map((n) => n.id)).toEqual(['v9-0.duty', 'v9-1.engineer', 'v9-2.customer']);
  });

  it('tells nobody of an update with no events', () => {
    expect(noticesFor(update(), current)).toEqual([]);
  });
});

describe('the policy table', () => {
  it('gives each row its audience, and covers only kinds of the same audience', () => {
    for (const row of NOTIFICATION_POLICY) expect(NOTICE_AUDIENCE[row.kind], row.kind).toBe(row.audience);
    for (const [kind, covered] of Object.entries(COVERS)) for (const c of covered) expect(NOTICE_AUDIENCE[c]).toBe(NOTICE_AUDIENCE[kind as NoticeKind]);
  });

  it('knows each kind by its audience', () => {
    expect(noticeKindsFor('duty')).toEqual(['sla_breached', 'partner_unresponsive', 'message_dead_lettered']);
    expect(noticeKindsFor('engineer')).toEqual(['customer_replied', 'partner_updated', 'partner_declined', 'sla_warning']);
  });

  it('describes itself for the docs: a row per rule', () => {
    const text = describeNotificationPolicy();
    expect(text.split('\n').filter((l) => l.startsWith('| `'))).toHaveLength(NOTIFICATION_POLICY.length);
    expect(text).toContain('| `sla_breached` | always | duty | `sla_breached` |');
    expect(text).toContain('message_dead_lettered');
  });
});
