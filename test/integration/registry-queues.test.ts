import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { FirestoreRegistry, queuesCollection } from '../../functions/src/adapters/firestore-registry.js';
import { createHarness, resetFirestore, seedRegistry, type Harness } from './harness.js';

let h: Harness;
beforeEach(async () => {
  h ??= createHarness();
  await resetFirestore();
  await seedRegistry(h.db);
});
afterAll(() => h.close());

describe('FirestoreRegistry.queue', () => {
  it('reads a seeded queue, and null for one not on record or not a document ID', async () => {
    expect(await h.deps.registry.queue('workload-databases')).toEqual({ name: 'Databases', email: 'databases@support.tandem.example' });
    expect(await h.deps.registry.queue('partner-netapp')).toMatchObject({ email: 'partner-netapp@support.tandem.example' });
    expect(await h.deps.registry.queue('workload-nothing')).toBeNull();
    expect(await h.deps.registry.queue('a/b')).toBeNull();
    expect(await h.deps.registry.queue('')).toBeNull();
  });

  it('keeps each answer for the TTL, a missing queue too', async () => {
    const registry = new FirestoreRegistry(h.db, h.deps.clock, 60_000);
    await registry.queue('workload-web');
    await registry.queue('workload-web');
    await registry.queue('workload-nothing');
    await registry.queue('workload-nothing');
    expect(registry.ops().reads).toBe(2);
    await queuesCollection(h.db).doc('workload-web').set({ name: 'Web', email: 'web2@support.tandem.example' });
    expect((await registry.queue('workload-web'))?.email).toBe('web@support.tandem.example');
    h.deps.clock.advance(60_001);
    expect((await registry.queue('workload-web'))?.email).toBe('web2@support.tandem.example');
  });
});
