import { describe, expect, it } from 'vitest';
import { applyPatch } from '../../functions/src/domain/case-change.js';
import { CaseActionRequest, decideAction } from '../../functions/src/domain/case-actions.js';
import type { Case } from '../../functions/src/domain/case-model.js';
import { DEFAULT_FIRST_RESPONSE_MINUTES } from '../../functions/src/domain/sla-policy.js';
import { ackWindowPassed, applyPartnerEvent, type PartnerEventType } from '../../functions/src/domain/partner-escalation.js';
import { ackDeadlineWords, partnerNameOf, partnerStatusWords } from '../../web/src/model/partner-status.js';
import { statusWords } from '../../web/src/model/words.js';
import { aCaseIn, aPartner, minutesAfter, T0 } from '../builders.js';
import { callerOf, PEOPLE } from '../tokens.js';

// The words name times of day in the reader's zone: these tests read in UTC.
process.env.TZ = 'UTC';

/**
 * The partner's status in the customer's words, for cases as the server's own decisions leave them
 * (the partner's answers through applyPartnerEvent, an engineer's through decideAction), so the
 * words follow what the server really writes, not what a test thinks it writes.
 */
const NOW = new Date(minutesAfter(120));
const waiting = aCaseIn('awaiting_partner', { statusChangedAt: T0 }); // NetApp asked at 09:00

const partner = (c: Case, type: PartnerEventType, minutes: number, extra: { partnerTicketId?: string; message?: string } = {}): Case => {
  const at = new Date(minutesAfter(minutes));
  const decided = applyPartnerEvent(c, 'netapp', { type, occurredAt: at.toISOString(), webhookId: `wh-${minutes}`, ...extra }, at);
  if (!decided.ok) throw new Error(decided.error.message);
  return applyPatch(c, decided.value.change.patch);
};

const engineer = (c: Case, body: Record<string, unknown>, minutes: number): Case => {
  const at = new Date(minutesAfter(minutes));
  const request = CaseActionRequest.parse(body);
  const decided = decideAction(c, request, { caller: callerOf(PEOPLE.grace), at, actionId: `a-${minutes}`, firstResponseMinutes: DEFAULT_FIRST_RESPONSE_MINUTES, partnerExists: () => true });
  if (!decided.ok) throw new Error(decided.error.message);
  return applyPatch(c, decided.value.change.patch);
};

const acked = partner(waiting, 'collaboration.acknowledged', 42, { partnerTicketId: 'NA-1234' });
const ackedNoTicket = partner(waiting, 'collaboration.acknowledged', 42);
const asked = partner(acked, 'collaboration.info_requested', 50, { message: 'Which ONTAP version?' });
const askedWhileWaiting = partner(waiting, 'collaboration.info_requested', 15, { message: 'Logs, please.' });
const engineerAsked = engineer(acked, { action: 'request_info', message: 'Which zone?' }, 55);
const resolved = partner(acked, 'collaboration.resolved', 90, { message: 'Patched.' });
const declined = partner(waiting, 'collaboration.declined', 20, { message: 'Not our product.' });
const declinedLater = partner(acked, 'collaboration.declined', 60, { message: 'Outside our support matrix.' });
const exhausted = ((): Case => {
  let c = waiting;
  const netapp = aPartner({ escalationLadder: [] });
  const decided = ackWindowPassed(c, 0, netapp, new Date(minutesAfter(120)));
  if (!decided.ok || !decided.value.change) throw new Error('the ladder should run out');
  c = applyPatch(c, decided.value.change.patch);
  return c;
})();
const closed = { ...resolved, status: 'closed' as const, statusChangedAt: minutesAfter(100) };

describe("the partner's status in the customer's words", () => {
  it.each([
    ['being asked', waiting, 'Asked NetApp at 09:00 — waiting for them to acknowledge; Customer Care is following up'],
    ['acknowledged with a ticket', acked, 'With NetApp since 09:42 — acknowledged, their ticket NA-1234; Customer Care is following up'],
    ['acknowledged without a ticket', ackedNoTicket, 'With NetApp since 09:42 — acknowledged; Customer Care is following up'],
    ['asked the customer a question', asked, 'NetApp asked you a question at 09:50 (their ticket NA-1234) — waiting for your reply; Customer Care is following up'],
    ['asked a question instead of acknowledging', askedWhileWaiting, 'NetApp asked you a question at 09:15 — waiting for your reply; Customer Care is following up'],
    ['Customer Care asked a question while the partner is on it', engineerAsked, 'With NetApp since 09:42, their ticket NA-1234 — waiting for your reply; Customer Care is following up'],
    ['resolved by the partner', resolved, 'Resolved by NetApp at 10:30 (their ticket NA-1234) — tell us below whether it is solved'],
    ['declined', declined, 'Declined by NetApp at 09:20 — Customer Care is handling it directly'],
    ['declined after acknowledging', declinedLater, 'Declined by NetApp at 10:00 — Customer Care is handling it directly'],
    ['taken back: the ladder ran out', exhausted, 'NetApp did not take it up in time — Customer Care is handling it directly'],
    ['closed after the partner worked on it', closed, 'NetApp worked on this with us (their ticket NA-1234)'],
  ] as const)('%s', (_what, c, words) => {
    expect(partnerStatusWords(c, partnerNameOf(c), NOW)).toBe(words);
  });

  it('names "the technology partner" when the customer cannot know which', () => {
    expect(partnerStatusWords(acked, null, NOW)).toBe('With the technology partner since 09:42 — acknowledged, their ticket NA-1234; Customer Care is following up');
    expect(partnerStatusWords(declined, null, NOW)).toBe('Declined by the technology partner at 09:20 — Customer Care is handling it directly');
  });

  it('gives the day as well when it was not today', () => {
    expect(partnerStatusWords(acked, 'NetApp', new Date(minutesAfter(3 * 24 * 60)))).toBe(
      'With NetApp since Mon 23 Nov, 09:42 — acknowledged, their ticket NA-1234; Customer Care is following up',
    );
  });

  it('says nothing for a case no partner is part of', () => {
    expect(partnerStatusWords(aCaseIn('in_progress'), null, NOW)).toBeNull();
    expect(partnerStatusWords(aCaseIn('referred_to_vendor'), null, NOW)).toBeNull();
  });

  it('a collaborative case not yet escalated, and one an engineer is sending to a partner', () => {
    expect(partnerStatusWords(aCaseIn('triaged'), 'NetApp', NOW)).toBe('Asking NetApp to work on this with us — Customer Care is following up');
    const claimed = aCaseIn('triaged', { escalation: { ...waiting.escalation!, executionId: null, ackDueAt: null } });
    expect(partnerStatusWords(claimed, 'NetApp', NOW)).toBe('Asking NetApp to work on this with us — Customer Care is following up');
    const workload = aCaseIn('in_progress');
    const escalating = engineer(workload, { action: 'escalate_to_partner', partnerId: 'confluent' }, 30);
    expect(partnerStatusWords(escalating, partnerNameOf(escalating), NOW)).toBe('Asking the technology partner to work on this with us — Customer Care is following up');
  });
});

describe("the partner's name", () => {
  it("is triage's match while the case is with that partner, and unknown otherwise", () => {
    expect(partnerNameOf(acked)).toBe('NetApp');
    expect(partnerNameOf({ ...acked, partnerId: 'confluent' })).toBeNull();
    expect(partnerNameOf(aCaseIn('in_progress'))).toBeNull(); // a workload match is no partner
  });
});

describe("the partner desk's words", () => {
  it.each([
    [minutesAfter(35, NOW.toISOString()), 'By 11:35 — in 35 min'],
    [minutesAfter(150, NOW.toISOString()), 'By 13:30 — in 2 h 30 min'],
    [minutesAfter(-12, NOW.toISOString()), 'Overdue — was due by 10:48, 12 min ago'],
  ])('an acknowledgement due at %s reads "%s"', (due, words) => {
    expect(ackDeadlineWords(due, NOW)).toBe(words);
  });

  it('no deadline, no words', () => {
    expect(ackDeadlineWords(null, NOW)).toBeNull();
  });

  it('speak to the partner as "you"', () => {
    expect(statusWords('awaiting_partner', 'partner')).toBe('Waiting for your acknowledgement');
    expect(statusWords('partner_engaged', 'partner')).toBe('You are working on it');
    expect(statusWords('resolved', 'partner')).toBe('Resolved');
    expect(statusWords('awaiting_partner', 'engineer')).toBe('Waiting for the partner');
    expect(statusWords('awaiting_partner', 'customer')).toBe('With the technology partner');
  });
});
