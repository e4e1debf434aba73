import type { Firestore } from '@google-cloud/firestore';
import { Org, Partner, Queue, WorkloadTechnology } from '../domain/case-model.js';
import type { Clock } from '../ports/clock.js';
import type { Identified, Registry } from '../ports/registry.js';
import type { FirestoreOps } from './firestore-case-store.js';

/** Where the workload catalog lives: `catalog/workloads/technologies/{id}`. */
export const workloadCatalog = (db: Firestore) => db.collection('catalog').doc('workloads').collection('technologies');

interface Cached<T> {
  value: Promise<T>;
  expiresAt: number;
}

/** Where the support queues live: `queues/{queueId}`. */
export const queuesCollection = (db: Firestore) => db.collection('queues');

/**
 * Reads orgs, partners, the workload catalog and the queues from Firestore and keeps each answer for `ttlMs`
 * per instance. Concurrent misses share one read; a failed read is not cached. A missing org (or
 * queue) is cached too, so a flood of submissions for an unknown org costs one read per TTL.
 */
export class FirestoreRegistry implements Registry {
  private readonly cache = new Map<string, Cached<unknown>>();
  private readonly counts = { reads: 0 };

  constructor(
    private readonly db: Firestore,
    private readonly clock: Clock,
    private readonly ttlMs: number,
  ) {}

  ops(): Pick<FirestoreOps, 'reads'> {
    return { ...this.counts };
  }

  org(orgId: string): Promise<Org | null> {
    return this.cached(`org/${orgId}`, async () => {
      const snap = await this.db.collection('orgs').doc(orgId).get();
      this.counts.reads += 1;
      return snap.exists ? Org.parse(snap.data()) : null;
    });
  }

  async partner(partnerId: string): Promise<Partner | null> {
    return (await this.partners()).find((p) => p.id === partnerId)?.record ?? null;
  }

  partners(): Promise<Identified<Partner>[]> {
    return this.cached('partners', async () => {
      const snap = await this.db.collection('partners').get();
      this.counts.reads += Math.max(1, snap.size);
      return snap.docs.map((doc) => ({ id: doc.id, record: Partner.parse(doc.data()) }));
    });
  }

  workloads(): Promise<Identified<WorkloadTechnology>[]> {
    return this.cached('workloads', async () => {
      const snap = await workloadCatalog(this.db).get();
      this.counts.reads += Math.max(1, snap.size);
      return snap.docs.map((doc) => ({ id: doc.id, record: WorkloadTechnology.parse(doc.data()) }));
    });
  }

  queue(queueId: string): Promise<Queue | null> {
    // Not a document ID (empty, or a path): no such queue, rather than Firestore's error.
    if (!queueId || queueId.includes('/') || queueId === '.' || queueId === '..') return Promise.resolve(null);
    return this.cached(`queue/${queueId}`, async () => {
      const snap = await queuesCollection(this.db).doc(queueId).get();
      this.counts.reads += 1;
      return snap.exists ? Queue.parse(snap.data()) : null;
    });
  }

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(key) as Cached<T> | undefined;
    if (hit && hit.expiresAt > now) return hit.value;
    const value = load();
    this.cache.set(key, { value, expiresAt: now + this.ttlMs });
    value.catch(() => this.cache.delete(key));
    return value;
  }
}
