import type { CaseRecord, TimelineEntry } from '../firebase.js';
import { firstResponseClock, overlapMs, pausedSpans, percentUsed, slaTimeline, WARNING_FRACTION, type SlaTimeline, type Span } from '../model/sla-clock.js';
import { durationWords, timeWords } from '../model/words.js';
import { ChartLegend, ClockChart, type ChartMark, type ChartSegment } from './clock-chart.js';

/**
 * The case page's first-response clock: from the case being opened to its due time, the part used,
 * the waits for the customer (which do not count), the 75 % warning, and the response or the breach;
 * drawn, and told in a sentence beside the drawing.
 */
export function SlaClock(props: { c: CaseRecord; entries: readonly TimelineEntry[]; now: Date }) {
  const { c } = props;
  const now = props.now.getTime();
  const spans = pausedSpans(props.entries, c.sla?.pausedSince ?? null, now);
  const line = slaTimeline(c, spans, now);
  const summary = slaSummary(c, spans, now);
  const segments = line ? segmentsOf(line) : [];
  return (
    <section class="panel" aria-labelledby="sla-title">
      <h2 id="sla-title">First-response clock</h2>
      {line && (
        <>
          <ClockChart id="sla-chart" summary={summary} start={line.start} end={line.end} segments={segments} marks={marksOf(line, props.now)} />
          <ChartLegend items={LEGEND.filter((item) => segments.some((s) => s.kind === item.kind && visibleMs(s, line) > 0))} />
        </>
      )}
      <p class="clock-summary" id="sla-summary">
        {summary}
      </p>
    </section>
  );
}

/** How much of a stretch shows: the time after the response is drawn under the waits, which may hide it all. */
const visibleMs = (s: ChartSegment, line: SlaTimeline) => s.to - s.from - (s.kind === 'after' ? overlapMs(line.pauses, s.from, s.to) : 0);

const LEGEND = [
  { kind: 'used-ok', label: 'Used: under 50 %' },
  { kind: 'used-watch', label: '50–75 %' },
  { kind: 'used-risk', label: '75–100 %' },
  { kind: 'used-breached', label: 'Past the due time' },
  { kind: 'left', label: 'Time left' },
  { kind: 'after', label: 'After the first response' },
  { kind: 'paused', label: 'Waiting for the customer (never counted)' },
] as const;

/**
 * The bar: the target's span, the time used coloured band by band (under half, to 75 %, to the due
 * time, past it), what came after the response, and the waits for the customer over all of it.
 */
function segmentsOf(line: SlaTimeline): ChartSegment[] {
  const stop = Math.min(line.respondedAt ?? line.now, line.end);
  const used = (from: number, to: number, kind: ChartSegment['kind']): ChartSegment => ({ from: Math.max(from, line.start), to: Math.min(to, stop), kind });
  // What is left is only what the clock may still use: none once someone responded.
  const segments: ChartSegment[] = line.respondedAt === null ? [{ from: stop, to: line.dueAt, kind: 'left' }] : [];
  if (line.respondedAt !== null && line.end > line.respondedAt) segments.push({ from: line.respondedAt, to: line.end, kind: 'after' });
  segments.push(
    used(line.start, line.halfAt, 'used-ok'),
    used(line.halfAt, line.warnAt, 'used-watch'),
    used(line.warnAt, line.dueAt, 'used-risk'),
    used(line.dueAt, line.end, 'used-breached'),
    ...line.pauses.map((p) => ({ from: p.from, to: p.to, kind: 'paused' as const })),
  );
  return segments.filter((s) => s.to > s.from);
}

function marksOf(line: SlaTimeline, now: Date): ChartMark[] {
  const t = (ms: number) => timeWords(new Date(ms).toISOString(), now);
  const marks: ChartMark[] = [
    { at: line.start, label: `Opened ${t(line.start)}`, side: 'above', kind: 'plain' },
    { at: line.halfAt, label: '50 %', side: 'above', kind: 'warn' },
    { at: line.warnAt, label: `${Math.round(WARNING_FRACTION * 100)} % ${t(line.warnAt)}`, side: 'above', kind: 'warn' },
    { at: line.dueAt, label: `${line.breachedAt ? 'Missed' : 'Due'} ${t(line.dueAt)}`, side: 'above', kind: line.breachedAt ? 'breach' : 'due' },
  ];
  if (line.respondedAt !== null) marks.push({ at: line.respondedAt, label: `Responded ${t(line.respondedAt)}`, side: 'below', kind: 'done' });
  else if (line.now >= line.start && line.now <= line.end) marks.push({ at: line.now, label: `Now ${t(line.now)}`, side: 'below', kind: 'now' });
  for (const pause of line.pauses) marks.push({ at: pause.from, label: pause.ongoing ? `Waiting since ${t(pause.from)}` : `Waited ${durationWords(pause.to - pause.from)}`, side: 'below', kind: 'plain' });
  return marks;
}

/** The clock in sentences: the same words are the drawing's accessible name and the text beside it. */
export function slaSummary(c: CaseRecord, spans: readonly Span[], nowMs: number): string {
  const sla = c.sla;
  if (!sla) return 'No first-response clock yet: it starts when triage sets the priority, counted from when the case was opened.';
  const now = new Date(nowMs);
  const t = (ms: number) => timeWords(new Date(ms).toISOString(), now);
  const line = slaTimeline(c, spans, nowMs)!;
  const clock = firstResponseClock(c, nowMs, spans);
  const target = `${c.priority} target: a first response within ${durationWords(sla.targetMinutes * 60_000)} of opening (${t(line.start)})`;
  const waited = spans.reduce((sum, s) => sum + (s.to - s.from), 0);
  const waits = spans.length ? ` The case waited for the customer ${spans.length === 1 ? 'once' : `${spans.length} times`}, ${durationWords(waited)} in all${spans.some((s) => s.ongoing) ? ' so far' : ''}; waiting never counts against the clock.` : '';
  switch (clock.state) {
    case 'running':
      return `${target}, due ${t(clock.dueAt)}. ${durationWords(clock.remainingMs)} left: ${percentUsed(clock.fraction)} % used; the ${Math.round(WARNING_FRACTION * 100)} % warning ${line.warnAt <= nowMs ? 'has passed' : `falls at ${t(line.warnAt)}`}.${waits}`;
    case 'breached':
      return `${target}, due ${t(clock.dueAt)}. Breached: nobody has responded, and the due time passed ${clock.overdueMs < 60_000 ? 'just now' : `${durationWords(clock.overdueMs)} ago`}.${waits}`;
    case 'paused':
      return `${target}. ${clock.respondedAt !== null ? `Responded at ${t(clock.respondedAt)}, after ${durationWords(clock.usedMs)}. ` : ''}Paused since ${t(clock.since)}: waiting for the customer.${waits}`;
    case 'responded':
      return `${target}, due ${t(line.dueAt)}. Responded at ${t(clock.respondedAt)}, after ${durationWords(clock.usedMs)} (${percentUsed(clock.fraction)} % of the target)${clock.late ? ': late' : ': in time'}.${waits}`;
    case 'none':
      return target;
  }
}
