/**
 * Cold start of each function's own bundle (dist/functions/<name>/, dev/build-functions.ts) against
 * the one all-functions entry point (dist/functions/src/index.js, the tsc build) and a bare Functions
 * Framework hello: process start → first response, the median of `runs`, interleaved so that a slow
 * moment of the machine hits every variant alike. The first request is one each function answers
 * without I/O (no emulator needed: adapters are built on first use, so none is), so the figures are
 * the framework's start plus loading the function's code and its client libraries.
 *
 *   npx tsx bench/bundle-cold-start.ts [runs]
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildFunctions } from '../dev/build-functions.js';
import { freePort } from '../dev/emulators.js';
import { functionEntries, type FunctionSpec } from '../functions/src/function-triggers.js';
import { fmt } from './bench-stack.js';

const ROOT = join(import.meta.dirname, '..');
const FF_MAIN = join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');

interface Probe { path: string; init: RequestInit }

/** What each variant answered its probe (any answer counts: the function was loaded and ran). */
const statuses = new Set<string>();

/** A request answered before any I/O: a text body where JSON is expected, or a push without a message. */
function probeOf(spec: FunctionSpec): Probe {
  if (spec.kind === 'http') {
    const route = spec.routes[0]!;
    return { path: route.path.replace(/\{\w+\}/g, 'probe'), init: { method: route.method, headers: { 'content-type': 'text/plain' }, body: route.method === 'GET' ? undefined : 'probe' } };
  }
  return { path: '/', init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: { data: Buffer.from('not json').toString('base64'), messageId: '1' }, subscription: 's' }) } };
}

async function coldStart(target: string, source: string, probe: Probe): Promise<number> {
  const port = await freePort();
  const env = { ...process.env, GOOGLE_CLOUD_PROJECT: 'demo-tandem', METADATA_SERVER_DETECTION: 'none' };
  const t0 = performance.now();
  const child = spawn(process.execPath, [FF_MAIN, `--target=${target}`, `--source=${source}`, `--port=${port}`], { env, stdio: 'ignore' });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${probe.path}`, probe.init);
        await res.arrayBuffer();
        statuses.add(`${target} ${source.endsWith('index.js') ? 'index.js' : 'bundle'} ${res.status}`);
        return performance.now() - t0;
      } catch {
        if (child.exitCode !== null) throw new Error(`${target} exited with ${child.exitCode}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  } finally {
    child.kill('SIGKILL');
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchBundleColdStart(runs = 5): Promise<void> {
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('the tsc build failed');
  const bundles = new Map((await buildFunctions()).map((b) => [b.entryPoint, b]));
  const all = join(ROOT, 'dist/functions/src/index.js');
  const times: Record<string, { bundle: number[]; all: number[] }> = {};
  const hello: number[] = [];
  for (let run = 0; run < runs; run++) {
    hello.push(await coldStart('hello', join(ROOT, 'bench/fixtures/hello.cjs'), { path: '/', init: { method: 'GET' } }));
    for (const [entryPoint, spec] of functionEntries()) {
      const t = (times[entryPoint] ??= { bundle: [], all: [] });
      t.bundle.push(await coldStart(entryPoint, join(ROOT, 'dist/functions', spec.name), probeOf(spec)));
      t.all.push(await coldStart(entryPoint, all, probeOf(spec)));
    }
  }
  const base = median(hello);
  const lines = functionEntries().map(([entryPoint]) => {
    const b = median(times[entryPoint]!.bundle);
    const a = median(times[entryPoint]!.all);
    const kib = Math.round(bundles.get(entryPoint)!.js.byteLength / 1024);
    return `  ${entryPoint.padEnd(16)} bundle ${fmt(b).padStart(5)} ms = ${fmt(b / base, 2)} × hello (${kib} KiB)   all-in-one index.js ${fmt(a).padStart(5)} ms = ${fmt(a / base, 2)} × hello`;
  });
  process.stdout.write(`cold start (process start → first response without I/O, median of ${runs}, interleaved): bare Functions Framework hello ${fmt(base)} ms\n${lines.join('\n')}\n`);
  process.stdout.write(`first answers: ${[...statuses].sort().join(', ')}\n`);
}

if (import.meta.filename === process.argv[1]) await benchBundleColdStart(Number(process.argv[2] ?? 5));
