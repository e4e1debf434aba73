/**
 * `npm run bench`: every figure DESIGN.md sets, each as a ratio against a baseline measured in this
 * same run. Starts its own emulators on free ports. Not part of `npm test`: benchmarks report, tests assert.
 */
import { startBenchEmulators } from './bench-stack.js';
import { benchColdStart } from './cold-start.js';
import { benchFollowups } from './followups.js';
import { benchIntake } from './intake.js';
import { benchPipeline } from './pipeline.js';
import { benchWebBundle } from './web-bundle.js';
import { benchWholeStack } from './whole-case.js';
import { benchWorkflowsRunner } from './workflows-runner.js';

const projectId = 'demo-tandem-bench';
// First, on a quiet machine: it needs no emulators, and the benchmarks below leave the emulators
// and this process busy for a while after they report (measured: 8× slower when run last).
await benchWorkflowsRunner();
// Needs no emulators either: a build and its size.
await benchWebBundle();
process.stdout.write('Starting the emulators for the benchmark…\n');
const emulators = await startBenchEmulators(projectId);
try {
  await benchIntake(projectId);
  await benchPipeline(projectId);
  await benchFollowups(projectId);
  // A project of its own: the first request of followups must not sweep the cases the benchmarks above left due.
  await benchColdStart(`${projectId}-cold`);
  await benchWholeStack(emulators.firestore.hostPort, emulators.pubsub.hostPort);
} finally {
  await emulators.stop();
}
process.exit(0);
