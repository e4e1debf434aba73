import { z } from 'zod';

export const SUPPORT_PLANS = ['basic', 'standard', 'enhanced', 'premium', 'partner_premium'] as const;
export const SupportPlan = z.enum(SUPPORT_PLANS);
export type SupportPlan = z.infer<typeof SupportPlan>;

/** Third-party technology support is part of these plans only (DESIGN.md, entitlement). */
export const QUALIFYING_PLANS: readonly SupportPlan[] = ['enhanced', 'premium', 'partner_premium'];

export const isEntitledToThirdPartySupport = (plan: SupportPlan): boolean => QUALIFYING_PLANS.includes(plan);
