import type { Request } from '@google-cloud/functions-framework';
import type { Caller, Role } from '../domain/caller.js';
import { domainError, fail, type Result } from '../domain/result.js';
import type { IdentityVerifier } from '../ports/identity.js';

/**
 * The caller of a request, from its ID token: 401 `unauthenticated` (answered with
 * `WWW-Authenticate: Bearer` by http-errors' headers) when there is no valid token, 403 `forbidden`
 * when the token carries no role Tandem knows (it acts as nobody).
 */
export async function authenticate(identity: IdentityVerifier, req: Request): Promise<Result<Caller & { role: Role }>> {
  const verified = await identity.verify(req.get('authorization'));
  if (!verified.ok) return verified;
  const caller = verified.value;
  if (!caller.role) return fail(domainError('forbidden', 'Your account has no role in Tandem yet. Ask your Customer Care contact to give you access.'));
  return { ok: true, value: { ...caller, role: caller.role } };
}
