import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The chaos tier's figures. Each suite records what it tried and what it found with `recordChaos`
 * (one JSON file per suite under test-output/chaos/, since vitest runs files in their own workers);
 * the tier's teardown (`printChaosReport`) joins them into test-output/chaos-report.json and prints
 * the table the README quotes.
 */
export interface ChaosFigures {
  /** A short name: "fuzz: intake", "crash ledger", "Pub/Sub down". */
  suite: string;
  /** Requests, inputs or action sequences tried. */
  inputs: number;
  /** Faults injected: kills, outages, refused connections; 0 where none. */
  faults: number;
  /** Cases whose end state was checked. */
  casesChecked: number;
  /** Accepted cases (or effects) that never reached their end state. */
  lost: number;
  /** Effects that happened twice: timeline events, notifications, webhooks with the same id and another body, cases per key. */
  duplicated: number;
  /** Wall time of the suite. */
  ms: number;
  /** Anything else worth a column of its own (throughput, p99, seed). */
  extra?: Record<string, string | number>;
}

export const CHAOS_OUTPUT_DIR = join(import.meta.dirname, '..', '..', 'test-output', 'chaos');
export const CHAOS_REPORT_FILE = join(import.meta.dirname, '..', '..', 'test-output', 'chaos-report.json');

export function recordChaos(figures: ChaosFigures): void {
  mkdirSync(CHAOS_OUTPUT_DIR, { recursive: true });
  const file = `${figures.suite.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`;
  writeFileSync(join(CHAOS_OUTPUT_DIR, file), `${JSON.stringify(figures, null, 2)}\n`);
}

/** Forgets the figures of an earlier run, so that the report shows this run only. */
export function clearChaosFigures(): void {
  rmSync(CHAOS_OUTPUT_DIR, { recursive: true, force: true });
}

export function readChaosFigures(): ChaosFigures[] {
  let files: string[];
  try {
    files = readdirSync(CHAOS_OUTPUT_DIR).filter((f) => f.endsWith('.json'));
  } catch {
    return [];
  }
  return files.map((f) => JSON.parse(readFileSync(join(CHAOS_OUTPUT_DIR, f), 'utf8')) as ChaosFigures).sort((a, b) => a.suite.localeCompare(b.suite));
}

export function formatChaosReport(rows: ChaosFigures[]): string {
  const header = ['suite', 'inputs', 'faults', 'cases checked', 'lost', 'duplicated', 'time', 'also'];
  const body = rows.map((r) => [
    r.suite,
    String(r.inputs),
    String(r.faults),
    String(r.casesChecked),
    String(r.lost),
    String(r.duplicated),
    `${(r.ms / 1000).toFixed(1)} s`,
    Object.entries(r.extra ?? {})
      .map(([k, v]) => `${k} ${v}`)
      .join(', '),
  ]);
  const total = rows.reduce((t, r) => ({ inputs: t.inputs + r.inputs, faults: t.faults + r.faults, cases: t.cases + r.casesChecked, lost: t.lost + r.lost, dup: t.dup + r.duplicated }), { inputs: 0, faults: 0, cases: 0, lost: 0, dup: 0 });
  body.push(['all', String(total.inputs), String(total.faults), String(total.cases), String(total.lost), String(total.dup), '', '']);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

export function printChaosReport(log: (text: string) => void = console.log): void {
  const rows = readChaosFigures();
  if (rows.length === 0) return;
  writeFileSync(CHAOS_REPORT_FILE, `${JSON.stringify({ at: new Date().toISOString(), suites: rows }, null, 2)}\n`);
  log(`\nChaos tier (test-output/chaos-report.json):\n${formatChaosReport(rows)}\n`);
}
