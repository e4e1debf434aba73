/**
 * How many simple steps a second the local Workflows runner executes: a `for` loop whose body
 * is two assign steps (an arithmetic update and a map write), run in-process on a frozen clock.
 * Target: at least 10,000 steps a second. The baseline, measured in the same run, is the same loop
 * written in plain JavaScript (one "step" per statement): the ratio is the interpreter's overhead.
 */
import { ControllableClock } from '../dev/controllable-clock.js';
import { DEFAULT_LIMITS, Execution } from '../dev/workflows-runner/interpreter.js';
import { compileWorkflow } from '../dev/workflows-runner/validate.js';
import { measuredNow } from './bench-stack.js';
import type { Figure } from './report.js';

const SOURCE = `
main:
  params: [n]
  steps:
    - init:
        assign:
          - total: 0
          - seen: {}
    - loop:
        for:
          value: i
          range: [1, "\${n}"]
          steps:
            - add:
                assign:
                  - total: \${total + i * 2}
            - note:
                assign:
                  - seen.last: \${i}
    - done:
        return: \${total}
`;

/** Runs the benchmark and prints one line; returns the figures for callers that want them. */
export async function benchWorkflowsRunner(
  iterations = 50_000,
): Promise<{ stepsPerSecond: number; steps: number; seconds: number; target: number; baselineStepsPerSecond: number; figures: Figure[] }> {
  const program = compileWorkflow(SOURCE);
  const host = {
    clock: new ControllableClock({ frozen: true }),
    limits: { ...DEFAULT_LIMITS, maxSteps: Number.MAX_SAFE_INTEGER },
    env: () => undefined,
    log: () => {},
    callbackUrl: (id: string) => `http://127.0.0.1/${id}`,
  };
  // Warm up the JIT on a small run first, so the figure is the steady state.
  const warm = new Execution(program, 2_000, host);
  warm.start();
  await warm.done;

  // Median of five runs: one run is a tenth of a second, easily disturbed by whatever else the
  // machine does (under `npm run bench`, the emulators finishing the earlier benchmarks' work).
  const runs: { steps: number; seconds: number }[] = [];
  for (let i = 0; i < 5; i++) {
    const run = new Execution(program, iterations, host);
    const t0 = process.hrtime.bigint();
    run.start();
    await run.done;
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    if (run.state !== 'SUCCEEDED') throw new Error(`benchmark workflow ended ${run.state}: ${run.failure?.payload}`);
    runs.push({ steps: run.stepsExecuted, seconds: elapsed });
  }
  runs.sort((a, b) => a.seconds - b.seconds);
  const { steps, seconds } = runs[2] as { steps: number; seconds: number };
  const stepsPerSecond = Math.round(steps / seconds);
  const baselineStepsPerSecond = plainLoopStepsPerSecond(iterations * 100);
  process.stdout.write(
    `workflows runner: ${stepsPerSecond.toLocaleString('en-US')} steps/s = ${(stepsPerSecond / 10_000).toFixed(0)}× the target of 10,000 ` +
      `(median of 5 runs of ${steps} steps: ${seconds.toFixed(3)} s); the same loop in plain JavaScript: ` +
      `${baselineStepsPerSecond.toLocaleString('en-US')} statements/s, so the runner runs at ${(stepsPerSecond / baselineStepsPerSecond).toFixed(4)}× native\n`,
  );
  const figures: Figure[] = [{
    section: 'Local Workflows runner', name: 'simple steps a second', value: stepsPerSecond, unit: 'steps/s', target: { op: '>=', value: 10_000 },
    note: `median of 5 runs of ${steps} steps; the same loop in plain JavaScript: ${baselineStepsPerSecond.toLocaleString('en-US')} statements/s`, measured: measuredNow(),
  }];
  return { stepsPerSecond, steps, seconds, target: 10_000, baselineStepsPerSecond, figures };
}

/** The benchmark workflow's loop as plain JavaScript: two statements ("steps") per iteration. */
function plainLoopStepsPerSecond(n: number): number {
  const seen = new Map<string, number>();
  let total = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 1; i <= n; i++) {
    total += i * 2;
    seen.set('last', i);
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  // Using the result keeps the loop from being optimised away.
  if (total < 0 || seen.get('last') !== n) throw new Error('baseline loop went wrong');
  return Math.round((2 * n) / seconds);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await benchWorkflowsRunner();
}
