import { useEffect, useState } from 'preact/hooks';
import type { Partner, Queue } from '../../../functions/src/domain/case-model.js';
import { useApp } from '../app-context.js';
import { useLive, type Live } from '../live.js';

/**
 * The reference data the console reads beside a case, live, under firestore.rules (engineers may
 * read all of it): queues, partners, orgs, and a case's engineering-only document (its assignee).
 */

export interface Assignee {
  uid: string;
  name: string;
  email?: string;
}

/** `cases/{id}/internal/engineering`: a document of its own, as the rules grant whole documents (firestore.rules). */
export const engineeringPath = (caseId: string): string => `cases/${caseId}/internal/engineering`;

export function useDocument<T>(path: string | null): Live<T | null> {
  const { backend } = useApp();
  return useLive<T | null>((w) => (path ? backend.watchDocument<T>(path, w) : (w.next(null), () => undefined)), path ?? '');
}

/** Several documents at once (the queues a list of cases names), by path; a failed read is simply absent. */
export function useDocuments<T>(paths: readonly string[]): ReadonlyMap<string, T> {
  const { backend } = useApp();
  const [docs, setDocs] = useState<ReadonlyMap<string, T>>(new Map());
  const key = [...new Set(paths)].sort().join('|');
  useEffect(() => {
    const stops = (key ? key.split('|') : []).map((path) =>
      backend.watchDocument<T>(path, {
        next: (value) =>
          setDocs((current) => {
            const next = new Map(current);
            if (value) next.set(path, value);
            else next.delete(path);
            return next;
          }),
        error: () => undefined,
      }),
    );
    return () => stops.forEach((stop) => stop());
  }, [key]);
  return docs;
}

export type PartnerRecord = Pick<Partner, 'name' | 'ackTargetsMinutes' | 'escalationLadder'> & { id: string };

export function usePartners(): Live<PartnerRecord[]> {
  const { backend } = useApp();
  return useLive<PartnerRecord[]>((w) => backend.watchCollection<PartnerRecord>('partners', w), 'partners');
}

/**
 * A queue's name: its record's, else words made from its ID (`workload-databases` → "Workload
 * databases"), so a queue whose record cannot be read is still named.
 */
export function queueName(queueId: string, queues: ReadonlyMap<string, Queue>): string {
  const record = queues.get(`queues/${queueId}`);
  if (record?.name) return record.name;
  const words = queueId.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
