import type { Role } from '../functions/src/domain/caller.js';

/**
 * The custom claims Tandem reads from an ID token (functions/src/domain/caller.ts): `role`, with `org`
 * for a customer and `partnerId` for a partner user. Set by the user CLI (dev/users-cli.ts) in
 * production and by the demo seeding on the Authentication emulator.
 */
export type TandemClaims = { role: 'customer'; org: string } | { role: 'engineer' } | { role: 'partner'; partnerId: string };

/** The claim names that are Tandem's: granting or revoking replaces these and keeps any other claim. */
export const TANDEM_CLAIM_KEYS = ['role', 'org', 'partnerId'] as const;

/** A user's custom claims with Tandem's replaced by `claims` (or removed, for null); other claims kept. */
export function withTandemClaims(existing: Record<string, unknown> | undefined, claims: TandemClaims | null): Record<string, unknown> {
  const kept = Object.fromEntries(Object.entries(existing ?? {}).filter(([key]) => !(TANDEM_CLAIM_KEYS as readonly string[]).includes(key)));
  return { ...kept, ...claims };
}

/** "customer of org-globex-enhanced", "engineer", "partner user of netapp", "no Tandem role". */
export function describeClaims(claims: Record<string, unknown> | undefined): string {
  const role = claims?.role as Role | undefined;
  if (role === 'customer') return `customer of ${String(claims?.org ?? '(no org!)')}`;
  if (role === 'partner') return `partner user of ${String(claims?.partnerId ?? '(no partner!)')}`;
  if (role === 'engineer') return 'engineer';
  return role === undefined ? 'no Tandem role' : `unknown role ${JSON.stringify(role)}`;
}
