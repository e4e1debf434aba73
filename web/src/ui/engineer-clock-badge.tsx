import { bandOfClock, clockWords, percentUsed, type FirstResponseClock } from '../model/sla-clock.js';

/** Each band's shape, beside its colour and its words: ○ under half, ◑ over half, ▲ at risk, ✕ breached. */
const GLYPHS = { ok: '○', watch: '◑', risk: '▲', breached: '✕', paused: '‖', responded: '✓', none: '–' } as const;

/**
 * A queue row's first-response clock: the band's shape and colour, its words ("At risk: 3 min left
 * (80 %)"), and a bar of the share used, for the eye to scan down the column.
 */
export function ClockBadge(props: { clock: FirstResponseClock }) {
  const { clock } = props;
  const band = bandOfClock(clock);
  // A running clock always has a band: what is left is a clock that does not run.
  const kind = band ?? (clock.state as 'paused' | 'responded' | 'none');
  const words = clockWords(clock);
  const fraction = clock.state === 'running' || clock.state === 'breached' ? Math.min(1, clock.fraction) : null;
  const separator = clock.state === 'breached' ? ' ' : ': ';
  return (
    <span class={`clock clock--${kind}`}>
      <span class="clock__glyph" aria-hidden="true">
        {GLYPHS[kind]}
      </span>
      <span class="clock__words">
        <strong class="clock__label">{words.label}</strong>
        {separator}
        {/* "(60 %)" stays on one line: a wrapped "60" and "%" read as two things. */}
        {words.detail.split(/(\(\d+ %\))/).map((part, i) => (i % 2 ? <span key={i} class="nowrap">{part}</span> : part))}
      </span>
      {fraction !== null && (
        <span class="clock__bar" aria-hidden="true">
          <span class="clock__fill" style={{ width: `${percentUsed(fraction)}%` }} />
        </span>
      )}
    </span>
  );
}
