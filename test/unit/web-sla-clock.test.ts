import { describe, expect, it } from 'vitest';
import type { Case, Escalation, Sla, TimelineEvent } from '../../functions/src/domain/case-model.js';
import { DEFAULT_PARTNER_ACK_MINUTES as SERVER_ACK_MINUTES, SLA_WARNING_FRACTION, slaWarningAt } from '../../functions/src/domain/sla-policy.js';
import {
  bandOf,
  clockWords,
  compareRisk,
  DEFAULT_PARTNER_ACK_MINUTES,
  firstResponseClock,
  overlapMs,
  partnerClock,
  pausedSpans,
  percentUsed,
  slaTimeline,
  WARNING_FRACTION,
  type FirstResponseClock,
} from '../../web/src/model/sla-clock.js';

/** The console's clocks, as tables: no I/O, times in whole minutes after 09:00. */
const T0 = Date.parse('2026-03-02T09:00:00Z');
const at = (minutes: number) => T0 + minutes * 60_000;
const iso = (minutes: number) => new Date(at(minutes)).toISOString();

const sla = (fields: Partial<Sla> = {}): Sla => ({
  targetMinutes: 60,
  firstResponseDueAt: iso(60),
  firstRespondedAt: null,
  pausedMinutes: 0,
  pausedSince: null,
  warned: false,
  breached: false,
  ...fields,
});
const clockCase = (fields: Partial<Sla> | null = {}): Pick<Case, 'sla' | 'createdAt'> => ({ createdAt: iso(0), sla: fields === null ? null : sla(fields) });
const move = (minutes: number, from: string, to: string): Pick<TimelineEvent, 'type' | 'at' | 'data'> => ({ type: 'status_changed', at: iso(minutes), data: { from, to } });

describe('the web copy of the SLA constants', () => {
  it('matches the server’s (sla-policy.ts imports zod, which the browser does not carry)', () => {
    expect(WARNING_FRACTION).toBe(SLA_WARNING_FRACTION);
    expect(DEFAULT_PARTNER_ACK_MINUTES).toEqual(SERVER_ACK_MINUTES);
  });
});

describe('bandOf: the share of the target used', () => {
  it.each([
    [0, 'ok'],
    [0.4999, 'ok'],
    [0.5, 'watch'],
    [0.7499, 'watch'],
    [0.75, 'risk'],
    [0.9999, 'risk'],
    [1, 'breached'],
    [3.2, 'breached'],
  ] as const)('%s → %s', (fraction, band) => expect(bandOf(fraction)).toBe(band));

  it.each([
    [0.4999, 49],
    [0.5, 50],
    [0.7499, 74],
    [0.75, 75],
    [1, 100],
    [0.61, 61],
  ])('percentUsed(%s) = %s, rounded down so a band never shows its next band’s number', (fraction, percent) => expect(percentUsed(fraction)).toBe(percent));
});

describe('firstResponseClock', () => {
  it.each([
    // [minutes since opened, state, band, fraction, minutes left]
    [0, 'running', 'ok', 0, 60],
    [29, 'running', 'ok', 29 / 60, 31],
    [30, 'running', 'watch', 0.5, 30],
    [44, 'running', 'watch', 44 / 60, 16],
    [45, 'running', 'risk', 0.75, 15],
    [59, 'running', 'risk', 59 / 60, 1],
    [60, 'breached', 'breached', 1, 0],
    [72, 'breached', 'breached', 1.2, -12],
  ] as const)('a 60-minute clock at %s min is %s (%s)', (minutes, state, band, fraction, left) => {
    const clock = firstResponseClock(clockCase(), at(minutes));
    expect(clock).toMatchObject({ state, band });
    if (clock.state === 'running') expect(clock.remainingMs).toBe(left * 60_000);
    if (clock.state === 'breached') expect(clock.overdueMs).toBe(Math.abs(left) * 60_000);
    expect((clock as { fraction: number }).fraction).toBeCloseTo(fraction, 9);
  });

  it('counts the time already paused: the due time moved by it (a 20-minute wait, 50 minutes after opening, is 30 minutes used)', () => {
    const clock = firstResponseClock(clockCase({ pausedMinutes: 20, firstResponseDueAt: iso(80) }), at(50));
    expect(clock).toMatchObject({ state: 'running', band: 'watch', remainingMs: 30 * 60_000, fraction: 0.5 });
  });

  it('a flagged breach stays breached even if the due time seems ahead (the server said so)', () => {
    expect(firstResponseClock(clockCase({ breached: true }), at(10))).toMatchObject({ state: 'breached', overdueMs: 0 });
  });

  it('a pause in progress stops the clock where the wait began', () => {
    const clock = firstResponseClock(clockCase({ pausedSince: iso(40) }), at(300));
    expect(clock).toMatchObject({ state: 'paused', since: at(40), respondedAt: null });
    expect((clock as { fraction: number }).fraction).toBeCloseTo(40 / 60, 9);
  });

  it('a question to the customer is a response and a pause at once: paused, with the response kept', () => {
    expect(firstResponseClock(clockCase({ pausedSince: iso(20), firstRespondedAt: iso(20) }), at(90))).toMatchObject({ state: 'paused', respondedAt: at(20), usedMs: 20 * 60_000 });
  });

  it.each([
    [45, false, false],
    [75, false, true],
    [50, true, true],
  ])('a clock responded to at %s min (flagged breached: %s) is late: %s', (minutes, breached, late) => {
    const clock = firstResponseClock(clockCase({ firstRespondedAt: iso(minutes), breached }), at(500));
    expect(clock).toMatchObject({ state: 'responded', respondedAt: at(minutes), usedMs: minutes * 60_000, late });
  });

  it('a responded clock leaves out the waits before the response when the timeline gives them', () => {
    const spans = [{ from: at(10), to: at(30), ongoing: false }];
    expect(firstResponseClock(clockCase({ firstRespondedAt: iso(50), pausedMinutes: 20 }), at(90), spans)).toMatchObject({ usedMs: 30 * 60_000, fraction: 0.5 });
  });

  it('no SLA yet (triage has not prioritized the case): no clock', () => {
    expect(firstResponseClock(clockCase(null), at(5))).toEqual({ state: 'none' });
  });
});

describe('compareRisk: the queue’s order', () => {
  it('breached (most overdue first), then running by share used, then paused, responded and no clock', () => {
    const clocks: [string, FirstResponseClock][] = [
      ['none', firstResponseClock(clockCase(null), at(0))],
      ['responded', firstResponseClock(clockCase({ firstRespondedAt: iso(5) }), at(30))],
      ['40 %', firstResponseClock(clockCase(), at(24))],
      ['breached 5 min', firstResponseClock(clockCase(), at(65))],
      ['paused', firstResponseClock(clockCase({ pausedSince: iso(5), firstRespondedAt: iso(5) }), at(30))],
      ['80 %', firstResponseClock(clockCase(), at(48))],
      ['breached 30 min', firstResponseClock(clockCase(), at(90))],
      ['60 %', firstResponseClock(clockCase(), at(36))],
    ];
    expect(clocks.sort(([, a], [, b]) => compareRisk(a, b)).map(([name]) => name)).toEqual(['breached 30 min', 'breached 5 min', '80 %', '60 %', '40 %', 'paused', 'responded', 'none']);
  });
});

describe('pausedSpans: the waits for the customer', () => {
  it.each([
    ['no wait', [move(1, 'triaged', 'in_progress')], null, []],
    [
      'one finished wait',
      [move(1, 'triaged', 'in_progress'), move(10, 'in_progress', 'awaiting_customer'), move(25, 'awaiting_customer', 'in_progress')],
      null,
      [{ from: at(10), to: at(25), ongoing: false }],
    ],
    [
      'two waits, the second in progress',
      [move(10, 'in_progress', 'awaiting_customer'), move(25, 'awaiting_customer', 'in_progress'), move(40, 'in_progress', 'awaiting_customer')],
      iso(40),
      [
        { from: at(10), to: at(25), ongoing: false },
        { from: at(40), to: at(60), ongoing: true },
      ],
    ],
    ['a wait the case shows before its entry arrives', [], iso(45), [{ from: at(45), to: at(60), ongoing: true }]],
    ['entries out of order', [move(25, 'awaiting_customer', 'partner_engaged'), move(10, 'partner_engaged', 'awaiting_customer')], null, [{ from: at(10), to: at(25), ongoing: false }]],
  ] as const)('%s', (_name, entries, pausedSince, spans) => {
    expect(pausedSpans(entries, pausedSince, at(60))).toEqual(spans);
  });

  it('overlapMs counts only the part inside the window', () => {
    const spans = [
      { from: at(10), to: at(20), ongoing: false },
      { from: at(30), to: at(50), ongoing: false },
    ];
    expect(overlapMs(spans, at(15), at(40))).toBe(15 * 60_000);
  });
});

describe('slaTimeline: the drawing of the first-response clock', () => {
  it('a running clock: opened → due, warning a quarter of the target before the due time (as the server’s slaWarningAt)', () => {
    const s = sla({ pausedMinutes: 15, firstResponseDueAt: iso(75) });
    const line = slaTimeline({ createdAt: iso(0), sla: s }, [{ from: at(10), to: at(25), ongoing: false }], at(30))!;
    expect(line).toMatchObject({ start: at(0), dueAt: at(75), end: at(75), respondedAt: null, breachedAt: null });
    expect(line.warnAt).toBe(slaWarningAt(s).getTime());
    expect(line.pauses).toEqual([{ from: at(10), to: at(25), ongoing: false }]);
  });

  it('a pause in progress moves the due time and the warning on by the wait so far', () => {
    const line = slaTimeline(clockCase({ pausedSince: iso(20) }), [{ from: at(20), to: at(50), ongoing: true }], at(50))!;
    expect(line).toMatchObject({ dueAt: at(90), warnAt: at(75), end: at(90) });
  });

  it('a clock past its due time with no response runs on to now, breached at the due time', () => {
    expect(slaTimeline(clockCase({ breached: true }), [], at(100))).toMatchObject({ dueAt: at(60), breachedAt: at(60), end: at(100) });
  });

  it('a responded clock ends at the due time or the response, whichever is later', () => {
    expect(slaTimeline(clockCase({ firstRespondedAt: iso(20) }), [], at(900))).toMatchObject({ respondedAt: at(20), end: at(60), breachedAt: null });
    expect(slaTimeline(clockCase({ firstRespondedAt: iso(70) }), [], at(900))).toMatchObject({ respondedAt: at(70), end: at(70), breachedAt: at(60) });
  });

  it('a wait after the response does not move the due time the drawing shows, and is drawn after the response', () => {
    // The server moves firstResponseDueAt by every finished wait, even after the clock stopped.
    const line = slaTimeline(clockCase({ firstRespondedAt: iso(20), pausedMinutes: 10, firstResponseDueAt: iso(70) }), [{ from: at(20), to: at(30), ongoing: false }], at(90))!;
    expect(line).toMatchObject({ dueAt: at(60), halfAt: at(30), warnAt: at(45), end: at(60), breachedAt: null });
    const late = slaTimeline(clockCase({ firstRespondedAt: iso(20), pausedMinutes: 60, firstResponseDueAt: iso(120) }), [{ from: at(20), to: at(80), ongoing: false }], at(90))!;
    expect(late).toMatchObject({ dueAt: at(60), end: at(80), pauses: [{ from: at(20), to: at(80), ongoing: false }] });
  });

  it('a wait long after the clock is cut at three times the clock’s length, so the clock is not squeezed to a sliver', () => {
    const line = slaTimeline(clockCase({ firstRespondedAt: iso(20) }), [{ from: at(100), to: at(3000), ongoing: true }], at(3000))!;
    expect(line.end).toBe(at(180));
    expect(line.pauses).toEqual([{ from: at(100), to: at(180), ongoing: true }]);
  });

  it('no SLA: nothing to draw', () => expect(slaTimeline(clockCase(null), [], at(0))).toBeNull());
});

describe('partnerClock: the escalation ladder', () => {
  const ladder = [
    { name: 'Escalation desk', email: 'esc@netapp.example', role: 'escalation_contact' },
    { name: 'Escalation manager', email: 'mgr@netapp.example', role: 'escalation_manager' },
  ];
  const escalation = (fields: Partial<Escalation>) => ({ level: 0, ackDueAt: iso(31), requestedAt: iso(0), acknowledgedAt: null, outcome: null, endedAt: null, ...fields });
  const asked = { type: 'status_changed', at: iso(1), data: { from: 'triaged', to: 'awaiting_partner', ackDueAt: iso(31) } } as const;
  const raised = (level: number, minutes: number, due: number) => ({ type: 'escalation_level_raised', at: iso(minutes), data: { level, ackDueAt: iso(due) } }) as const;
  const stepsOf = (clock: ReturnType<typeof partnerClock>) => clock.steps.map((s) => [s.level, s.contact?.name ?? 'partner', (s.startsAt - T0) / 60_000, (s.dueAt - T0) / 60_000, s.state]);

  it('waiting at level 0: the partner’s own target (30 min for P1), then each rung one more target from the last deadline, then the fallback', () => {
    const clock = partnerClock({ escalation: escalation({}), priority: 'P1', partner: { ackTargetsMinutes: { P1: 30 }, escalationLadder: ladder }, entries: [asked] });
    expect(stepsOf(clock)).toEqual([
      [0, 'partner', 1, 31, 'current'],
      [1, 'Escalation desk', 31, 61, 'upcoming'],
      [2, 'Escalation manager', 61, 91, 'upcoming'],
    ]);
    expect(clock).toMatchObject({ waiting: true, fallbackAt: at(91), ackMinutes: 30, askedAt: at(1) });
  });

  it('at rung 1, the earlier window is passed, its times from the timeline; a record without a target uses the default (P2: 120 min)', () => {
    const clock = partnerClock({
      escalation: escalation({ level: 1, ackDueAt: iso(245) }),
      priority: 'P2',
      partner: { ackTargetsMinutes: {}, escalationLadder: ladder },
      entries: [{ ...asked, data: { ...asked.data, ackDueAt: iso(121) } }, raised(1, 125, 245)],
    });
    expect(stepsOf(clock)).toEqual([
      [0, 'partner', 1, 121, 'passed'],
      [1, 'Escalation desk', 125, 245, 'current'],
      [2, 'Escalation manager', 245, 365, 'upcoming'],
    ]);
    expect(clock.fallbackAt).toBe(at(365));
  });

  it('acknowledged at level 0: only the window it was answered in, no projection', () => {
    const clock = partnerClock({
      escalation: escalation({ ackDueAt: null, acknowledgedAt: iso(2), outcome: 'acknowledged', endedAt: iso(2) }),
      priority: 'P1',
      partner: { ackTargetsMinutes: { P1: 30 }, escalationLadder: ladder },
      entries: [asked],
    });
    expect(stepsOf(clock)).toEqual([[0, 'partner', 1, 31, 'answered']]);
    expect(clock).toMatchObject({ waiting: false, fallbackAt: null, answeredAt: at(2) });
  });

  it('the ladder exhausted: every window passed, the fallback when Customer Care took it back', () => {
    const clock = partnerClock({
      escalation: escalation({ level: 2, ackDueAt: null, outcome: 'ladder_exhausted', endedAt: iso(91) }),
      priority: 'P1',
      partner: { ackTargetsMinutes: { P1: 30 }, escalationLadder: ladder },
      entries: [asked, raised(1, 31, 61), raised(2, 61, 91)],
    });
    expect(stepsOf(clock).map((s) => s[4])).toEqual(['passed', 'passed', 'passed']);
    expect(clock).toMatchObject({ fallbackAt: at(91), answeredAt: null });
  });

  it('an earlier escalation’s entries do not count (declined, then escalated again)', () => {
    const clock = partnerClock({
      escalation: escalation({ requestedAt: iso(200), ackDueAt: iso(260) }),
      priority: 'P1',
      partner: null,
      entries: [asked, raised(1, 31, 61), { ...asked, at: iso(200), data: { ...asked.data, ackDueAt: iso(260) } }],
    });
    expect(stepsOf(clock)).toEqual([[0, 'partner', 200, 260, 'current']]);
  });
});

describe('clockWords: the queue’s words for a clock', () => {
  it.each([
    ['On track', '36 min left (40 %)', clockCase(), 24],
    ['Over half used', '23 min left (61 %)', clockCase(), 37],
    ['At risk', '12 min left (80 %)', clockCase(), 48],
    ['Breached', '12 min ago', clockCase(), 72],
    ['Breached', 'just now', clockCase(), 60],
    ['Paused', 'waiting for the customer', clockCase({ pausedSince: iso(20), firstRespondedAt: iso(20) }), 90],
    ['Responded', 'after 10 min', clockCase({ firstRespondedAt: iso(10) }), 90],
    ['Responded', 'late, after 1 h 15 min', clockCase({ firstRespondedAt: iso(75) }), 90],
    ['No clock yet', 'triage has not set the priority', clockCase(null), 90],
  ] as const)('%s: %s', (label, detail, c, minutes) => {
    expect(clockWords(firstResponseClock(c, at(minutes)))).toEqual({ label, detail });
  });
});
