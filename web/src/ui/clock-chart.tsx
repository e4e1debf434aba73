/**
 * A clock drawn as a horizontal timeline in SVG: coloured stretches on one bar (time used, time
 * left, waits, overtime) and marks with their labels above and below it. Labels that would overlap
 * move to another line instead, so none is drawn over another. The drawing is one image to
 * assistive technology, named by `summary`; the page shows the same summary in text beside it, and
 * every stretch has its own fill pattern as well as its colour.
 */

export type SegmentKind = 'left' | 'used-ok' | 'used-watch' | 'used-risk' | 'used-breached' | 'paused' | 'after' | 'passed' | 'current' | 'upcoming' | 'answered';

export interface ChartSegment {
  from: number;
  to: number;
  kind: SegmentKind;
}

export interface ChartMark {
  at: number;
  label: string;
  side: 'above' | 'below';
  /** How the tick is drawn: a due time is bold, a warning dashed, now a dark line. */
  kind: 'plain' | 'due' | 'warn' | 'now' | 'done' | 'breach';
}

const WIDTH = 720;
const PAD = 6;
const BAR = 18;
const LINE = 15;
const FONT = 12;
/** A generous average glyph width for the system font at 12 px: labels are spaced by it. */
const CHAR = 6.9;

interface PlacedLabel {
  mark: ChartMark;
  x: number;
  anchor: 'start' | 'middle' | 'end';
  lane: number;
}

/** Puts each label on the first line where it overlaps no other, nearest the bar first. */
export function placeLabels(marks: readonly { x: number; mark: ChartMark }[]): PlacedLabel[] {
  const lanes: [number, number][][] = [];
  return [...marks]
    .sort((a, b) => a.x - b.x)
    .map(({ x, mark }) => {
      const width = mark.label.length * CHAR + 6;
      let anchor: PlacedLabel['anchor'] = 'middle';
      let left = x - width / 2;
      if (left < 0) [anchor, left] = ['start', Math.max(0, x - 3)];
      else if (x + width / 2 > WIDTH) [anchor, left] = ['end', Math.min(WIDTH, x + 3) - width];
      const box: [number, number] = [left, left + width];
      let lane = lanes.findIndex((boxes) => boxes.every(([l, r]) => box[1] <= l || box[0] >= r));
      if (lane === -1) lane = lanes.push([]) - 1;
      lanes[lane]!.push(box);
      const textX = anchor === 'start' ? Math.max(x, 2) : anchor === 'end' ? Math.min(x, WIDTH - 2) : x;
      return { mark, x: textX, anchor, lane };
    });
}

export function ClockChart(props: { id: string; summary: string; start: number; end: number; segments: readonly ChartSegment[]; marks: readonly ChartMark[] }) {
  const span = Math.max(props.end - props.start, 60_000);
  const xOf = (t: number) => PAD + ((Math.min(Math.max(t, props.start), props.start + span) - props.start) / span) * (WIDTH - 2 * PAD);
  const withX = props.marks.map((mark) => ({ mark, x: xOf(mark.at) }));
  const above = placeLabels(withX.filter((m) => m.mark.side === 'above'));
  const below = placeLabels(withX.filter((m) => m.mark.side === 'below'));
  const linesAbove = Math.max(1, ...above.map((l) => l.lane + 1));
  const linesBelow = Math.max(0, ...below.map((l) => l.lane + 1));
  const barTop = linesAbove * LINE + 8;
  const barBottom = barTop + BAR;
  const height = barBottom + linesBelow * LINE + 10;
  const titleId = `${props.id}-title`;
  const placed = [...above.map((l) => ({ ...l, side: 'above' as const })), ...below.map((l) => ({ ...l, side: 'below' as const }))];
  const labelY = (side: 'above' | 'below', lane: number) => (side === 'above' ? barTop - 6 - lane * LINE : barBottom + 14 + lane * LINE);
  const tick = (side: 'above' | 'below', lane: number) => (side === 'above' ? [labelY(side, lane) + 3, barBottom] : [barTop, labelY(side, lane) - FONT + 1]);

  return (
    <svg class="clock-chart" viewBox={`0 0 ${WIDTH} ${height}`} role="img" aria-labelledby={titleId} preserveAspectRatio="xMinYMin meet">
      <title id={titleId}>{props.summary}</title>
      <defs>
        {/* Patterns, so stretches differ by texture as well as colour. */}
        <pattern id={`${props.id}-hatch`} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="6" height="6" class="clock-chart__hatch-bg" />
          <line x1="0" y1="0" x2="0" y2="6" class="clock-chart__hatch" />
        </pattern>
        <pattern id={`${props.id}-dots`} width="5" height="5" patternUnits="userSpaceOnUse">
          <rect width="5" height="5" class="clock-chart__over-bg" />
          <circle cx="2.5" cy="2.5" r="1.1" class="clock-chart__over-dot" />
        </pattern>
      </defs>
      <rect x={PAD} y={barTop} width={WIDTH - 2 * PAD} height={BAR} class="clock-chart__track" />
      {props.segments.map((s, i) => {
        const x = xOf(s.from);
        const width = Math.max(0, xOf(s.to) - x);
        const fill = s.kind === 'paused' ? `url(#${props.id}-hatch)` : s.kind === 'used-breached' ? `url(#${props.id}-dots)` : undefined;
        // A pattern as an inline style: it wins over the stylesheet's fill for the kind.
        return <rect key={i} x={x} y={barTop} width={width} height={BAR} class={`clock-chart__seg clock-chart__seg--${s.kind}`} style={fill ? { fill } : undefined} />;
      })}
      {/* Every tick before any label, and each label on a halo: a tick never runs through a word. */}
      {placed.map((l, i) => {
        const [y1, y2] = tick(l.side, l.lane);
        const x = xOf(l.mark.at);
        return <line key={i} x1={x} x2={x} y1={y1} y2={y2} class={`clock-chart__tick clock-chart__tick--${l.mark.kind}`} />;
      })}
      {placed.map((l, i) => (
        <text key={i} x={l.x} y={labelY(l.side, l.lane)} text-anchor={l.anchor} font-size={FONT} class={`clock-chart__label clock-chart__label--${l.mark.kind}`}>
          {l.mark.label}
        </text>
      ))}
    </svg>
  );
}

/** A key to the drawing's stretches, in words. */
export function ChartLegend(props: { items: readonly { kind: SegmentKind; label: string }[] }) {
  return (
    <ul class="clock-legend">
      {props.items.map((item) => (
        <li key={item.kind}>
          <span class={`clock-legend__swatch clock-legend__swatch--${item.kind}`} aria-hidden="true" />
          {item.label}
        </li>
      ))}
    </ul>
  );
}
