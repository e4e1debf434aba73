/**
 * The benchmark's figures as data, and the two reports made from them: `bench/report.json` and a
 * self-contained `bench/report.html` (inline SVG, no external assets). Pure functions: the bench
 * modules measure and return figures, bench/run.ts writes the files.
 */

/** A target on the figure's value, or on its ratio to the baseline. */
export interface Target {
  op: '<=' | '>=';
  value: number;
  /** What the target bounds: the value itself (default) or value / baseline. */
  on?: 'value' | 'ratio';
}

export interface Figure {
  /** The report's section: one table per section. */
  section: string;
  name: string;
  value: number;
  unit: string;
  /** What the figure is measured against in the same run, where there is one. */
  baseline?: { name: string; value: number };
  target?: Target;
  /** Anything the reader needs beside the number. */
  note?: string;
  /** The command and the time the figure was measured. */
  measured: { command: string; at: string };
}

export interface ReportedFigure extends Figure {
  ratio: number | null;
  met: boolean | null;
}

export const ratioOf = (f: Figure): number | null => (f.baseline && f.baseline.value !== 0 ? f.value / f.baseline.value : null);

/** Whether the target is met; null without a target (or a ratio target without a baseline). */
export function metOf(f: Figure): boolean | null {
  if (!f.target) return null;
  const x = f.target.on === 'ratio' ? ratioOf(f) : f.value;
  if (x === null) return null;
  return f.target.op === '<=' ? x <= f.target.value : x >= f.target.value;
}

/**
 * A number for people: up to `digits` decimals, more when fewer would show a missed figure equal to
 * (or on the met side of) its target, so a miss is never rounded into a pass.
 */
export function formatNumber(x: number, digits = 2, avoid?: Target): string {
  const show = (d: number) => x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: 0 });
  // Three significant digits at least for small numbers (a case's cost in dollars): never shown as 0.
  if (x !== 0 && Math.abs(x) < 1) digits = Math.min(20, Math.max(digits, 2 - Math.floor(Math.log10(Math.abs(x)))));
  if (!avoid) return show(digits);
  const missed = avoid.op === '<=' ? x > avoid.value : x < avoid.value;
  let d = digits;
  while (missed && d < 20) {
    const shown = Number(show(d).replace(/,/g, ''));
    if (avoid.op === '<=' ? shown > avoid.value : shown < avoid.value) break;
    d++;
  }
  return show(d);
}

const targetText = (t: Target, unit: string) => `${t.op === '<=' ? '≤' : '≥'} ${formatNumber(t.value, 6)}${t.on === 'ratio' ? '× baseline' : ` ${unit}`}`;

export function toReport(figures: Figure[], generatedAt: string): { generatedAt: string; figures: ReportedFigure[] } {
  return { generatedAt, figures: figures.map((f) => ({ ...f, ratio: ratioOf(f), met: metOf(f) })) };
}

export const toJson = (figures: Figure[], generatedAt: string): string => `${JSON.stringify(toReport(figures, generatedAt), null, 2)}\n`;

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** The figure's value as shown, with the ratio shown as exactly as the miss needs. */
function shown(f: ReportedFigure): { value: string; ratio: string } {
  const t = f.target;
  return {
    value: `${formatNumber(f.value, 2, t && t.on !== 'ratio' ? t : undefined)} ${f.unit}`,
    ratio: f.ratio === null ? '' : `${formatNumber(f.ratio, 2, t && t.on === 'ratio' ? t : undefined)}×`,
  };
}

function verdict(f: ReportedFigure): string {
  if (f.met === null) return 'no target';
  const s = shown(f);
  const figure = f.target?.on === 'ratio' ? s.ratio : s.value;
  return f.met ? `met (${figure})` : `missed (${figure} against ${targetText(f.target!, f.unit)})`;
}

/** One horizontal bar chart: the value, the baseline beside it, and the target as a line. */
function chart(f: ReportedFigure, id: string): string {
  const bars: { label: string; value: number }[] = [{ label: f.name, value: f.value }];
  if (f.baseline) bars.push({ label: f.baseline.name, value: f.baseline.value });
  const targetValue = f.target ? (f.target.on === 'ratio' ? (f.baseline ? f.target.value * f.baseline.value : null) : f.target.value) : null;
  const max = Math.max(...bars.map((b) => b.value), targetValue ?? 0) * 1.1 || 1;
  const width = 520, left = 190, barH = 22, gap = 8, top = 8;
  const scale = (v: number) => ((width - left - 10) * v) / max;
  const height = top + bars.length * (barH + gap) + 18;
  const rows = bars
    .map((b, i) => {
      const y = top + i * (barH + gap);
      const fill = i === 0 ? (f.met === false ? '#b3261e' : '#1a73e8') : '#80868b';
      return `<text x="${left - 6}" y="${y + barH / 2 + 4}" text-anchor="end" font-size="12">${escapeHtml(b.label.length > 28 ? `${b.label.slice(0, 27)}…` : b.label)}</text>` +
        `<rect x="${left}" y="${y}" width="${scale(b.value).toFixed(1)}" height="${barH}" fill="${fill}"/>` +
        `<text x="${left + scale(b.value) + 4}" y="${y + barH / 2 + 4}" font-size="12">${escapeHtml(formatNumber(b.value, 2))}</text>`;
    })
    .join('');
  const line =
    targetValue === null
      ? ''
      : `<line x1="${left + scale(targetValue)}" x2="${left + scale(targetValue)}" y1="${top - 4}" y2="${height - 14}" stroke="#202124" stroke-dasharray="4 3" stroke-width="2"/>` +
        `<text x="${left + scale(targetValue)}" y="${height - 2}" text-anchor="middle" font-size="11">target ${escapeHtml(formatNumber(targetValue, 2))}</text>`;
  const desc = `${f.name}: ${shown(f).value}${f.baseline ? `; ${f.baseline.name}: ${formatNumber(f.baseline.value, 2)} ${f.unit}` : ''}${f.target ? `; target ${targetText(f.target, f.unit)}` : ''}; ${verdict(f)}.`;
  return `<figure><svg role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${id}-t">${escapeHtml(f.name)}</title><desc id="${id}-d">${escapeHtml(desc)}</desc>${rows}${line}</svg>` +
    `<figcaption>${escapeHtml(desc)}</figcaption></figure>`;
}

export function toHtml(figures: Figure[], generatedAt: string): string {
  const report = toReport(figures, generatedAt).figures;
  const sections = [...new Set(report.map((f) => f.section))];
  let n = 0;
  const body = sections
    .map((section) => {
      const fs = report.filter((f) => f.section === section);
      const rows = fs
        .map((f) => {
          const s = shown(f);
          return `<tr><th scope="row">${escapeHtml(f.name)}</th><td>${escapeHtml(s.value)}</td><td>${f.baseline ? escapeHtml(`${f.baseline.name}: ${formatNumber(f.baseline.value, 2)} ${f.unit}`) : '—'}</td>` +
            `<td>${escapeHtml(s.ratio || '—')}</td><td>${f.target ? escapeHtml(targetText(f.target, f.unit)) : '—'}</td>` +
            `<td class="${f.met === false ? 'missed' : f.met ? 'met' : ''}">${escapeHtml(verdict(f))}</td><td>${escapeHtml(f.note ?? '')}</td>` +
            `<td>${escapeHtml(`${f.measured.command}, ${f.measured.at}`)}</td></tr>`;
        })
        .join('\n');
      const charts = fs.map((f) => chart(f, `c${++n}`)).join('\n');
      return `<section><h2>${escapeHtml(section)}</h2>\n<table><caption>${escapeHtml(section)}: each figure, its same-run baseline and its target</caption>` +
        `<thead><tr><th scope="col">figure</th><th scope="col">measured</th><th scope="col">baseline</th><th scope="col">ratio</th><th scope="col">target</th><th scope="col">met?</th><th scope="col">note</th><th scope="col">measured by</th></tr></thead>\n<tbody>\n${rows}\n</tbody></table>\n<h3>Charts</h3>\n${charts}</section>`;
    })
    .join('\n');
  const missed = report.filter((f) => f.met === false).length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Tandem benchmark report</title>
<style>body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#202124}table{border-collapse:collapse;width:100%;margin:1rem 0}th,td{border:1px solid #dadce0;padding:.35rem .5rem;text-align:left;vertical-align:top}caption{text-align:left;font-weight:600;margin-bottom:.3rem}.missed{color:#b3261e;font-weight:600}.met{color:#137333}figure{margin:1rem 0}svg{max-width:100%;height:auto}</style></head>
<body><main><h1>Tandem benchmark report</h1>
<p>Generated ${escapeHtml(generatedAt)}: ${report.length} figures, ${report.filter((f) => f.met === true).length} targets met, ${missed} missed.</p>
${body}
</main></body></html>
`;
}
