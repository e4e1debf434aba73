import type { Case, Escalation, Priority, TimelineEvent } from '../../../functions/src/domain/case-model.js';
import { durationWords } from './words.js';

/**
 * The console's two clocks as plain numbers: the first-response clock (how much of the target is
 * used, its band, the paused spans, the order of the queue by risk) and the partner's
 * acknowledgement clock (the rungs of its escalation ladder and their deadlines). Pure: no DOM, no
 * Firebase, no "now" of its own; times are milliseconds since the epoch.
 *
 * It mirrors the server's rules rather than inventing its own: the due time already carries every
 * finished pause (case-state-machine.ts moves it on resume), the warning falls a quarter of the
 * target before the due time (sla-policy.ts `slaWarningAt`), and each rung of the ladder gets the
 * partner's full acknowledgement target from the moment the previous one ran out
 * (partner-escalation.ts `ackWindowPassed`).
 */

/**
 * sla-policy.ts's SLA_WARNING_FRACTION and DEFAULT_PARTNER_ACK_MINUTES, repeated because that module
 * builds zod schemas, which the browser bundle does not carry; test/unit/web-sla-clock.test.ts holds
 * the two copies equal.
 */
export const WARNING_FRACTION = 0.75;
export const DEFAULT_PARTNER_ACK_MINUTES: Readonly<Record<Priority, number>> = { P1: 60, P2: 120, P3: 480, P4: 1440 };
/** Past half the target a case deserves a look: the console's own band, the server has no event for it. */
export const WATCH_FRACTION = 0.5;

const MINUTE = 60_000;
const ms = (iso: string): number => Date.parse(iso);

/** Under 50 %, 50–75 %, 75–100 %, and past the due time. */
export type Band = 'ok' | 'watch' | 'risk' | 'breached';

export function bandOf(fraction: number): Band {
  if (fraction >= 1) return 'breached';
  if (fraction >= WARNING_FRACTION) return 'risk';
  if (fraction >= WATCH_FRACTION) return 'watch';
  return 'ok';
}

/** A stretch of time, `to` exclusive; `ongoing`: it has not ended, `to` is now. */
export interface Span {
  from: number;
  to: number;
  ongoing: boolean;
}

/**
 * When the case waited for the customer: from each move into `awaiting_customer` to the move out of
 * it, from the timeline's `status_changed` entries, and the wait still going on (`sla.pausedSince`,
 * or an entry with no move out yet) up to `now`.
 */
export function pausedSpans(entries: readonly Pick<TimelineEvent, 'type' | 'at' | 'data'>[], pausedSince: string | null, now: number): Span[] {
  const spans: Span[] = [];
  let open: number | null = null;
  const moves = entries.filter((e) => e.type === 'status_changed').sort((a, b) => ms(a.at) - ms(b.at));
  for (const move of moves) {
    if (move.data.to === 'awaiting_customer' && open === null) open = ms(move.at);
    else if (move.data.from === 'awaiting_customer' && open !== null) {
      spans.push({ from: open, to: ms(move.at), ongoing: false });
      open = null;
    }
  }
  // The case document is the truth for a wait in progress, even before its timeline entry arrives.
  const since = open ?? (pausedSince ? ms(pausedSince) : null);
  if (since !== null) spans.push({ from: since, to: Math.max(since, now), ongoing: true });
  return spans;
}

/** How much of [from, to) the spans cover. */
export function overlapMs(spans: readonly Span[], from: number, to: number): number {
  return spans.reduce((sum, s) => sum + Math.max(0, Math.min(s.to, to) - Math.max(s.from, from)), 0);
}

export type FirstResponseClock =
  | { state: 'none' }
  | { state: 'running'; band: Exclude<Band, 'breached'>; fraction: number; usedMs: number; remainingMs: number; dueAt: number; targetMs: number }
  | { state: 'breached'; band: 'breached'; fraction: number; usedMs: number; overdueMs: number; dueAt: number; targetMs: number }
  /** Waiting for the customer. Since a question to the customer is itself a response, `respondedAt` is nearly always set. */
  | { state: 'paused'; since: number; respondedAt: number | null; fraction: number; usedMs: number; targetMs: number }
  | { state: 'responded'; respondedAt: number; fraction: number; usedMs: number; late: boolean; targetMs: number };

type ClockCase = Pick<Case, 'sla' | 'createdAt'>;

/**
 * The first-response clock of a case at `now`. `spans` (from the timeline) make a responded clock's
 * time exact; without them (the queue reads no timelines) the time before the response is taken as
 * unpaused, which it is in practice: any move into `awaiting_customer` is itself a response.
 */
export function firstResponseClock(c: ClockCase, now: number, spans: readonly Span[] = []): FirstResponseClock {
  const sla = c.sla;
  if (!sla) return { state: 'none' };
  const created = ms(c.createdAt);
  const targetMs = sla.targetMinutes * MINUTE;
  const respondedAt = sla.firstRespondedAt ? ms(sla.firstRespondedAt) : null;
  const respondedUsed = respondedAt === null ? 0 : respondedAt - created - overlapMs(spans, created, respondedAt);
  if (sla.pausedSince) {
    const since = ms(sla.pausedSince);
    const usedMs = respondedAt !== null ? respondedUsed : since - created - sla.pausedMinutes * MINUTE;
    return { state: 'paused', since, respondedAt, usedMs, fraction: usedMs / targetMs, targetMs };
  }
  if (respondedAt !== null) {
    const fraction = respondedUsed / targetMs;
    return { state: 'responded', respondedAt, usedMs: respondedUsed, fraction, late: sla.breached || fraction > 1, targetMs };
  }
  const dueAt = ms(sla.firstResponseDueAt);
  const remainingMs = dueAt - now;
  const usedMs = targetMs - remainingMs;
  const fraction = usedMs / targetMs;
  if (remainingMs <= 0 || sla.breached) return { state: 'breached', band: 'breached', fraction, usedMs, overdueMs: Math.max(0, -remainingMs), dueAt, targetMs };
  return { state: 'running', band: bandOf(fraction) as Exclude<Band, 'breached'>, fraction, usedMs, remainingMs, dueAt, targetMs };
}

/** The band a clock shows, or none for a clock that is not running (responded, paused, not started). */
export const bandOfClock = (clock: FirstResponseClock): Band | null => (clock.state === 'running' || clock.state === 'breached' ? clock.band : null);

const RISK_RANK: Record<FirstResponseClock['state'], number> = { breached: 0, running: 1, paused: 2, responded: 3, none: 4 };

/**
 * The queue's order: breached first, then the running clocks by the share of the target used (the
 * most used first), then everything without a running clock. Ties keep their order (the query's:
 * most recently updated first), as Array.prototype.sort is stable.
 */
export function compareRisk(a: FirstResponseClock, b: FirstResponseClock): number {
  const rank = RISK_RANK[a.state] - RISK_RANK[b.state];
  if (rank !== 0) return rank;
  if (a.state === 'breached' || a.state === 'running') return (b as { fraction: number }).fraction - a.fraction;
  return 0;
}

/** Whole percent used, rounded down, so "75 %" never shows before the warning band starts. */
export const percentUsed = (fraction: number): number => Math.max(0, Math.floor(fraction * 100 + 1e-9));

/** The first-response clock laid out in time, for the case page's drawing. */
export interface SlaTimeline {
  start: number;
  /**
   * The due time: the server's, moved on by a wait in progress (the server moves it when the wait
   * ends); for a responded clock, the target plus the waits before the response only, since the
   * server goes on moving its due time for waits after the clock stopped.
   */
  dueAt: number;
  /** Where the 50 % and 75 % bands begin, counted back from the due time as the server counts the warning. */
  halfAt: number;
  warnAt: number;
  respondedAt: number | null;
  /** The due time, when it passed before anyone responded. */
  breachedAt: number | null;
  now: number;
  /** The drawing's right edge: the due time, or the response or now if later, and the waits soon after. */
  end: number;
  pauses: Span[];
  targetMs: number;
}

export function slaTimeline(c: ClockCase, spans: readonly Span[], now: number): SlaTimeline | null {
  const sla = c.sla;
  if (!sla) return null;
  const start = ms(c.createdAt);
  const targetMs = sla.targetMinutes * MINUTE;
  const respondedAt = sla.firstRespondedAt ? ms(sla.firstRespondedAt) : null;
  const pausedNow = respondedAt === null && sla.pausedSince ? Math.max(0, now - ms(sla.pausedSince)) : 0;
  const dueAt = respondedAt !== null ? start + targetMs + overlapMs(spans, start, respondedAt) : ms(sla.firstResponseDueAt) + pausedNow;
  const stop = respondedAt ?? now;
  const clockEnd = Math.max(dueAt, stop);
  // Waits after the clock are drawn too, unless so much later that the clock itself would shrink to a sliver.
  const limit = start + 3 * (clockEnd - start);
  const end = Math.min(limit, Math.max(clockEnd, ...spans.filter((s) => s.from < limit).map((s) => s.to)));
  return {
    start,
    dueAt,
    halfAt: dueAt - (1 - WATCH_FRACTION) * targetMs,
    warnAt: dueAt - (1 - WARNING_FRACTION) * targetMs,
    respondedAt,
    breachedAt: stop > dueAt || (sla.breached && respondedAt === null) ? dueAt : null,
    now,
    end,
    pauses: spans.filter((s) => s.to > start && s.from < end).map((s) => ({ ...s, from: Math.max(s.from, start), to: Math.min(s.to, end) })),
    targetMs,
  };
}

/** A partner's acknowledgement target for a priority: its own record's, else the default. */
export const partnerAckMinutes = (priority: Priority, targets: Partial<Record<Priority, number>> = {}): number => targets[priority] ?? DEFAULT_PARTNER_ACK_MINUTES[priority];

export interface LadderContact {
  name: string;
  email?: string;
  role?: string;
}

/**
 * One window of the escalation: level 0 is the partner asked, level n the n-th rung of its ladder.
 * `passed`: it ran out unanswered; `answered`: the partner answered (or declined) within it;
 * `current`: waiting now; `upcoming`: what happens if nobody answers (projected).
 */
export interface LadderStep {
  level: number;
  contact: LadderContact | null;
  startsAt: number;
  dueAt: number;
  state: 'passed' | 'answered' | 'current' | 'upcoming';
}

export interface PartnerClock {
  askedAt: number;
  ackMinutes: number;
  steps: LadderStep[];
  /** Waiting for an acknowledgement now. */
  waiting: boolean;
  /** When Customer Care takes the case back if nobody answers (waiting), or took it back (ladder exhausted). */
  fallbackAt: number | null;
  answeredAt: number | null;
  outcome: Escalation['outcome'];
  level: number;
}

type PartnerClockEscalation = Pick<Escalation, 'level' | 'ackDueAt' | 'requestedAt' | 'acknowledgedAt' | 'outcome' | 'endedAt'>;

/**
 * The partner clock of an escalation: each level's actual start and deadline from the timeline
 * (`status_changed` into `awaiting_partner`, `escalation_level_raised`), the current one from the
 * case, and the rest projected as the workflow would climb them, one full target each.
 */
export function partnerClock(input: {
  escalation: PartnerClockEscalation;
  priority: Priority;
  partner: { ackTargetsMinutes?: Partial<Record<Priority, number>>; escalationLadder?: readonly LadderContact[] } | null;
  entries: readonly Pick<TimelineEvent, 'type' | 'at' | 'data'>[];
}): PartnerClock {
  const { escalation } = input;
  const ackMinutes = partnerAckMinutes(input.priority, input.partner?.ackTargetsMinutes);
  const ladder = input.partner?.escalationLadder ?? [];
  const requested = ms(escalation.requestedAt);
  // This escalation's own entries: an earlier one (declined, then escalated again) is history.
  const mine = input.entries.filter((e) => ms(e.at) >= requested).sort((a, b) => ms(a.at) - ms(b.at));
  const asked = mine.find((e) => e.type === 'status_changed' && e.data.to === 'awaiting_partner');
  const known = new Map<number, { startsAt: number; dueAt: number | null }>();
  known.set(0, { startsAt: asked ? ms(asked.at) : requested, dueAt: typeof asked?.data.ackDueAt === 'string' ? ms(asked.data.ackDueAt) : null });
  for (const e of mine) {
    if (e.type === 'escalation_level_raised' && typeof e.data.level === 'number') {
      known.set(e.data.level, { startsAt: ms(e.at), dueAt: typeof e.data.ackDueAt === 'string' ? ms(e.data.ackDueAt) : null });
    }
  }
  const waiting = escalation.outcome === null && escalation.ackDueAt !== null;
  const answeredAt = escalation.acknowledgedAt ? ms(escalation.acknowledgedAt) : escalation.outcome && escalation.outcome !== 'ladder_exhausted' && escalation.endedAt ? ms(escalation.endedAt) : null;
  const steps: LadderStep[] = [];
  const lastLevel = waiting ? ladder.length : escalation.level;
  for (let level = 0; level <= lastLevel; level++) {
    const previous = steps[level - 1];
    const fact = known.get(level);
    const startsAt = fact?.startsAt ?? previous?.dueAt ?? requested;
    const current = level === escalation.level;
    const dueAt = (current && escalation.ackDueAt ? ms(escalation.ackDueAt) : fact?.dueAt) ?? startsAt + ackMinutes * MINUTE;
    let state: LadderStep['state'];
    if (level < escalation.level) state = 'passed';
    else if (level > escalation.level) state = 'upcoming';
    else if (waiting) state = 'current';
    else state = escalation.outcome === 'ladder_exhausted' ? 'passed' : 'answered';
    steps.push({ level, contact: level === 0 ? null : (ladder[level - 1] ?? null), startsAt, dueAt, state });
  }
  const fallbackAt = waiting ? steps.at(-1)!.dueAt : escalation.outcome === 'ladder_exhausted' && escalation.endedAt ? ms(escalation.endedAt) : null;
  return { askedAt: steps[0]!.startsAt, ackMinutes, steps, waiting, fallbackAt, answeredAt, outcome: escalation.outcome, level: escalation.level };
}

/** What each band is called beside its colour and shape: the band is never told by colour alone. */
export const BAND_WORDS: Readonly<Record<Band, string>> = {
  ok: 'On track',
  watch: 'Over half used',
  risk: 'At risk',
  breached: 'Breached',
};

/**
 * A clock in a queue row's words: a label ("At risk") and the detail ("3 min left (80 %)"), so the
 * row reads "At risk: 3 min left (80 %)", "Breached 12 min ago", "Paused: waiting for the customer".
 */
export function clockWords(clock: FirstResponseClock): { label: string; detail: string } {
  switch (clock.state) {
    case 'running':
      return { label: BAND_WORDS[clock.band], detail: `${durationWords(clock.remainingMs)} left (${percentUsed(clock.fraction)} %)` };
    case 'breached':
      return { label: 'Breached', detail: clock.overdueMs < 60_000 ? 'just now' : `${durationWords(clock.overdueMs)} ago` };
    case 'paused':
      return { label: 'Paused', detail: 'waiting for the customer' };
    case 'responded':
      return { label: 'Responded', detail: clock.late ? `late, after ${durationWords(clock.usedMs)}` : `after ${durationWords(clock.usedMs)}` };
    case 'none':
      return { label: 'No clock yet', detail: 'triage has not set the priority' };
  }
}
