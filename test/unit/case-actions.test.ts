import { describe, expect, it } from 'vitest';
import { afterAction, CASE_ACTIONS, CaseActionRequest, decideAction, type ActionContext, type ActionDecision } from '../../functions/src/domain/case-actions.js';
import type { Caller, Role } from '../../functions/src/domain/caller.js';
import { Case, CASE_STATUSES } from '../../functions/src/domain/case-model.js';
import { partnerAccessOf } from '../../functions/src/domain/case-visibility.js';
import type { DomainError, Result } from '../../functions/src/domain/result.js';
import { DEFAULT_FIRST_RESPONSE_MINUTES } from '../../functions/src/domain/sla-policy.js';
import { validate } from '../../functions/src/handlers/http-function.js';
import { aCaseIn, anAcknowledgedEscalation, anSla, minutesAfter } from '../builders.js';
import { ACTIONS, BODIES, caseFor, netappCase, ROLES, TABLE } from '../case-actions-table.js';
import { callerOf, PEOPLE } from '../tokens.js';

/**
 * decideAction (domain/case-actions.ts) against the contract of `POST /cases/{caseId}/actions`,
 * with the expected table of every role × action × status written from the contract itself
 * (test/case-actions-table.ts, which the integration test sends through the emulators too); the
 * focused tests below it cover what a cell cannot show (the clock, the referral, the escalation's
 * partner, the body).
 */

/** An hour after the cases were raised: the time every action is taken at, unless a test says otherwise. */
const AT = new Date(minutesAfter(60));

const ADA = callerOf(PEOPLE.ada);
const GRACE = callerOf(PEOPLE.grace);
const NETAPP = callerOf(PEOPLE.netapp);
const MONGODB = callerOf(PEOPLE.mongodb);
const ACTORS: Record<Role, Caller & { role: Role }> = { customer: ADA, engineer: GRACE, partner: NETAPP };

const PARTNERS = new Set(['netapp', 'mongodb']);
const ctxFor = (caller: Caller & { role: Role }, overrides: Partial<ActionContext> = {}): ActionContext => ({
  caller,
  at: AT,
  firstResponseMinutes: DEFAULT_FIRST_RESPONSE_MINUTES,
  partnerExists: (id) => PARTNERS.has(id),
  actionId: 'action-test-1',
  ...overrides,
});

const decide = (c: Case, body: Record<string, unknown>, caller: Caller & { role: Role }, overrides: Partial<ActionContext> = {}) =>
  decideAction(c, CaseActionRequest.parse(body), ctxFor(caller, overrides));

const decisionOf = (result: Result<ActionDecision>): ActionDecision => {
  if (!result.ok) throw new Error(`expected the action to be applied, got ${JSON.stringify(result.error)}`);
  return result.value;
};
const refusalOf = (result: Result<ActionDecision>): DomainError => {
  if (result.ok) throw new Error(`expected a refusal, got ${JSON.stringify(result.value.change)}`);
  return result.error;
};

const STORE_OWNED = ['version', 'updatedAt', 'nextActionAt', 'partnerAccess'];

describe('the table: every role × action × status', () => {
  it('covers every action there is, every status and every role: 3 × 14 × 9 cells', () => {
    expect([...ACTIONS].sort()).toEqual([...CASE_ACTIONS].sort());
    expect(TABLE).toHaveLength(ROLES.length * ACTIONS.length * CASE_STATUSES.length);
    expect(TABLE).toHaveLength(378);
  });

  it.each(TABLE)('a %s taking %s on a %s case → %j', (role, action, status, expected) => {
    const current = caseFor(role, status);
    const caller = ACTORS[role];
    const result = decide(current, BODIES[action], caller);
    if (expected === 'forbidden' || expected === 'invalid_transition') {
      const error = refusalOf(result);
      expect(error.code).toBe(expected);
      if (expected === 'invalid_transition') expect(error.details).toMatchObject({ status });
      return;
    }
    const decision = decisionOf(result);
    const after = afterAction(current, decision);
    expect(after.status).toBe(expected.to ?? status);
    // The moves the handler publishes case-updated for, each from where the previous one left the case.
    const froms = [status, ...expected.path.slice(0, -1)];
    expect(decision.moves).toEqual(expected.path.map((to, i) => ({ from: froms[i], to })));
    const events = decision.change.events;
    expect(events.length).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ type: expected.event, internal: expected.internal, at: AT.toISOString() });
    // Every entry names the person, as the timeline shows them.
    for (const e of events) expect(e.actor).toEqual({ kind: role, id: caller.uid, name: caller.name });
    // The decision writes none of the store's own fields, and leaves a case the schema accepts.
    for (const field of STORE_OWNED) expect(decision.change.patch).not.toHaveProperty(field);
    expect(Case.safeParse(after).success).toBe(true);
    expect(decision.escalateTo).toBe(action === 'escalate_to_partner' ? 'netapp' : null);
    expect(decision.partnerEvent !== null).toBe(role === 'partner');
  });
});

// ---------------------------------------------------------------------------------------------------

describe('reply', () => {
  it("an engineer's reply is the first response: the clock stops, once", () => {
    const current = aCaseIn('in_progress');
    expect(current.sla?.firstRespondedAt).toBeNull();
    const decision = decisionOf(decide(current, BODIES.reply, GRACE));
    expect(decision.change.patch.sla).toEqual({ ...current.sla, firstRespondedAt: AT.toISOString() });
    expect(decision.change.events).toEqual([
      { type: 'reply_posted', at: AT.toISOString(), actor: { kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' }, data: { message: BODIES.reply.message }, internal: false },
    ]);

    const answered = afterAction(current, decision);
    const later = decisionOf(decide(answered, BODIES.reply, GRACE, { at: new Date(minutesAfter(90)) }));
    expect(later.change.patch.sla).toBeUndefined();
    expect(afterAction(answered, later).sla?.firstRespondedAt).toBe(AT.toISOString());
  });

  it("a customer's reply is not a response to them: the clock keeps running", () => {
    const decision = decisionOf(decide(aCaseIn('in_progress'), BODIES.reply, ADA));
    expect(decision.change.patch).toEqual({});
    expect(decision.change.events[0]).toMatchObject({ type: 'reply_posted', actor: { kind: 'customer', id: 'u-ada' }, internal: false });
  });

  it("a customer's reply resumes a case awaiting them, and the pause is counted: the due time moves by it", () => {
    // Asked at 09:10, with 5 minutes already paused before; the customer answers at 10:00.
    const askedAt = minutesAfter(10);
    const sla = anSla({ targetMinutes: 120, firstResponseDueAt: minutesAfter(125), pausedMinutes: 5, pausedSince: askedAt, firstRespondedAt: askedAt });
    const current = aCaseIn('awaiting_customer', { statusChangedAt: askedAt, resumeStatus: 'partner_engaged', sla });
    const decision = decisionOf(decide(current, BODIES.reply, ADA));
    const after = afterAction(current, decision);
    expect(after).toMatchObject({ status: 'partner_engaged', resumeStatus: null, statusChangedAt: AT.toISOString() });
    expect(after.sla).toEqual({ ...sla, pausedSince: null, pausedMinutes: 55, firstResponseDueAt: minutesAfter(125 + 50) });
    expect(decision.moves).toEqual([{ from: 'awaiting_customer', to: 'partner_engaged' }]);
    expect(decision.change.events[0]).toMatchObject({
      type: 'status_changed',
      actor: { kind: 'customer', id: 'u-ada', name: 'Ada Lovelace' },
      data: { from: 'awaiting_customer', to: 'partner_engaged', reason: 'customer_replied', message: BODIES.reply.message },
      internal: false,
    });
  });

  it("an engineer's reply on a case awaiting the customer leaves it waiting, the clock paused", () => {
    const current = aCaseIn('awaiting_customer');
    const after = afterAction(current, decisionOf(decide(current, BODIES.reply, GRACE)));
    expect(after.status).toBe('awaiting_customer');
    expect(after.sla).toEqual(current.sla);
  });
});

describe('expectedVersion', () => {
  it('refuses a console that loaded an older version: version_conflict, with where the case is now', () => {
    const current = aCaseIn('in_progress', { version: 7 });
    const error = refusalOf(decide(current, { ...BODIES.add_note, expectedVersion: 6 }, GRACE));
    expect(error).toMatchObject({ code: 'version_conflict', details: { version: 7, expectedVersion: 6, status: 'in_progress' } });
    expect(refusalOf(decide(current, { ...BODIES.withdraw, expectedVersion: 8 }, ADA)).code).toBe('version_conflict');
  });

  it('applies the action when the version is the one loaded', () => {
    const current = aCaseIn('in_progress', { version: 7 });
    expect(decide(current, { ...BODIES.resolve, expectedVersion: 7 }, GRACE).ok).toBe(true);
  });

  it('is checked for a partner too', () => {
    const current = netappCase('awaiting_partner', { version: 6 });
    expect(refusalOf(decide(current, { ...BODIES.acknowledge, expectedVersion: 5 }, NETAPP)).code).toBe('version_conflict');
    expect(decide(current, { ...BODIES.acknowledge, expectedVersion: 6 }, NETAPP).ok).toBe(true);
  });
});

describe('assign', () => {
  it('assigns the engineer who asks when no assignee is named, with the address they signed in with, as internal engineering state', () => {
    const decision = decisionOf(decide(aCaseIn('in_progress'), BODIES.assign, GRACE));
    expect(decision.change.internal).toEqual({ assignee: { uid: 'u-grace', name: 'Grace Hopper', email: 'grace@tandem.example' } });
    expect(decision.change.patch).toEqual({});
    expect(decision.change.events[0]).toMatchObject({ type: 'case_assigned', internal: true, data: { assignee: { uid: 'u-grace', name: 'Grace Hopper' } } });
  });

  it('assigns the engineer named', () => {
    const decision = decisionOf(decide(aCaseIn('awaiting_customer'), { action: 'assign', assignee: { uid: 'u-linus', name: 'Linus' } }, GRACE));
    expect(decision.change.internal).toEqual({ assignee: { uid: 'u-linus', name: 'Linus' } });
  });
});

describe('set_priority', () => {
  // Raised at T0 on premium at P2 (120 minutes), 30 minutes spent waiting on the customer since.
  const running = (overrides: Parameters<typeof anSla>[0] = {}) =>
    aCaseIn('in_progress', { sla: anSla({ targetMinutes: 120, firstResponseDueAt: minutesAfter(150), pausedMinutes: 30, ...overrides }) });

  it('recomputes the first-response due time from when the case was raised, plus the time paused', () => {
    const current = running();
    const decision = decisionOf(decide(current, { action: 'set_priority', priority: 'P4', message: 'Not urgent after all.' }, GRACE));
    expect(decision.change.patch).toEqual({
      priority: 'P4',
      sla: { ...current.sla, targetMinutes: 480, firstResponseDueAt: minutesAfter(480 + 30) },
    });
    expect(decision.change.events).toEqual([
      {
        type: 'priority_changed',
        at: AT.toISOString(),
        actor: { kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' },
        data: { from: 'P2', to: 'P4', message: 'Not urgent after all.', firstResponseDueAt: minutesAfter(510) },
        internal: false,
      },
    ]);
    expect(afterAction(current, decision).requestedPriority).toBe('P2');
  });

  it('uses the configured table, not the defaults', () => {
    const decision = decisionOf(decide(running(), BODIES.set_priority, GRACE, { firstResponseMinutes: { premium: { P1: 10, P2: 120 } } }));
    expect(decision.change.patch.sla).toMatchObject({ targetMinutes: 10, firstResponseDueAt: minutesAfter(10 + 30) });
  });

  it('keeps the warning and the breach when the new due time has already passed, and clears them when it is ahead', () => {
    const warned = running({ warned: true, breached: true });
    // P1: 15 + 30 minutes after 09:00 is 09:45, before 10:00.
    expect(decisionOf(decide(warned, BODIES.set_priority, GRACE)).change.patch.sla).toMatchObject({ firstResponseDueAt: minutesAfter(45), warned: true, breached: true });
    // P4: due 17:30, ahead: the clock starts over.
    expect(decisionOf(decide(warned, { action: 'set_priority', priority: 'P4', message: 'Lower.' }, GRACE)).change.patch.sla).toMatchObject({
      firstResponseDueAt: minutesAfter(510),
      warned: false,
      breached: false,
    });
  });

  it('keeps a breach on record once the first response was given: a stopped clock does not start over', () => {
    const answered = running({ warned: true, breached: true, firstRespondedAt: minutesAfter(50) });
    const sla = decisionOf(decide(answered, { action: 'set_priority', priority: 'P4', message: 'Lower.' }, GRACE)).change.patch.sla;
    expect(sla).toMatchObject({ firstRespondedAt: minutesAfter(50), warned: true, breached: true });
  });

  it('sets only the priority of a case with no clock yet (received)', () => {
    const decision = decisionOf(decide(aCaseIn('received'), BODIES.set_priority, GRACE));
    expect(decision.change.patch).toEqual({ priority: 'P1' });
  });

  it('refuses a priority the plan has no target for: invalid_request naming the priority', () => {
    const error = refusalOf(decide(running(), BODIES.set_priority, GRACE, { firstResponseMinutes: { premium: { P2: 120 } } }));
    expect(error).toMatchObject({ code: 'invalid_request', issues: [{ path: 'priority' }] });
  });
});

describe('refer_to_vendor', () => {
  it('records the referral and tells the customer on the status change, which is the first response', () => {
    const current = aCaseIn('in_progress', { approach: 'third_party_vendor' });
    const vendorContact = { name: 'Acme Widgets support', url: 'https://acme.example/support', email: 'support@acme.example', phone: '+49 30 1234' };
    const decision = decisionOf(decide(current, { action: 'refer_to_vendor', vendorContact, message: 'Acme supports WidgetDB.' }, GRACE));
    const after = afterAction(current, decision);
    expect(after).toMatchObject({
      status: 'referred_to_vendor',
      referral: { vendorContact, message: 'Acme supports WidgetDB.', referredAt: AT.toISOString() },
      sla: { firstRespondedAt: AT.toISOString() },
    });
    expect(decision.change.events).toEqual([
      {
        type: 'status_changed',
        at: AT.toISOString(),
        actor: { kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' },
        data: { from: 'in_progress', to: 'referred_to_vendor', reason: 'referred_to_vendor', vendorContact, message: 'Acme supports WidgetDB.' },
        internal: false,
      },
    ]);
  });
});

describe('escalate_to_partner', () => {
  const escalate = (body: Record<string, unknown> = {}) => ({ action: 'escalate_to_partner', ...body });

  it("defaults to the partner triage matched, and records who asked (the workflow moves the case on)", () => {
    // A NetApp case an engineer took back after NetApp declined, now to be escalated again.
    const current = aCaseIn('in_progress', { approach: 'collaborative', escalation: anAcknowledgedEscalation({ outcome: 'declined' }) });
    const decision = decisionOf(decide(current, escalate(), GRACE));
    expect(decision.escalateTo).toBe('netapp');
    expect(decision.moves).toEqual([]);
    expect(decision.change.patch).toEqual({
      partnerId: 'netapp',
      escalationRequest: { partnerId: 'netapp', requestedAt: AT.toISOString(), requestedBy: { kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' } },
      // The declined collaboration is over (its story is on the timeline).
      escalation: null,
    });
    expect(decision.change.events).toEqual([
      { type: 'escalation_requested', at: AT.toISOString(), actor: { kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' }, data: { partnerId: 'netapp' }, internal: true },
    ]);
  });

  it('escalates a workload case to the partner named', () => {
    const decision = decisionOf(decide(aCaseIn('in_progress'), escalate({ partnerId: 'mongodb', message: 'Their driver.' }), GRACE));
    expect(decision.escalateTo).toBe('mongodb');
    expect(decision.change.events[0]?.data).toEqual({ partnerId: 'mongodb', message: 'Their driver.' });
  });

  it.each([
    ['a workload case (triage matched a workload)', aCaseIn('in_progress')],
    ['a third-party vendor case (triage matched nothing)', aCaseIn('in_progress', { approach: 'third_party_vendor' })],
    ['a case with no triage', aCaseIn('in_progress', { triage: null })],
  ])('refuses %s without a partnerId: invalid_request naming partnerId', (_name, current) => {
    expect(refusalOf(decide(current, escalate(), GRACE))).toMatchObject({ code: 'invalid_request', issues: [{ path: 'partnerId' }] });
  });

  it('refuses a partner that is not registered: invalid_request naming partnerId', () => {
    expect(refusalOf(decide(aCaseIn('in_progress'), escalate({ partnerId: 'oracle' }), GRACE))).toMatchObject({ code: 'invalid_request', issues: [{ path: 'partnerId' }] });
    // The triage match is checked against the registry too.
    const matchedGone = aCaseIn('in_progress', { approach: 'collaborative' });
    expect(refusalOf(decide(matchedGone, escalate(), GRACE, { partnerExists: () => false })).code).toBe('invalid_request');
  });

  it('refuses a second request while the first is on its way', () => {
    const current = aCaseIn('in_progress');
    const requested = afterAction(current, decisionOf(decide(current, escalate({ partnerId: 'netapp' }), GRACE)));
    expect(refusalOf(decide(requested, escalate({ partnerId: 'netapp' }), GRACE))).toMatchObject({ code: 'invalid_transition', details: { status: 'in_progress' } });
  });
});

describe('the customer ends or reopens a case', () => {
  it('withdraw closes it for the reason customer_withdrew, resuming a paused clock', () => {
    const current = aCaseIn('awaiting_customer');
    const decision = decisionOf(decide(current, { action: 'withdraw' }, ADA));
    const after = afterAction(current, decision);
    expect(after).toMatchObject({ status: 'closed', resumeStatus: null, sla: { pausedSince: null, pausedMinutes: 60 } });
    expect(decision.change.events[0]?.data).toEqual({ from: 'awaiting_customer', to: 'closed', reason: 'customer_withdrew' });
  });

  it('confirm_resolution closes a resolved case; reopen takes it back in progress', () => {
    expect(decisionOf(decide(aCaseIn('resolved'), { action: 'confirm_resolution', message: 'Thanks' }, ADA)).change.events[0]?.data).toEqual({
      from: 'resolved', to: 'closed', reason: 'customer_confirmed_resolution', message: 'Thanks',
    });
    expect(decisionOf(decide(aCaseIn('resolved'), BODIES.reopen, ADA)).change.events[0]?.data).toEqual({
      from: 'resolved', to: 'in_progress', reason: 'customer_reopened', message: 'It came back.',
    });
  });
});

describe('a partner at the desk', () => {
  const PARTNER_ACTIONS = ['acknowledge', 'update', 'decline', 'request_info', 'resolve'] as const;

  it.each(PARTNER_ACTIONS)('%s on a case escalated to another partner: unknown_case', (action) => {
    for (const status of ['awaiting_partner', 'partner_engaged', 'awaiting_customer'] as const) {
      expect(refusalOf(decide(netappCase(status), BODIES[action], MONGODB)).code).toBe('unknown_case');
    }
  });

  it.each(PARTNER_ACTIONS)('%s on a case it declined, or one never escalated: unknown_case', (action) => {
    const declined = netappCase('in_progress', { escalation: anAcknowledgedEscalation({ outcome: 'declined' }) });
    expect(declined.partnerAccess).toBeNull();
    expect(refusalOf(decide(declined, BODIES[action], NETAPP)).code).toBe('unknown_case');
    const workload = aCaseIn('in_progress');
    expect(refusalOf(decide(workload, BODIES[action], NETAPP)).code).toBe('unknown_case');
  });

  it('acknowledges as the callback would, named on the timeline as the desk user, and hands the answer to the waiting workflow', () => {
    const current = netappCase('awaiting_partner');
    const decision = decisionOf(decide(current, { action: 'acknowledge', partnerTicketId: 'NA-7', message: 'On it' }, NETAPP));
    expect(decision).toMatchObject({ resumesWorkflow: true, partnerEvent: 'collaboration.acknowledged', moves: [{ from: 'awaiting_partner', to: 'partner_engaged' }] });
    expect(afterAction(current, decision).escalation).toMatchObject({
      outcome: 'acknowledged', acknowledgedAt: AT.toISOString(), partnerTicketId: 'NA-7', lastPartnerUpdateAt: AT.toISOString(), ackDueAt: null,
    });
    expect(decision.change.events).toEqual([
      {
        type: 'status_changed',
        at: AT.toISOString(),
        actor: { kind: 'partner', id: 'u-netapp', name: 'NetApp support desk' },
        data: { from: 'awaiting_partner', to: 'partner_engaged', reason: 'partner_acknowledged', message: 'On it', partnerTicketId: 'NA-7', occurredAt: AT.toISOString(), webhookId: 'action-test-1' },
        internal: false,
      },
    ]);
  });

  it('declining while asked ends its access to the case', () => {
    const current = netappCase('awaiting_partner');
    const after = afterAction(current, decisionOf(decide(current, BODIES.decline, NETAPP)));
    expect(after.escalation?.outcome).toBe('declined');
    expect(partnerAccessOf(after)).toBeNull();
  });

  // A decline ends the collaboration whenever it comes, also once engaged (the signed callback too).
  it('declining once engaged ends its access to the case too', () => {
    const current = netappCase('partner_engaged');
    const after = afterAction(current, decisionOf(decide(current, BODIES.decline, NETAPP)));
    expect(after.status).toBe('in_progress');
    expect(partnerAccessOf(after)).toBeNull();
  });
});

describe('the request body', () => {
  const problems = (body: unknown) => {
    const result = validate(CaseActionRequest, body);
    if (result.ok) throw new Error(`expected problems, got ${JSON.stringify(result.value)}`);
    expect(result.error.code).toBe('invalid_request');
    return result.error.issues ?? [];
  };

  it('reports every problem at once', () => {
    const issues = problems({ action: 'refer_to_vendor', vendorContact: { url: 'acme.example', email: 'support@' }, message: '  ', expectedVersion: 0, cc: 'boss' });
    expect(issues.map((i) => i.path).sort()).toEqual(['(body)', 'expectedVersion', 'message', 'vendorContact.email', 'vendorContact.name', 'vendorContact.url'].sort());
    expect(issues.find((i) => i.path === '(body)')?.message).toContain('cc');
    for (const issue of issues) expect(issue.message).toBeTruthy();
  });

  it.each([
    ['no action', {}],
    ['an unknown action', { action: 'delete' }],
    ['an action that is not a string', { action: 7 }],
  ])('names the action for %s', (_name, body) => {
    expect(problems(body).map((i) => i.path)).toEqual(['action']);
  });

  it.each(ACTIONS)('refuses an unknown field on %s (strict): a typo is an error, not ignored', (action) => {
    const issues = problems({ ...BODIES[action], mesage: 'typo' });
    expect(issues).toEqual([expect.objectContaining({ message: expect.stringContaining('mesage') })]);
  });

  it.each([
    ['reply without a message', { action: 'reply' }, ['message']],
    ['a message of spaces', { action: 'add_note', message: '   ' }, ['message']],
    ['a message over 10,000 characters', { action: 'resolve', message: 'x'.repeat(10_001) }, ['message']],
    ['an unknown priority, no message', { action: 'set_priority', priority: 'P0' }, ['message', 'priority']],
    ['an assignee without a uid', { action: 'assign', assignee: { name: 'Linus' } }, ['assignee.uid']],
    ['a partnerId that names a path', { action: 'escalate_to_partner', partnerId: 'partners/netapp' }, ['partnerId']],
    ['a fractional expectedVersion', { action: 'withdraw', expectedVersion: 1.5 }, ['expectedVersion']],
    ['a vendor contact without a name', { action: 'refer_to_vendor', vendorContact: {}, message: 'm' }, ['vendorContact.name']],
  ])('reports %s', (_name, body, paths) => {
    expect(problems(body).map((i) => i.path).sort()).toEqual(paths);
  });

  it('trims messages', () => {
    expect(CaseActionRequest.parse({ action: 'reply', message: '  hello  ' })).toEqual({ action: 'reply', message: 'hello' });
  });
});

describe('an engineer escalates a reopened case that a partner once worked', () => {
  it('ends the earlier collaboration, so no partner reads the case until the new escalation is claimed', () => {
    const reopened = aCaseIn('in_progress', { approach: 'collaborative', partnerId: 'netapp', escalation: anAcknowledgedEscalation(), partnerAccess: 'netapp' });
    const decided = decideAction(reopened, { action: 'escalate_to_partner', partnerId: 'mongodb' }, {
      caller: { uid: 'u-grace', role: 'engineer', orgId: null, partnerId: null, name: 'Grace Hopper', email: null },
      at: new Date(reopened.updatedAt),
      firstResponseMinutes: DEFAULT_FIRST_RESPONSE_MINUTES,
      partnerExists: () => true,
      actionId: 'a-1',
    });
    if (!decided.ok) throw new Error(decided.error.message);
    const after = afterAction(reopened, decided.value);
    expect(after).toMatchObject({ partnerId: 'mongodb', escalation: null, escalationRequest: { partnerId: 'mongodb' } });
    expect(partnerAccessOf(after)).toBeNull();
  });
});
