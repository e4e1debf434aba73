/**
 * Figures on the whole local stack (every function, the Workflows runner, the partner simulator, the
 * mail catcher):
 * - Firestore operations for one collaborative case from intake to closed (partner acknowledges, the
 *   customer replies, the partner resolves, the case closes 3 days later), timeline, notifications and
 *   outbox included; targets ≤ 12 commits, ≤ 30 documents written, ≤ 25 reads;
 * - nothing lost: 1,000 concurrent submissions with duplicate keys give one case per distinct key,
 *   each triaged.
 */
import { ControllableClock } from '../dev/controllable-clock.js';
import type { Case } from '../functions/src/domain/case-model.js';
import { startLocalStack, type LocalStack } from '../dev/local-stack.js';
import { authAs } from '../test/tokens.js';
import { eventually } from '../dev/eventually.js';
import { fmt } from './bench-stack.js';

const body = (subject: string, vendor: string, product: string) =>
  JSON.stringify({
    orgId: 'org-initech-premium', contact: { name: 'Bench', email: 'bench@initech.example' }, subject, description: 'Benchmark case.',
    product, vendor, priority: 'P2', environment: 'production',
  });

/** An engineer's sign-in on the stack's Authentication emulator project, valid at the stack's clock. */
const engineerOf = (stack: LocalStack) => authAs(stack.config.projectId, { uid: 'u-bench', role: 'engineer', name: 'Bench Engineer', email: 'bench@tandem.example' }, stack.clock.now());

async function collaborativeCase(stack: LocalStack): Promise<void> {
  await fetch(`${stack.url}/_dev/partner-simulator/netapp`, { method: 'PUT', body: JSON.stringify({ mode: 'acknowledge', afterMinutes: 10, resolveAfterMinutes: 60 }) });
  // Polled straight from Firestore, not through the store, so the store counts only the functions' operations.
  const statusOf = async (caseId: string) => (await stack.db.collection('cases').doc(caseId).get()).get('status') as Case['status'];
  const status = (caseId: string, wanted: Case['status']) => eventually(async () => ((await statusOf(caseId)) === wanted ? true : undefined), 30_000, `${caseId} ${wanted}`);
  // Reference data is cached per instance; a warm instance is the steady state being measured.
  await Promise.all([stack.registry.partners(), stack.registry.workloads(), stack.registry.org('org-initech-premium')]);
  const before = { ...stack.store.ops(), registry: stack.registry.ops().reads };
  const res = await fetch(`${stack.url}/cases`, { method: 'POST', headers: { 'content-type': 'application/json', ...engineerOf(stack) }, body: body('Whole case', 'NetApp', 'ONTAP') });
  const { caseId } = (await res.json()) as { caseId: string };
  await status(caseId, 'awaiting_partner');
  await stack.workflowsRunner.waitForIdle();
  const caseDoc = stack.db.collection('cases').doc(caseId);
  // Each announcement is taken up (by notify) before the clock jumps on: a jump of an hour would make the
  // sweep publish again what notify is still working on, which costs a commit a real minute never does.
  const drained = () => eventually(async () => (Object.keys(((await caseDoc.get()).get('outbox') as object | undefined) ?? {}).length === 0 ? true : undefined), 30_000, 'the outbox drained');
  await drained();
  stack.clock.advance(10 * 60_000);
  await status(caseId, 'partner_engaged');
  await drained();
  const customer = authAs(stack.config.projectId, { uid: 'u-bench-customer', role: 'customer', org: 'org-initech-premium', name: 'Bench Customer', email: 'bench@initech.example' }, stack.clock.now());
  const reply = await fetch(`${stack.url}/cases/${caseId}/actions`, { method: 'POST', headers: { 'content-type': 'application/json', ...customer }, body: JSON.stringify({ action: 'reply', message: 'Thanks, the logs are attached.' }) });
  if (reply.status !== 200) throw new Error(`the customer's reply was refused: ${reply.status} ${await reply.text()}`);
  await drained();
  stack.clock.advance(60 * 60_000);
  await status(caseId, 'resolved');
  await stack.workflowsRunner.waitForIdle();
  await drained();
  // Three days on, through the development endpoint, which runs the follow-up ticks on the way.
  await fetch(`${stack.url}/_dev/clock/advance`, { method: 'POST', body: JSON.stringify({ seconds: 3 * 24 * 3600 + 60 }) });
  const closed = await status(caseId, 'closed').then(() => true, () => false);
  // Everything announced has been taken up (notify's claim empties the outbox), and what it sent is settled.
  const deliveries = caseDoc.collection('notifications');
  await drained();
  await eventually(async () => ((await deliveries.where('state', '==', 'sending').count().get()).data().count === 0 ? true : undefined), 30_000, 'every notice settled');
  const after = { ...stack.store.ops(), registry: stack.registry.ops().reads };
  const events = (await caseDoc.collection('events').count().get()).data().count;
  const sent = (await deliveries.where('state', '==', 'sent').count().get()).data().count;
  const commits = after.commits - before.commits;
  const writes = after.writes - before.writes;
  const reads = after.reads - before.reads;
  const met = (value: number, target: number) => `${value} (target ≤ ${target}: ${value <= target ? 'met' : `missed by ${value - target}`})`;
  process.stdout.write(
    `whole collaborative case (intake → acknowledged → a customer reply → resolved → ${closed ? 'closed' : 'NOT closed'}), ${events} timeline events, ${sent} notifications sent: ` +
      `${met(commits, 12)} commits, ${met(writes, 30)} documents written, ${met(reads, 25)} case documents read` +
      ` (+ ${after.registry - before.registry} reference-data reads: the per-instance cache refills each time the clock skips past its TTL; amortised over every case an instance serves)\n`,
  );
}

async function thousandSubmissions(stack: LocalStack, total = 1_000, distinct = 800): Promise<void> {
  const keys = Array.from({ length: total }, (_, i) => `burst-${i % distinct}`);
  const connectionErrors: string[] = [];
  const auth = engineerOf(stack);
  const t0 = performance.now();
  const statuses = await Promise.all(
    keys.map(async (key) => {
      try {
        const res = await fetch(`${stack.url}/cases`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': key, ...auth },
          body: body(`Burst ${key}`, 'Example Corp', 'Widget Server'),
        });
        await res.arrayBuffer();
        return res.status;
      } catch (error) {
        // No answer at all (the connection reset): reported below as a figure, not a crash.
        connectionErrors.push(String((error as { cause?: { code?: string } }).cause?.code ?? error));
        return 0;
      }
    }),
  );
  const accepted = (performance.now() - t0) / 1000;
  const db = stack.db;
  const cases = async (status?: Case['status']) => {
    const q = db.collection('cases').where('subject', '>=', 'Burst ').where('subject', '<', 'Burst!');
    return (await (status ? q.where('status', '==', status) : q).count().get()).data().count;
  };
  const triaged = await eventually(async () => ((await cases('in_progress')) === distinct ? distinct : undefined), 180_000, 'every case triaged').catch(async () => cases('in_progress'));
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    `nothing lost: ${total} concurrent submissions with ${distinct} distinct keys → ${statuses.filter((s) => s === 201).length} × 201, ` +
      `${statuses.filter((s) => s === 200).length} × 200, ${statuses.filter((s) => s >= 300).length} errors, ${connectionErrors.length} without an answer${connectionErrors.length ? ` (${[...new Set(connectionErrors)].join(', ')})` : ''}; ${await cases()} cases stored, ` +
      `${triaged} triaged (expected ${distinct}); accepted in ${fmt(accepted, 1)} s, all triaged after ${fmt(seconds, 1)} s\n`,
  );
}

export async function benchWholeStack(firestoreHost: string, pubsubHost: string): Promise<void> {
  const stack = await startLocalStack({
    firestoreHost,
    pubsubHost,
    port: 0,
    workflowsPort: 0,
    quiet: process.env.BENCH_VERBOSE !== "1",
    clock: new ControllableClock({ start: new Date('2026-11-23T09:00:00.000Z'), frozen: true }),
    env: { GOOGLE_CLOUD_PROJECT: 'demo-tandem-bench-stack' },
  });
  try {
    await collaborativeCase(stack);
    if (process.env.BENCH_VERBOSE !== "1") await thousandSubmissions(stack);
  } finally {
    await stack.stop();
  }
}
