import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { costOf, pricesFrom, usd, type Counts, type Prices } from '../../bench/cost.js';

const prices: Prices = {
  firestoreReadPer100k: 0.03, firestoreWritePer100k: 0.09, firestoreDeletePer100k: 0.01,
  pubsubPerTiB: 40, pubsubMinimumBytesPerRequest: 1000,
  workflowsInternalStepsPer1k: 0.01, workflowsExternalStepsPer1k: 0.025,
  functionsInvocationsPerMillion: 0.4, functionsComputePer100ms256MiB: 0.000000463,
};
const none: Counts = { firestore: { reads: 0, writes: 0, deletes: 0 }, pubsub: { publishes: 0, deliveries: 0 }, workflows: { internalSteps: 0, externalSteps: 0 }, functions: { invocations: 0, medianMs: 0 } };

describe('cost at list prices', () => {
  it('costs nothing for nothing', () => expect(costOf(none, prices).total).toBe(0));

  it('prices Firestore documents per 100,000', () => {
    const c = costOf({ ...none, firestore: { reads: 100_000, writes: 100_000, deletes: 100_000 } }, prices);
    expect(c.firestore).toBeCloseTo(0.13, 10);
  });

  it('bills each Pub/Sub request at least the minimum, per TiB', () => {
    const c = costOf({ ...none, pubsub: { publishes: 2 ** 30, deliveries: 0, bytesPerMessage: 200 } }, prices);
    expect(c.pubsub).toBeCloseTo((2 ** 30 * 1000 * 40) / 2 ** 40, 10);
    const big = costOf({ ...none, pubsub: { publishes: 1, deliveries: 1, bytesPerMessage: 4000 } }, prices);
    expect(big.pubsub).toBeCloseTo((2 * 4000 * 40) / 2 ** 40, 15);
  });

  it('prices internal and external Workflows steps apart', () => {
    expect(costOf({ ...none, workflows: { internalSteps: 1000, externalSteps: 1000 } }, prices).workflows).toBeCloseTo(0.035, 10);
  });

  it('prices invocations and compute in 100 ms increments, rounded up', () => {
    const c = costOf({ ...none, functions: { invocations: 1_000_000, medianMs: 101 } }, prices);
    expect(c.functions).toBeCloseTo(0.4 + 1_000_000 * 2 * 0.000000463, 10);
  });

  it('adds the parts', () => {
    const c = costOf({ firestore: { reads: 31, writes: 39, deletes: 0 }, pubsub: { publishes: 20, deliveries: 20 }, workflows: { internalSteps: 30, externalSteps: 2 }, functions: { invocations: 25, medianMs: 40 } }, prices);
    expect(c.total).toBeCloseTo(c.firestore + c.pubsub + c.workflows + c.functions, 15);
  });

  it('reads bench/prices.json, every price with a source', () => {
    const json = JSON.parse(readFileSync(join(import.meta.dirname, '../../bench/prices.json'), 'utf8')) as { asOf: string; prices: Record<string, { source: string; verified: boolean }> };
    expect(pricesFrom(json as never)).toEqual(prices);
    expect(json.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const p of Object.values(json.prices)) {
      expect(p.source).toMatch(/^https:\/\/cloud\.google\.com\//);
      expect(typeof p.verified).toBe('boolean');
    }
  });

  it('shows dollars to a fraction of a cent', () => {
    expect(usd(0.000123)).toBe('$0.000123');
    expect(usd(4e-7)).toBe('$0.000000400');
    expect(usd(1.5)).toBe('$1.5000');
  });
});
