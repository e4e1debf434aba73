import type { Org, Partner, Queue, WorkloadTechnology } from '../domain/case-model.js';
import type { Identified } from '../domain/triage-classification.js';

export type { Identified };

/**
 * Reference data that changes rarely and is read on every case: orgs (for the plan), the partner
 * registry, the workload catalog and the support queues. Implementations may cache (see the TTL in config): a plan
 * change or a new partner takes effect within that TTL.
 */
export interface Registry {
  org(orgId: string): Promise<Org | null>;
  partner(partnerId: string): Promise<Partner | null>;
  partners(): Promise<Identified<Partner>[]>;
  workloads(): Promise<Identified<WorkloadTechnology>[]>;
  /** The queue triage named (`Case.queue`), with its team's address; null for a queue not on record. */
  queue(queueId: string): Promise<Queue | null>;
}
