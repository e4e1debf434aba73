import type { Caller } from '../domain/caller.js';
import type { Result } from '../domain/result.js';

/**
 * Verifies the ID token of a request (`Authorization: Bearer <token>`): signature against the
 * issuer's keys, audience (the project), issuer, expiry. A missing, malformed, forged or expired token
 * is `unauthenticated` (401); a valid one is the {@link Caller}, whatever its claims (the handlers
 * decide what its role may do).
 */
export interface IdentityVerifier {
  verify(authorization: string | undefined): Promise<Result<Caller>>;
}
