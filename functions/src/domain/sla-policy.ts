import { z } from 'zod';
import { Priority, type Sla } from './case-model.js';
import { SupportPlan } from './support-plans.js';

/**
 * Response targets are data: a table passed in (defaults below, overridable through config), never
 * branches in code. A plan missing from the table has no target (it is not entitled anyway).
 */
export const MinutesByPriority = z.partialRecord(Priority, z.number().positive());
export type MinutesByPriority = z.infer<typeof MinutesByPriority>;
export const SlaTable = z.partialRecord(SupportPlan, MinutesByPriority);
export type SlaTable = z.infer<typeof SlaTable>;

/** DESIGN.md's first-response targets, in minutes. */
export const DEFAULT_FIRST_RESPONSE_MINUTES: SlaTable = {
  enhanced: { P1: 60, P2: 240, P3: 480, P4: 480 },
  premium: { P1: 15, P2: 120, P3: 240, P4: 480 },
  partner_premium: { P1: 15, P2: 120, P3: 240, P4: 480 },
};

/** How long a technology partner has to acknowledge, unless its record says otherwise. */
export const DEFAULT_PARTNER_ACK_MINUTES: Required<MinutesByPriority> = { P1: 60, P2: 120, P3: 480, P4: 1440 };

/** The share of the first-response target after which the case gets a warning. */
export const SLA_WARNING_FRACTION = 0.75;

export function firstResponseTargetMinutes(table: SlaTable, plan: SupportPlan, priority: Priority): number | undefined {
  return table[plan]?.[priority];
}

/** A fresh SLA clock for a case raised at `raisedAt`, or `undefined` when the plan has no target. */
export function startSla(table: SlaTable, plan: SupportPlan, priority: Priority, raisedAt: Date): Sla | undefined {
  const targetMinutes = firstResponseTargetMinutes(table, plan, priority);
  if (targetMinutes === undefined) return undefined;
  return {
    targetMinutes,
    firstResponseDueAt: addMinutes(raisedAt, targetMinutes).toISOString(),
    firstRespondedAt: null,
    pausedMinutes: 0,
    pausedSince: null,
    warned: false,
    breached: false,
  };
}

/** When the 75 % warning falls: the due time less a quarter of the target (pauses move both). */
export function slaWarningAt(sla: Pick<Sla, 'firstResponseDueAt' | 'targetMinutes'>): Date {
  return addMinutes(new Date(sla.firstResponseDueAt), -(1 - SLA_WARNING_FRACTION) * sla.targetMinutes);
}

export function partnerAckMinutes(priority: Priority, partnerTargets: MinutesByPriority = {}): number {
  return partnerTargets[priority] ?? DEFAULT_PARTNER_ACK_MINUTES[priority];
}

export const addMinutes = (at: Date, minutes: number): Date => new Date(at.getTime() + minutes * 60_000);
