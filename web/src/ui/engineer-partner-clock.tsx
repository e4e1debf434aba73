import type { CaseRecord, TimelineEntry } from '../firebase.js';
import { partnerClock, type LadderStep, type PartnerClock } from '../model/sla-clock.js';
import { durationWords, timeWords } from '../model/words.js';
import { ChartLegend, ClockChart, type ChartMark, type ChartSegment } from './clock-chart.js';
import type { PartnerRecord } from './engineer-data.js';

/**
 * The partner's acknowledgement clock, for a case escalated to a partner: when the partner was
 * asked, the deadline of each window (the partner, then each rung of its escalation ladder), when
 * Customer Care takes the case back if nobody answers, and the acknowledgement; with the partner's
 * ticket and the ladder level.
 */
export function PartnerClockView(props: { c: CaseRecord; partner: PartnerRecord | null; partnerLoading: boolean; entries: readonly TimelineEntry[]; now: Date }) {
  const { c } = props;
  const partnerName = props.partner?.name ?? c.partnerId ?? 'the partner';
  if (!c.escalation) {
    if (!c.escalationRequest) return null;
    return (
      <section class="panel" aria-labelledby="partner-title">
        <h2 id="partner-title">Partner clock</h2>
        <p class="clock-summary">
          An escalation to {partnerName} was asked for at {timeWords(c.escalationRequest.requestedAt, props.now)}; its clock starts once the partner has been asked.
        </p>
      </section>
    );
  }
  // The ladder and the targets are the partner's data: without them the clock would be drawn wrong.
  if (props.partnerLoading) {
    return (
      <section class="panel" aria-labelledby="partner-title">
        <h2 id="partner-title">Partner clock</h2>
        <p class="loading">Loading {partnerName}’s escalation ladder…</p>
      </section>
    );
  }
  const clock = partnerClock({ escalation: c.escalation, priority: c.priority, partner: props.partner, entries: props.entries });
  const now = props.now.getTime();
  const summary = partnerSummary(clock, partnerName, props.now);
  const end = Math.max(clock.fallbackAt ?? 0, clock.steps.at(-1)!.dueAt, clock.answeredAt ?? 0, clock.waiting ? now : 0);
  const ladder = props.partner?.escalationLadder ?? [];
  return (
    <section class="panel" aria-labelledby="partner-title">
      <h2 id="partner-title">Partner clock</h2>
      <dl class="facts facts--inline">
        <div class="facts__item">
          <dt>Partner</dt>
          <dd>{partnerName}</dd>
        </div>
        <div class="facts__item">
          <dt>Their ticket</dt>
          <dd>{c.escalation.partnerTicketId ?? 'None given yet'}</dd>
        </div>
        <div class="facts__item">
          <dt>Ladder level</dt>
          <dd>{clock.level === 0 ? `0 of ${ladder.length}: the partner itself` : `${clock.level} of ${ladder.length}: ${ladder[clock.level - 1]?.name ?? 'a rung'}`}</dd>
        </div>
      </dl>
      <ClockChart id="partner-chart" summary={summary} start={clock.askedAt} end={end} segments={segmentsOf(clock, now)} marks={marksOf(clock, props.now)} />
      <ChartLegend items={LEGEND.filter((item) => clock.steps.some((s) => s.state === item.kind))} />
      <p class="clock-summary">{summary}</p>
      {clock.waiting && (
        <ol class="ladder">
          {clock.steps.map((step) => (
            <li key={step.level} class={`ladder__step ladder__step--${step.state}`}>
              {step.state === 'current' && <span class="ladder__now">Now: </span>}
              <strong>{stepName(step, partnerName)}</strong>: {stepWords(step, props.now)}
            </li>
          ))}
          <li class="ladder__step ladder__step--upcoming">
            <strong>Fallback</strong>: Customer Care takes the case back at {timeWords(new Date(clock.fallbackAt!).toISOString(), props.now)} and tells the customer.
          </li>
        </ol>
      )}
    </section>
  );
}

const LEGEND = [
  { kind: 'passed', label: 'Window ran out' },
  { kind: 'answered', label: 'Answered in this window' },
  { kind: 'current', label: 'Waiting now' },
  { kind: 'upcoming', label: 'Next, if nobody answers' },
] as const;

const stepName = (step: LadderStep, partnerName: string) => (step.level === 0 ? partnerName : `Rung ${step.level}, ${step.contact?.name ?? 'the next contact'}`);

function stepWords(step: LadderStep, now: Date): string {
  const t = (ms: number) => timeWords(new Date(ms).toISOString(), now);
  switch (step.state) {
    case 'passed':
      return `asked ${t(step.startsAt)}, no answer by ${t(step.dueAt)}`;
    case 'answered':
      return `asked ${t(step.startsAt)}, answered in time`;
    case 'current':
      return `asked ${t(step.startsAt)}, answer due ${t(step.dueAt)} (${step.dueAt > now.getTime() ? `${durationWords(step.dueAt - now.getTime())} left` : 'due now'})`;
    case 'upcoming':
      return `asked at ${t(step.startsAt)} if nobody answers, then due ${t(step.dueAt)}`;
  }
}

function segmentsOf(clock: PartnerClock, now: number): ChartSegment[] {
  const segments: ChartSegment[] = [];
  for (const step of clock.steps) {
    if (step.state === 'current') {
      segments.push({ from: step.startsAt, to: step.dueAt, kind: 'upcoming' }, { from: step.startsAt, to: Math.min(now, step.dueAt), kind: 'current' });
    } else if (step.state === 'answered') {
      segments.push({ from: step.startsAt, to: clock.answeredAt ?? step.dueAt, kind: 'answered' });
    } else {
      segments.push({ from: step.startsAt, to: step.dueAt, kind: step.state });
    }
  }
  return segments;
}

function marksOf(clock: PartnerClock, now: Date): ChartMark[] {
  const t = (ms: number) => timeWords(new Date(ms).toISOString(), now);
  const marks: ChartMark[] = [{ at: clock.askedAt, label: `Asked ${t(clock.askedAt)}`, side: 'above', kind: 'plain' }];
  for (const step of clock.steps.slice(1)) marks.push({ at: step.startsAt, label: `Rung ${step.level} ${t(step.startsAt)}`, side: 'above', kind: 'warn' });
  if (clock.fallbackAt !== null) marks.push({ at: clock.fallbackAt, label: `Fallback ${t(clock.fallbackAt)}`, side: 'above', kind: 'due' });
  else if (clock.waiting === false && clock.answeredAt === null) {
    const last = clock.steps.at(-1)!;
    marks.push({ at: last.dueAt, label: `Due ${t(last.dueAt)}`, side: 'above', kind: 'due' });
  }
  if (clock.answeredAt !== null) {
    const last = clock.steps.at(-1)!;
    marks.push({ at: last.dueAt, label: `Was due ${t(last.dueAt)}`, side: 'above', kind: 'due' });
  }
  if (clock.answeredAt !== null) marks.push({ at: clock.answeredAt, label: `${clock.outcome === 'declined' ? 'Declined' : 'Acknowledged'} ${t(clock.answeredAt)}`, side: 'below', kind: 'done' });
  if (clock.waiting) marks.push({ at: now.getTime(), label: `Now ${t(now.getTime())}`, side: 'below', kind: 'now' });
  return marks;
}

export function partnerSummary(clock: PartnerClock, partnerName: string, now: Date): string {
  const t = (ms: number) => timeWords(new Date(ms).toISOString(), now);
  const asked = `${partnerName} was asked at ${t(clock.askedAt)}, with ${durationWords(clock.ackMinutes * 60_000)} to acknowledge each time.`;
  if (clock.waiting) {
    const current = clock.steps.find((s) => s.state === 'current')!;
    const who = current.level === 0 ? partnerName : `rung ${current.level} of the ladder (${current.contact?.name ?? 'the next contact'})`;
    const left = current.dueAt - now.getTime();
    return `${asked} Waiting for ${who} to acknowledge by ${t(current.dueAt)}${left > 0 ? `, ${durationWords(left)} from now` : ''}. If nobody answers, the ladder climbs and Customer Care takes the case back at ${t(clock.fallbackAt!)}.`;
  }
  switch (clock.outcome) {
    case 'acknowledged':
      return `${asked} ${partnerName} acknowledged at ${t(clock.answeredAt!)}${clock.level ? `, at rung ${clock.level} of the ladder` : ''}, ${durationWords(clock.answeredAt! - clock.steps.at(-1)!.startsAt)} after being asked.`;
    case 'info_requested':
      return `${asked} ${partnerName} asked the customer for information at ${t(clock.answeredAt!)}, which acknowledges the case.`;
    case 'declined':
      return `${asked} ${partnerName} declined the case at ${t(clock.answeredAt!)}: Customer Care handles it.`;
    case 'ladder_exhausted':
      return `${asked} Nobody acknowledged through ${clock.steps.length - 1} rungs of the ladder: Customer Care took the case back at ${t(clock.fallbackAt!)}.`;
    default:
      return asked;
  }
}
