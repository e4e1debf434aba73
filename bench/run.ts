/**
 * `npm run bench`: every figure DESIGN.md sets, each as a ratio against a baseline measured in this
 * same run. Starts its own emulators on free ports. Not part of `npm test`: benchmarks report, tests assert.
 * Prints the figures, and writes them to bench/report.json and bench/report.html (bench/report.ts).
 *
 * `npm run bench -- whole-case web-bundle` runs only the benchmarks named (and writes a report of
 * theirs alone); `--no-burst` leaves the 1,000 submissions out of whole-case.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startBenchEmulators } from './bench-stack.js';
import { benchColdStart } from './cold-start.js';
import { benchFollowups } from './followups.js';
import { benchIntake } from './intake.js';
import { benchPipeline } from './pipeline.js';
import { toHtml, toJson, type Figure } from './report.js';
import { benchWebBundle } from './web-bundle.js';
import { benchWholeStack } from './whole-case.js';
import { benchWorkflowsRunner } from './workflows-runner.js';

const NAMES = ['workflows-runner', 'web-bundle', 'intake', 'pipeline', 'followups', 'cold-start', 'whole-case'] as const;
const args = process.argv.slice(2);
const named = args.filter((a) => !a.startsWith('--'));
for (const name of named) if (!(NAMES as readonly string[]).includes(name)) throw new Error(`no benchmark ${name}; there are ${NAMES.join(', ')}`);
const runs = (name: (typeof NAMES)[number]) => named.length === 0 || named.includes(name);
process.env.BENCH_COMMAND ??= ['npm run bench', ...(args.length ? ['--', ...args] : [])].join(' ');

const projectId = 'demo-tandem-bench';
const figures: Figure[] = [];
// First, on a quiet machine: it needs no emulators, and the benchmarks below leave the emulators
// and this process busy for a while after they report (measured: 8× slower when run last).
if (runs('workflows-runner')) figures.push(...(await benchWorkflowsRunner()).figures);
// Needs no emulators either: a build and its size.
if (runs('web-bundle')) figures.push(...(await benchWebBundle()).figures);
if (NAMES.slice(2).some(runs)) {
  process.stdout.write('Starting the emulators for the benchmark…\n');
  const emulators = await startBenchEmulators(projectId);
  try {
    if (runs('intake')) figures.push(...(await benchIntake(projectId)).figures);
    if (runs('pipeline')) figures.push(...(await benchPipeline(projectId)).figures);
    if (runs('followups')) figures.push(...(await benchFollowups(projectId)).figures);
    // A project of its own: the first request of followups must not sweep the cases the benchmarks above left due.
    if (runs('cold-start')) figures.push(...(await benchColdStart(`${projectId}-cold`)).figures);
    if (runs('whole-case')) figures.push(...(await benchWholeStack(emulators.firestore.hostPort, emulators.pubsub.hostPort, { burst: !args.includes('--no-burst') })).figures);
  } finally {
    await emulators.stop();
  }
}
const at = new Date().toISOString();
await writeFile(join(import.meta.dirname, 'report.json'), toJson(figures, at));
await writeFile(join(import.meta.dirname, 'report.html'), toHtml(figures, at));
process.stdout.write(`report: bench/report.json and bench/report.html (${figures.length} figures)\n`);
process.exit(0);
