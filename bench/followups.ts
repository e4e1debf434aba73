/**
 * A follow-up tick reads O(due cases), not O(all cases): with 10,000 quiet cases and 10 due, ≤ 30
 * documents read (DESIGN.md). Reads are counted by the case store (one per document a query returns,
 * one per transactional re-read), next to the baseline of a plain query that reads the 10 due
 * documents and nothing else, measured in the same run; the tick's duration likewise.
 */
import type { CloudEvent } from '@google-cloud/functions-framework';
import { PubSub } from '@google-cloud/pubsub';
import { ControllableClock } from '../dev/controllable-clock.js';
import { MemoryLogger } from '../dev/memory-logger.js';
import { loadConfig } from '../functions/src/config.js';
import type { Case } from '../functions/src/domain/case-model.js';
import { nextActionAt } from '../functions/src/domain/followup-policy.js';
import { followupsHandler } from '../functions/src/handlers/followups.js';
import { TOPICS } from '../functions/src/ports/event-bus.js';
import { createStackDeps } from '../dev/stack-deps.js';
import { aCaseIn, anSla } from '../test/builders.js';
import { fmt, measuredNow } from './bench-stack.js';
import type { Figure } from './report.js';

const NOW = new Date('2026-11-23T12:00:00.000Z');
const iso = (minutesFromNow: number) => new Date(NOW.getTime() + minutesFromNow * 60_000).toISOString();

/** An in_progress premium P2 case raised `raisedMinutesAgo` ago, nobody has answered yet (120 minutes to the first response). */
const inProgress = (raisedMinutesAgo: number, responded: boolean): Case =>
  aCaseIn('in_progress', {
    orgId: 'org-bench', priority: 'P2', createdAt: iso(-raisedMinutesAgo),
    sla: anSla({ targetMinutes: 120, firstRespondedAt: responded ? iso(-raisedMinutesAgo + 5) : null }, iso(-raisedMinutesAgo)),
  });
/** Quiet: half answered (nothing ahead), half raised a moment ago (the warning is 90 minutes away). */
const quietCase = (i: number): Case => inProgress(i % 2 === 0 ? 600 : 1, i % 2 === 0);
/** Due: raised 100 minutes ago, unanswered: the 75 % warning (at 90 minutes) has come. */
const dueCase = (): Case => inProgress(100, false);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function tickEvent(n: number): CloudEvent<unknown> {
  return {
    specversion: '1.0', id: `bench-tick-${n}`, source: '//pubsub.googleapis.com/projects/bench/topics/followup-tick', type: 'google.cloud.pubsub.topic.v1.messagePublished',
    data: { message: { data: Buffer.from(JSON.stringify({ source: 'cloud-scheduler' })).toString('base64'), messageId: `bench-tick-${n}` } },
  };
}

export interface FollowupFigures {
  readsPerTick: number;
  baselineReads: number;
  tickMs: number;
  baselineMs: number;
  figures: Figure[];
}

export async function benchFollowups(projectId: string, quiet = 10_000, due = 10, rounds = 5): Promise<FollowupFigures> {
  // A project of its own: the other benchmarks leave cases behind whose nextActionAt would be due here.
  const project = `${projectId}-followups`;
  const admin = new PubSub({ projectId: project });
  await Promise.all(TOPICS.map((t) => admin.createTopic(t).catch(() => undefined)));
  await admin.close();
  const config = loadConfig({ GOOGLE_CLOUD_PROJECT: project });
  const stack = createStackDeps({ config, clock: new ControllableClock({ start: NOW, frozen: true }), log: new MemoryLogger() });
  const { db } = stack;
  const { store } = stack.deps;
  const tick = followupsHandler(stack.deps);
  try {
    for (let start = 0; start < quiet; start += 500) {
      const batch = db.batch();
      for (let i = start; i < Math.min(quiet, start + 500); i++) {
        const c = quietCase(i);
        batch.set(db.collection('cases').doc(`quiet-${String(i).padStart(5, '0')}`), { ...c, nextActionAt: nextActionAt(c, config.followupPeriods) });
      }
      await batch.commit();
    }

    const reads: number[] = [];
    const baselineReads: number[] = [];
    const tickMs: number[] = [];
    const baselineMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const batch = db.batch();
      for (let i = 0; i < due; i++) {
        const c = dueCase();
        batch.set(db.collection('cases').doc(`due-${round}-${i}`), { ...c, nextActionAt: nextActionAt(c, config.followupPeriods) });
      }
      await batch.commit();

      let t = performance.now();
      const plain = await db.collection('cases').where('nextActionAt', '<=', NOW.toISOString()).orderBy('nextActionAt').limit(100).get();
      baselineMs.push(performance.now() - t);
      baselineReads.push(Math.max(1, plain.size));
      if (plain.size !== due) throw new Error(`expected ${due} due cases, the query found ${plain.size}`);

      const before = store.ops();
      t = performance.now();
      await tick(tickEvent(round));
      tickMs.push(performance.now() - t);
      reads.push(store.ops().reads - before.reads);
      const left = await db.collection('cases').where('nextActionAt', '<=', NOW.toISOString()).count().get();
      if (left.data().count !== 0) throw new Error(`${left.data().count} due cases were left after the tick`);
    }

    const figures: FollowupFigures = { readsPerTick: median(reads), baselineReads: median(baselineReads), tickMs: median(tickMs), baselineMs: median(baselineMs), figures: [] };
    figures.figures.push({
      section: 'Follow-up tick', name: `documents read per tick, ${fmt(quiet)} quiet + ${due} due cases`, value: figures.readsPerTick, unit: 'reads',
      baseline: { name: `a plain query of the ${due} due`, value: figures.baselineReads }, target: { op: '<=', value: 30 },
      note: `median of ${rounds}; tick ${fmt(figures.tickMs, 1)} ms vs the query's ${fmt(figures.baselineMs, 1)} ms`, measured: measuredNow(),
    });
    process.stdout.write(
      `follow-up tick over ${fmt(quiet)} quiet + ${due} due cases (median of ${rounds}): ${figures.readsPerTick} documents read per tick (target ≤ 30) ` +
        `vs ${figures.baselineReads} for a plain query reading the ${due} due documents → ${fmt(figures.readsPerTick / figures.baselineReads, 1)}× ` +
        `(each due case is read again in its transaction); tick ${fmt(figures.tickMs, 1)} ms vs the query's ${fmt(figures.baselineMs, 1)} ms\n`,
    );
    return figures;
  } finally {
    await stack.close();
  }
}
