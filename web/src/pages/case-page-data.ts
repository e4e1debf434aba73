import { useApp } from '../app-context.js';
import type { CaseRecord, TimelineEntry } from '../firebase.js';
import { useLive, type Live } from '../live.js';

/**
 * A case page's live data: the case and its timeline (internal entries for engineers only, as the
 * rules allow). Both follow every change without a reload.
 */
export function useCasePage(caseId: string): { caseRecord: Live<CaseRecord | null>; timeline: Live<TimelineEntry[]> } {
  const { backend, person } = useApp();
  const engineer = person.role === 'engineer';
  const caseRecord = useLive<CaseRecord | null>((w) => backend.watchCase(caseId, w), caseId);
  const timeline = useLive<TimelineEntry[]>((w) => backend.watchTimeline(caseId, engineer, w), `${caseId}:${engineer}`);
  return { caseRecord, timeline };
}
