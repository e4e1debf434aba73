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
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { BusMessage, EventBus, Topic } from '../functions/src/ports/event-bus.js';
import { fmt, measuredNow } from './bench-stack.js';
import { costOf, pricesFrom, usd, type Counts } from './cost.js';
import type { Figure } from './report.js';

const PRICES = JSON.parse(readFileSync(join(import.meta.dirname, 'prices.json'), 'utf8')) as { asOf: string; prices: Record<string, { usd?: number; bytes?: number }> };

/** Counts the functions' publishes (every Pub/Sub publish request the functions make). */
class CountingBus implements EventBus {
  published = 0;
  real?: EventBus;
  async publish(topic: Topic, message: BusMessage): Promise<void> {
    this.published++;
    await this.real!.publish(topic, message);
  }
}

/**
 * Every request the stack's functions serve (Pub/Sub pushes, intake, actions, the workflow's calls,
 * partner callbacks; not the development endpoints), with its duration, through Node's HTTP
 * diagnostics channel: nothing in the stack changes to be counted.
 */
function countInvocations(port: () => number | undefined) {
  const durations: number[] = [];
  let pushes = 0;
  const onStart = (message: unknown) => {
    const { request, response, server } = message as { request: IncomingMessage; response: ServerResponse; server: Server };
    if ((server.address() as AddressInfo | null)?.port !== port() || request.url?.startsWith('/_dev')) return;
    if (request.url?.startsWith('/_push/')) pushes++;
    const t0 = performance.now();
    response.once('finish', () => durations.push(performance.now() - t0));
  };
  subscribe('http.server.request.start', onStart);
  return {
    get invocations() { return durations.length; },
    get pushes() { return pushes; },
    medianMs: () => [...durations].sort((a, b) => a - b)[Math.floor(durations.length / 2)] ?? 0,
    stop: () => unsubscribe('http.server.request.start', onStart),
  };
}

const body = (subject: string, vendor: string, product: string) =>
  JSON.stringify({
    orgId: 'org-initech-premium', contact: { name: 'Bench', email: 'bench@initech.example' }, subject, description: 'Benchmark case.',
    product, vendor, priority: 'P2', environment: 'production',
  });

/** An engineer's sign-in on the stack's Authentication emulator project, valid at the stack's clock. */
const engineerOf = (stack: LocalStack) => authAs(stack.config.projectId, { uid: 'u-bench', role: 'engineer', name: 'Bench Engineer', email: 'bench@tandem.example' }, stack.clock.now());

async function collaborativeCase(stack: LocalStack, bus: CountingBus): Promise<Figure[]> {
  const invocations = countInvocations(() => Number(new URL(stack.url).port));
  try {
    return await collaborativeCaseCounted(stack, bus, invocations);
  } finally {
    invocations.stop();
  }
}

async function collaborativeCaseCounted(stack: LocalStack, bus: CountingBus, invocations: ReturnType<typeof countInvocations>): Promise<Figure[]> {
  await fetch(`${stack.url}/_dev/partner-simulator/netapp`, { method: 'PUT', body: JSON.stringify({ mode: 'acknowledge', afterMinutes: 10, resolveAfterMinutes: 60 }) });
  // Polled straight from Firestore, not through the store, so the store counts only the functions' operations.
  const statusOf = async (caseId: string) => (await stack.db.collection('cases').doc(caseId).get()).get('status') as Case['status'];
  const status = (caseId: string, wanted: Case['status']) => eventually(async () => ((await statusOf(caseId)) === wanted ? true : undefined), 30_000, `${caseId} ${wanted}`);
  // Reference data is cached per instance; a warm instance is the steady state being measured.
  await Promise.all([stack.registry.partners(), stack.registry.workloads(), stack.registry.org('org-initech-premium')]);
  const before = { ...stack.store.ops(), registry: stack.registry.ops().reads, published: bus.published, invocations: invocations.invocations, pushes: invocations.pushes };
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
  const after = { ...stack.store.ops(), registry: stack.registry.ops().reads, published: bus.published, invocations: invocations.invocations, pushes: invocations.pushes };
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

  // The workflow execution's steps, from the local runner; external steps (HTTP outside Google Cloud,
  // waits for a callback) estimated from workflows/partner-escalation.workflows.yaml: every http.post
  // goes to escalationSteps (a function: internal), and the case waits once for the partner's callback.
  const executionId = ((await caseDoc.get()).get('escalation') as { executionId?: string | null } | undefined)?.executionId;
  const { location, workflowName } = stack.config.workflows;
  const execution = executionId ? stack.workflowsRunner.execution(`projects/${stack.config.projectId}/locations/${location}/workflows/${workflowName}/executions/${executionId}`) : undefined;
  const steps = execution?.stepsExecuted ?? 0;
  const externalSteps = execution ? 1 : 0;
  const counts: Counts = {
    firestore: { reads: reads + after.registry - before.registry, writes, deletes: 0 },
    pubsub: { publishes: after.published - before.published, deliveries: after.pushes - before.pushes },
    workflows: { internalSteps: steps - externalSteps, externalSteps },
    functions: { invocations: after.invocations - before.invocations, medianMs: invocations.medianMs() },
  };
  const cost = costOf(counts, pricesFrom(PRICES));
  process.stdout.write(
    `  its cost at list prices (bench/prices.json, ${PRICES.asOf}): ${usd(cost.total)} a case, ${usd(cost.total * 1000)} per 1,000 cases = ` +
      `Firestore ${usd(cost.firestore)} (${counts.firestore.reads} reads, ${writes} writes, deletes not counted) + ` +
      `Pub/Sub ${usd(cost.pubsub)} (${counts.pubsub.publishes} publishes + ${counts.pubsub.deliveries} push deliveries at the 1,000-byte minimum) + ` +
      `Workflows ${usd(cost.workflows)} (${steps} steps${execution ? '' : ': NO execution found'}, ${externalSteps} of them external) + ` +
      `functions ${usd(cost.functions)} (${counts.functions.invocations} invocations, median ${fmt(counts.functions.medianMs)} ms at 256 MiB)\n`,
  );
  const measured = measuredNow();
  const section = 'Firestore per whole collaborative case';
  const note = `intake → acknowledged → a customer reply → resolved → ${closed ? 'closed' : 'NOT closed'}; ${events} timeline events, ${sent} notifications sent`;
  const dollars = 'Cost of a whole collaborative case at list prices';
  const priced = `prices of ${PRICES.asOf} from bench/prices.json (some unverified: see the file)`;
  return [
    { section, name: 'commits', value: commits, unit: 'commits', target: { op: '<=', value: 12 }, note, measured },
    { section, name: 'documents written', value: writes, unit: 'documents', target: { op: '<=', value: 30 }, note, measured },
    { section, name: 'case documents read', value: reads, unit: 'reads', target: { op: '<=', value: 25 }, note: `+ ${after.registry - before.registry} reference-data reads (a per-instance cache)`, measured },
    { section: dollars, name: 'a case', value: cost.total, unit: 'USD', note: priced, measured },
    { section: dollars, name: '1,000 cases', value: cost.total * 1000, unit: 'USD', note: priced, measured },
    { section: dollars, name: 'Firestore', value: cost.firestore, unit: 'USD', note: `${counts.firestore.reads} reads (reference data included), ${writes} writes; deletes not counted`, measured },
    { section: dollars, name: 'Pub/Sub', value: cost.pubsub, unit: 'USD', note: `${counts.pubsub.publishes} publishes + ${counts.pubsub.deliveries} push deliveries, each billed the 1,000-byte minimum`, measured },
    { section: dollars, name: 'Workflows', value: cost.workflows, unit: 'USD', note: `${steps} steps the local runner executed, ${externalSteps} external (estimated: the wait for the partner's callback); Google bills each assignment of an assign step apart, so this is a lower bound`, measured },
    { section: dollars, name: 'function invocations and compute', value: cost.functions, unit: 'USD', note: `${counts.functions.invocations} invocations × median ${fmt(counts.functions.medianMs)} ms at 256 MiB, in 100 ms increments`, measured },
  ];
}

async function thousandSubmissions(stack: LocalStack, total = 1_000, distinct = 800): Promise<Figure[]> {
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
  const measured = measuredNow();
  const section = 'Nothing lost';
  const note = `${total} concurrent submissions with ${distinct} distinct keys; accepted in ${fmt(accepted, 1)} s, all triaged after ${fmt(seconds, 1)} s`;
  return [
    { section, name: 'cases stored', value: await cases(), unit: 'cases', target: { op: '<=', value: distinct }, note, measured },
    { section, name: 'cases triaged', value: triaged, unit: 'cases', target: { op: '>=', value: distinct }, note, measured },
    { section, name: 'requests without an answer', value: connectionErrors.length, unit: 'requests', target: { op: '<=', value: 0 }, note, measured },
  ];
}

/** `burst: false` leaves out the 1,000 submissions (a quick run of the whole case alone). */
export async function benchWholeStack(firestoreHost: string, pubsubHost: string, options: { burst?: boolean } = {}): Promise<{ figures: Figure[] }> {
  const bus = new CountingBus();
  const stack = await startLocalStack({
    firestoreHost,
    pubsubHost,
    port: 0,
    workflowsPort: 0,
    quiet: process.env.BENCH_VERBOSE !== "1",
    clock: new ControllableClock({ start: new Date('2026-11-23T09:00:00.000Z'), frozen: true }),
    env: { GOOGLE_CLOUD_PROJECT: 'demo-tandem-bench-stack' },
    wrapBus: (real) => ((bus.real = real), bus),
  });
  try {
    const figures = await collaborativeCase(stack, bus);
    if (process.env.BENCH_VERBOSE !== "1" && options.burst !== false) figures.push(...(await thousandSubmissions(stack)));
    return { figures };
  } finally {
    await stack.stop();
  }
}
