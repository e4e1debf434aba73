import type { Request } from '@google-cloud/functions-framework';
import { domainError, fail, ok, type Result } from '../domain/result.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header: 1–255 visible ASCII characters, or none. */
export function idempotencyKeyOf(req: Request): Result<string | undefined> {
  const raw = req.get('idempotency-key');
  if (raw === undefined || raw === '') return ok(undefined);
  if (typeof raw === 'string' && IDEMPOTENCY_KEY.test(raw)) return ok(raw);
  return fail(
    domainError('invalid_request', 'Bad Idempotency-Key', {
      issues: [{ path: 'Idempotency-Key', message: 'An Idempotency-Key is 1–255 visible ASCII characters' }],
    }),
  );
}
