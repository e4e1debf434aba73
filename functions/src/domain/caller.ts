import { z } from 'zod';
import type { Actor } from './case-model.js';

/** The roles a person can have in Tandem, set as the `role` custom claim by Tandem's own user tooling. */
export const ROLES = ['customer', 'engineer', 'partner'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * Who sent a request, from a verified ID token: the token's subject and its custom claims (`role`,
 * `org` for a customer, `partnerId` for a partner user). `role` is null when the token carries no
 * role Tandem knows: such a caller acts as nobody (403).
 */
export interface Caller {
  uid: string;
  role: Role | null;
  /** A customer's org (the `org` claim). */
  orgId: string | null;
  /** A partner user's partner (the `partnerId` claim). */
  partnerId: string | null;
  /** For the timeline and the contact of a case a customer opens: the token's `name`, else its email. */
  name: string;
  email: string | null;
}

/** How a caller appears on the timeline. */
export const actorOf = (caller: Caller & { role: Role }): Actor => ({ kind: caller.role, id: caller.uid, name: caller.name });
