import type { Approach, Case, Partner, Triage, WorkloadTechnology } from './case-model.js';
import { containsName, sameCompany } from './name-matching.js';

/** A reference record with its document ID (a partner, a workload technology), as the registry reads it. */
export interface Identified<T> {
  id: string;
  record: T;
}

export interface Classification {
  approach: Approach;
  triage: Triage;
  partnerId: string | null;
}

/**
 * The rules, in order; the first that matches decides. Recorded on the case as `triage.rule`, so
 * anyone reading the case sees why it went where it went.
 */
export const TRIAGE_RULES = {
  partnerVendor: 'vendor_is_partner',
  partnerProduct: 'product_is_partner_product',
  workloadProduct: 'product_in_workload_catalog',
  workloadVendor: 'vendor_in_workload_catalog',
  fallback: 'no_partner_or_workload_match',
} as const;

/**
 * Decides the support approach. A partner with a collaboration agreement wins over in-house
 * expertise (the partner owns the product); the workload catalog comes next; anything else is
 * third-party vendor support with commercially reasonable effort.
 */
export function classifyCase(
  subject: Pick<Case, 'vendor' | 'product'>,
  partners: readonly Identified<Partner>[],
  workloads: readonly Identified<WorkloadTechnology>[],
): Classification {
  const byVendor = partners.find((p) => [p.record.name, ...p.record.vendors].some((v) => sameCompany(subject.vendor, v)));
  if (byVendor) return collaborative(byVendor, TRIAGE_RULES.partnerVendor);
  const byProduct = partners.find((p) => p.record.products.some((product) => containsName(subject.product, product)));
  if (byProduct) return collaborative(byProduct, TRIAGE_RULES.partnerProduct);

  const names = (w: WorkloadTechnology) => [w.name, ...w.aliases];
  const workload = workloads.find((w) => names(w.record).some((n) => containsName(subject.product, n)));
  if (workload) return inHouse(workload, TRIAGE_RULES.workloadProduct);
  // A vendor that is itself a catalog technology ("PostgreSQL" as vendor); a catalog entry's
  // vendor ("Microsoft") is not enough, since the same vendor makes products we do not support.
  const workloadByVendor = workloads.find((w) => names(w.record).some((n) => sameCompany(subject.vendor, n)));
  if (workloadByVendor) return inHouse(workloadByVendor, TRIAGE_RULES.workloadVendor);

  return {
    approach: 'third_party_vendor',
    triage: { rule: TRIAGE_RULES.fallback, matched: null },
    partnerId: null,
  };
}

function collaborative(partner: Identified<Partner>, rule: string): Classification {
  return {
    approach: 'collaborative',
    triage: { rule, matched: { kind: 'partner', id: partner.id, name: partner.record.name } },
    partnerId: partner.id,
  };
}

function inHouse(workload: Identified<WorkloadTechnology>, rule: string): Classification {
  return {
    approach: 'workload',
    triage: { rule, matched: { kind: 'workload', id: workload.id, name: workload.record.name } },
    partnerId: null,
  };
}
