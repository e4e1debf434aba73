/**
 * What a piece of work costs at list prices: counts (Firestore documents, Pub/Sub requests, Workflows
 * steps, function invocations and their durations) multiplied by the prices in bench/prices.json.
 * Pure: the benchmarks count, this multiplies.
 */

export interface Prices {
  firestoreReadPer100k: number;
  firestoreWritePer100k: number;
  firestoreDeletePer100k: number;
  pubsubPerTiB: number;
  pubsubMinimumBytesPerRequest: number;
  workflowsInternalStepsPer1k: number;
  workflowsExternalStepsPer1k: number;
  functionsInvocationsPerMillion: number;
  functionsComputePer100ms256MiB: number;
}

export interface Counts {
  firestore: { reads: number; writes: number; deletes: number };
  /** Publish requests and push deliveries, each billed at least the minimum request size. */
  pubsub: { publishes: number; deliveries: number; bytesPerMessage?: number };
  workflows: { internalSteps: number; externalSteps: number };
  /** Compute is billed per invocation in 100 ms increments, rounded up. */
  functions: { invocations: number; medianMs: number };
}

export interface Cost {
  firestore: number;
  pubsub: number;
  workflows: number;
  functions: number;
  total: number;
}

const TiB = 2 ** 40;

/** Prices from the shape of bench/prices.json. */
export function pricesFrom(json: { prices: Record<string, { usd?: number; bytes?: number }> }): Prices {
  const p = json.prices;
  const usd = (k: keyof Prices) => {
    const v = p[k]?.usd ?? p[k]?.bytes;
    if (typeof v !== 'number') throw new Error(`bench/prices.json has no ${k}`);
    return v;
  };
  return {
    firestoreReadPer100k: usd('firestoreReadPer100k'),
    firestoreWritePer100k: usd('firestoreWritePer100k'),
    firestoreDeletePer100k: usd('firestoreDeletePer100k'),
    pubsubPerTiB: usd('pubsubPerTiB'),
    pubsubMinimumBytesPerRequest: usd('pubsubMinimumBytesPerRequest'),
    workflowsInternalStepsPer1k: usd('workflowsInternalStepsPer1k'),
    workflowsExternalStepsPer1k: usd('workflowsExternalStepsPer1k'),
    functionsInvocationsPerMillion: usd('functionsInvocationsPerMillion'),
    functionsComputePer100ms256MiB: usd('functionsComputePer100ms256MiB'),
  };
}

export function costOf(c: Counts, p: Prices): Cost {
  const firestore = (c.firestore.reads * p.firestoreReadPer100k + c.firestore.writes * p.firestoreWritePer100k + c.firestore.deletes * p.firestoreDeletePer100k) / 100_000;
  const billedBytes = Math.max(p.pubsubMinimumBytesPerRequest, c.pubsub.bytesPerMessage ?? 0);
  const pubsub = ((c.pubsub.publishes + c.pubsub.deliveries) * billedBytes * p.pubsubPerTiB) / TiB;
  const workflows = (c.workflows.internalSteps * p.workflowsInternalStepsPer1k + c.workflows.externalSteps * p.workflowsExternalStepsPer1k) / 1_000;
  const increments = Math.ceil(c.functions.medianMs / 100);
  const functions = (c.functions.invocations * p.functionsInvocationsPerMillion) / 1_000_000 + c.functions.invocations * increments * p.functionsComputePer100ms256MiB;
  return { firestore, pubsub, workflows, functions, total: firestore + pubsub + workflows + functions };
}

/** Dollars for people: enough significant digits for a fraction of a cent. */
export const usd = (x: number): string => (x === 0 ? '$0' : `$${x >= 0.01 ? x.toFixed(4) : x.toFixed(Math.min(20, 2 - Math.floor(Math.log10(x))))}`);
