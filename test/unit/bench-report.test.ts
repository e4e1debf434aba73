import { describe, expect, it } from 'vitest';
import { escapeHtml, formatNumber, metOf, toHtml, toJson, type Figure } from '../../bench/report.js';

const measured = { command: 'npm run bench', at: '2026-12-02T05:00:00.000Z' };
const coldStart: Figure = {
  section: 'Cold start', name: 'intake', value: 415.2, unit: 'ms', baseline: { name: 'bare hello', value: 276 }, target: { op: '<=', value: 1.5, on: 'ratio' }, measured,
};
const commits: Figure = { section: 'Firestore per whole case', name: 'commits', value: 21, unit: 'commits', target: { op: '<=', value: 12 }, measured };
const bundle: Figure = { section: 'Web bundle', name: 'app.js gzip', value: 194_560, unit: 'bytes', target: { op: '<=', value: 256_000 }, measured };
const figures = [coldStart, commits, bundle];

describe('the benchmark report', () => {
  it('judges targets on the value or on the ratio to the baseline', () => {
    expect(metOf(commits)).toBe(false);
    expect(metOf(bundle)).toBe(true);
    expect(metOf(coldStart)).toBe(false);
    expect(metOf({ ...commits, target: undefined })).toBeNull();
  });

  it('writes every figure to JSON, with its ratio, target and verdict', () => {
    const json = JSON.parse(toJson(figures, measured.at)) as { figures: { name: string; ratio: number | null; met: boolean | null }[] };
    expect(json.figures.map((f) => f.name)).toEqual(['intake', 'commits', 'app.js gzip']);
    expect(json.figures[0]!.ratio).toBeCloseTo(415.2 / 276);
    expect(json.figures.map((f) => f.met)).toEqual([false, false, true]);
  });

  it('puts every figure in the HTML, a table per section and a chart with a text alternative each', () => {
    const html = toHtml(figures, measured.at);
    for (const f of figures) expect(html).toContain(`<th scope="row">${f.name}</th>`);
    expect(html.match(/<table>/g)).toHaveLength(3);
    expect(html.match(/<svg role="img"/g)).toHaveLength(3);
    expect(html.match(/<desc id=/g)).toHaveLength(3);
    expect(html).not.toMatch(/<(script|link)\b|src=|href=/);
  });

  it('escapes names', () => {
    const html = toHtml([{ ...commits, name: '<script>alert("x")</script> & co' }], measured.at);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co');
    expect(escapeHtml(`'`)).toBe('&#39;');
  });

  it('says "missed" with the figure when a target is missed', () => {
    const html = toHtml([commits], measured.at);
    expect(html).toContain('missed (21 commits against ≤ 12 commits)');
  });

  it('never rounds a miss up into a pass', () => {
    // 1.5004× would show as 1.5× at two decimals: it must show as missed, and above 1.5.
    const tight: Figure = { ...coldStart, value: 276 * 1.5004 };
    const html = toHtml([tight], measured.at);
    expect(html).toContain('missed (1.5004×');
    expect(formatNumber(12.001, 2, { op: '<=', value: 12 })).toBe('12.001');
    expect(formatNumber(0.7996, 2, { op: '>=', value: 0.8 })).toBe('0.7996');
    expect(formatNumber(11.996, 2, { op: '<=', value: 12 })).toBe('12');
    expect(formatNumber(0.000200412)).toBe('0.0002');
    expect(formatNumber(0.0000252)).toBe('0.0000252');
  });
});
