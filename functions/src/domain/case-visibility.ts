import type { Caller } from './caller.js';
import type { Case } from './case-model.js';

/**
 * Who may see a case: the one rule firestore.rules, the case API and case actions share
 * (test/visibility-matrix.ts drives the tests of all three). Engineers see every case; a customer
 * sees their org's; a partner sees a case escalated to it, until it declines or the case is taken
 * back from it.
 */

/** The partner that may read the case as it stands, or null (the store writes it as `partnerAccess`). */
export function partnerAccessOf(c: Pick<Case, 'partnerId' | 'escalation'>): string | null {
  const held = c.escalation;
  if (!c.partnerId || !held) return null;
  return held.outcome === 'declined' || held.outcome === 'ladder_exhausted' ? null : c.partnerId;
}

export function canSee(caller: Caller, c: Pick<Case, 'orgId' | 'partnerAccess'>): boolean {
  switch (caller.role) {
    case 'engineer':
      return true;
    case 'customer':
      return caller.orgId !== null && caller.orgId === c.orgId;
    case 'partner':
      return caller.partnerId !== null && caller.partnerId === c.partnerAccess;
    default:
      return false;
  }
}
