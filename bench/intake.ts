/**
 * Intake throughput against the baseline DESIGN.md names: a bare Functions Framework handler doing one
 * Firestore `create()` on the same emulator, measured in the same run, same load. Target ≥ 0.8×.
 * Also counts what one intake costs: Firestore commits, documents written and reads, and publishes.
 */
import { randomUUID } from 'node:crypto';
import { http } from '@google-cloud/functions-framework';
import { SystemClock } from '../functions/src/adapters/clock.js';
import { JsonLogger } from '../functions/src/adapters/json-logger.js';
import { loadConfig } from '../functions/src/config.js';
import { registerFunctions } from '../functions/src/register-functions.js';
import { createStackDeps } from '../dev/stack-deps.js';
import { authAs } from '../test/tokens.js';
import { anOrg } from '../test/builders.js';
import { drive, fmt, measuredNow, serve } from './bench-stack.js';
import type { Figure } from './report.js';

const body = (i: number) =>
  JSON.stringify({
    orgId: 'org-bench',
    contact: { name: 'Bench', email: 'bench@example.com' },
    subject: `Bench case ${i}`,
    description: 'Throughput benchmark of the intake function.',
    product: 'Cloud Volumes ONTAP',
    vendor: 'NetApp',
    priority: 'P2',
    environment: 'production',
  });

export interface IntakeFigures {
  intakePerSecond: number;
  baselinePerSecond: number;
  ratio: number;
  commitsPerIntake: number;
  writesPerIntake: number;
  readsPerIntake: number;
  publishesPerIntake: number;
  figures: Figure[];
}

export async function benchIntake(projectId: string, total = 1_500, concurrency = 16): Promise<IntakeFigures> {
  // Token verification included: the Authentication emulator's tokens, checked as a deployed function
  // checks a Google-signed one (claims, expiry), without the RS256 signature (bench/id-token-verifier.ts: ~0.3 ms more).
  const config = loadConfig({ GOOGLE_CLOUD_PROJECT: projectId, FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' });
  const stack = createStackDeps({ config, clock: new SystemClock(), log: new JsonLogger(() => {}) });
  const auth = authAs(projectId, { uid: 'u-bench', role: 'engineer', name: 'Bench Engineer', email: 'bench@tandem.example' });
  const { db, realBus: bus } = stack;
  const { store, registry } = stack.deps;
  await db.collection('orgs').doc('org-bench').set(anOrg({ name: 'Bench Org', supportPlan: 'premium' }));
  registerFunctions(stack.deps);
  http('bareCreate', async (req, res) => {
    await db.collection('bench').doc(randomUUID()).create(req.body as Record<string, unknown>);
    res.status(201).json({ ok: true });
  });

  const intake = await serve('intake');
  const bare = await serve('bareCreate');
  const post = (url: string, i: number, key?: string) =>
    fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...auth, ...(key ? { 'idempotency-key': key } : {}) }, body: body(i) });

  // Warm both paths (JIT, gRPC channels), then alternate two rounds each so drift hits both alike.
  await drive(200, concurrency, (i) => post(`${intake.url}/cases`, i, `warm-${i}`));
  await drive(200, concurrency, (i) => post(bare.url, i));
  const intakeRates: number[] = [];
  const bareRates: number[] = [];
  const before = { ...store.ops(), registryReads: registry.ops().reads, published: bus.messagesPublished };
  let intakeCount = 0;
  for (const round of [1, 2]) {
    const b = await drive(total, concurrency, (i) => post(bare.url, i));
    bareRates.push(b.perSecond);
    const a = await drive(total, concurrency, (i) => post(`${intake.url}/cases`, i, `r${round}-${i}`));
    if ((a.statuses.get(201) ?? 0) !== total) throw new Error(`intake answered ${JSON.stringify([...a.statuses])}`);
    intakeRates.push(a.perSecond);
    intakeCount += total;
  }
  const after = { ...store.ops(), registryReads: registry.ops().reads, published: bus.messagesPublished };
  await intake.close();
  await bare.close();
  await stack.close();

  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const figures: IntakeFigures = {
    intakePerSecond: mean(intakeRates),
    baselinePerSecond: mean(bareRates),
    ratio: mean(intakeRates) / mean(bareRates),
    commitsPerIntake: (after.commits - before.commits) / intakeCount,
    writesPerIntake: (after.writes - before.writes) / intakeCount,
    readsPerIntake: (after.reads - before.reads + after.registryReads - before.registryReads) / intakeCount,
    publishesPerIntake: (after.published - before.published) / intakeCount,
    figures: [],
  };
  figures.figures.push({
    section: 'Intake throughput', name: 'intake, token verification included', value: figures.intakePerSecond, unit: 'cases/s',
    baseline: { name: 'bare Functions Framework + one create()', value: figures.baselinePerSecond }, target: { op: '>=', value: 0.8, on: 'ratio' },
    note: `${total}×2 requests each, ${concurrency} in flight; per case ${fmt(figures.commitsPerIntake, 2)} commit, ${fmt(figures.writesPerIntake, 2)} documents written, ${fmt(figures.readsPerIntake, 2)} reads, ${fmt(figures.publishesPerIntake, 2)} publish`,
    measured: measuredNow(),
  });
  process.stdout.write(
    `intake throughput: ${fmt(figures.intakePerSecond)} cases/s vs bare FF + one create() ${fmt(figures.baselinePerSecond)} req/s ` +
      `→ ratio ${fmt(figures.ratio, 2)} (target ≥ 0.80; ${total}×2 requests each, ${concurrency} in flight)\n` +
      `intake cost per case: ${fmt(figures.commitsPerIntake, 2)} commit, ${fmt(figures.writesPerIntake, 2)} documents written, ` +
      `${fmt(figures.readsPerIntake, 2)} reads, ${fmt(figures.publishesPerIntake, 2)} publish\n`,
  );
  return figures;
}
