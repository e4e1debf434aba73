/**
 * Cold start of each deployed function (process start → first response), the way Cloud Functions
 * runs it: the Functions Framework loading the all-functions entry point (dist/functions/src/index.js,
 * whose adapters are built on first use), against a bare Functions Framework hello measured in the
 * same run. Each function deploys its own bundle: bench/bundle-cold-start.ts measures those.
 * Target: each ≤ 1.5 × the hello.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../dev/emulators.js';
import { fmt, measuredNow } from './bench-stack.js';
import type { Figure } from './report.js';

const ROOT = join(import.meta.dirname, '..');
const FF_MAIN = join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js');

const push = (projectId: string, topic: string) => ({
  path: `/projects/${projectId}/topics/${topic}`,
  init: {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ message: { data: Buffer.from(JSON.stringify({ caseId: 'cold-start-probe' })).toString('base64'), messageId: '1' }, subscription: 's' }),
  },
});
const json = (path: string) => ({ path, init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' } });

/** The first request each function gets: a real one, that makes it do its usual work (Firestore included). */
function firstRequests(projectId: string): Record<string, { path: string; init: RequestInit }> {
  return {
    intake: { path: '/', init: { method: 'GET' } },
    // A deployed partnerCallback reads partner secrets from Secret Manager, which this machine cannot
    // reach (the development secret store is the local stack's, never the deployed entry point's): its
    // first request is one refused before any I/O, so its figure is the load alone.
    partnerCallback: { path: '/partners/netapp/callbacks', init: { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'probe' } },
    escalationSteps: json('/escalations/cold-start-probe/start'),
    classify: push(projectId, 'case-received'),
    prioritize: push(projectId, 'case-classified'),
    route: push(projectId, 'case-prioritized'),
    escalate: push(projectId, 'escalation-requested'),
    followups: push(projectId, 'followup-tick'),
  };
}

async function coldStart(target: string, source: string, request: { path: string; init: RequestInit }, env: NodeJS.ProcessEnv): Promise<number> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [FF_MAIN, `--target=${target}`, `--source=${source}`, `--port=${port}`], { env, stdio: 'ignore' });
  try {
    for (;;) {
      try {
        const res = await fetch(`http://127.0.0.1:${port}${request.path}`, request.init);
        await res.arrayBuffer();
        if (res.status >= 500) throw new Error(`${target} answered ${res.status}`);
        return performance.now() - t0;
      } catch (error) {
        if (error instanceof Error && error.message.includes('answered')) throw error;
        if (child.exitCode !== null) throw new Error(`${target} exited with ${child.exitCode}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  } finally {
    child.kill('SIGKILL');
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchColdStart(projectId: string, runs = 5): Promise<{ figures: Figure[] }> {
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
  const env = { ...process.env, GOOGLE_CLOUD_PROJECT: projectId, METADATA_SERVER_DETECTION: 'none' };
  const entry = join(ROOT, 'dist/functions/src/index.js');
  const hello = join(ROOT, 'bench/fixtures/hello.cjs');
  const requests = firstRequests(projectId);
  const times: Record<string, number[]> = { hello: [] };
  // Interleaved, so a slow moment of the machine hits every function alike.
  for (let run = 0; run < runs; run++) {
    times.hello!.push(await coldStart('hello', hello, { path: '/', init: { method: 'GET' } }, env));
    for (const [target, request] of Object.entries(requests)) (times[target] ??= []).push(await coldStart(target, entry, request, env));
  }
  const baseline = median(times.hello!);
  const lines = Object.entries(requests).map(([target]) => {
    const ms = median(times[target]!);
    const note = target === 'partnerCallback' ? '  (first request refused before I/O: Secret Manager is out of reach here)' : '';
    return `  ${target.padEnd(16)} ${fmt(ms).padStart(5)} ms = ${fmt(ms / baseline, 2)} × hello${ms / baseline <= 1.5 ? '' : '  (over 1.5)'}${note}`;
  });
  process.stdout.write(`cold start (process start → first response, median of ${runs}): bare Functions Framework hello ${fmt(baseline)} ms; target ≤ 1.5 ×\n${lines.join('\n')}\n`);
  const measured = measuredNow();
  return {
    figures: Object.keys(requests).map((target) => ({
      section: 'Cold start', name: target, value: median(times[target]!), unit: 'ms', baseline: { name: 'bare Functions Framework hello', value: baseline },
      target: { op: '<=', value: 1.5, on: 'ratio' }, measured,
      note: `process start → first response, median of ${runs}${target === 'partnerCallback' ? '; first request refused before I/O: Secret Manager is out of reach here' : ''}`,
    })),
  };
}
