import { z } from 'zod';

export const SUPPORT_PLANS = ['basic', 'standard', 'enhanced', 'premium', 'partner_premium'] as const;
export const SupportPlan = z.enum(SUPPORT_PLANS);
export type SupportPlan = z.infer<typeof SupportPlan>;

/** Third-party technology support is part of these plans only (DESIGN.md, entitlement). */
export const QUALIFYING_PLANS: readonly SupportPlan[] = ['enhanced', 'premium', 'partner_premium'];

/** The plans' names as customers know them. */
export const PLAN_NAMES: Readonly<Record<SupportPlan, string>> = {
  basic: 'Basic',
  standard: 'Standard',
  enhanced: 'Enhanced',
  premium: 'Premium',
  partner_premium: 'Partner Premium',
};

export const isEntitledToThirdPartySupport = (plan: SupportPlan): boolean => QUALIFYING_PLANS.includes(plan);
