import type { Firestore } from '@google-cloud/firestore';
import { queuesCollection, workloadCatalog } from '../functions/src/adapters/firestore-registry.js';
import { DEMO_ORGS, DEMO_WORKLOADS, demoPartners, demoQueues } from './seed-data.js';

/** Writes the demo data with `set()`: running it again leaves the same documents (idempotent). */
export async function seedDemoData(db: Firestore, baseUrl: string): Promise<{ orgs: number; partners: number; workloads: number; queues: number }> {
  const batch = db.batch();
  for (const [id, org] of Object.entries(DEMO_ORGS)) batch.set(db.collection('orgs').doc(id), org);
  const partners = demoPartners(baseUrl);
  for (const [id, partner] of Object.entries(partners)) batch.set(db.collection('partners').doc(id), partner);
  for (const [id, tech] of Object.entries(DEMO_WORKLOADS)) batch.set(workloadCatalog(db).doc(id), tech);
  const queues = demoQueues();
  for (const [id, queue] of Object.entries(queues)) batch.set(queuesCollection(db).doc(id), queue);
  await batch.commit();
  return { orgs: Object.keys(DEMO_ORGS).length, partners: Object.keys(partners).length, workloads: Object.keys(DEMO_WORKLOADS).length, queues: Object.keys(queues).length };
}
