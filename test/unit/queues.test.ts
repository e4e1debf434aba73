import { describe, expect, it } from 'vitest';
import { DEMO_WORKLOADS, demoPartners, demoQueues } from '../../dev/seed-data.js';
import { Queue } from '../../functions/src/domain/case-model.js';
import { queueFor } from '../../functions/src/domain/triage-steps.js';

describe('the demo queues', () => {
  /** Every queue triage can name for the seeded partners and catalog: each approach, each match. */
  const producible = (): string[] => [
    ...Object.keys(demoPartners('http://127.0.0.1')).map((partnerId) => queueFor({ approach: 'collaborative', partnerId }, null)),
    ...Object.values(DEMO_WORKLOADS).map((w) => queueFor({ approach: 'workload', partnerId: null }, w.queue)),
    queueFor({ approach: 'workload', partnerId: null }, null),
    queueFor({ approach: 'third_party_vendor', partnerId: null }, null),
  ];

  it('has a queue for every queue ID triage can produce from the seed', () => {
    const queues = demoQueues();
    const missing = [...new Set(producible())].filter((id) => !(id in queues));
    expect(missing).toEqual([]);
  });

  it('has nothing triage cannot produce, and a valid name and address for each', () => {
    const queues = demoQueues();
    expect(Object.keys(queues).sort()).toEqual([...new Set(producible())].sort());
    for (const queue of Object.values(queues)) expect(Queue.parse(queue)).toEqual(queue);
    expect(queues['workload-databases']).toEqual({ name: 'Databases', email: 'databases@support.tandem.example' });
    expect(queues['partner-netapp']?.email).toBe('partner-netapp@support.tandem.example');
  });
});
