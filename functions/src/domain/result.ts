/** Expected failures are values, not exceptions: `{ ok: false, error }` with a stable code. */
export type Result<T, E = DomainError> = { ok: true; value: T } | { ok: false; error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const fail = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** One problem with one input field. `path` is dotted (`contact.email`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/**
 * Every stable error code Tandem answers with, closed: clients branch on them, and
 * handlers/http-errors.ts maps each to its HTTP status (the compiler checks that none is missing).
 */
export type ErrorCode =
  | 'invalid_request'
  | 'unauthenticated'
  | 'invalid_signature'
  | 'not_entitled'
  | 'forbidden'
  | 'not_found'
  | 'unknown_org'
  | 'unknown_case'
  | 'unknown_partner'
  | 'method_not_allowed'
  | 'idempotency_conflict'
  | 'invalid_transition'
  | 'version_conflict'
  | 'payload_too_large'
  | 'unsupported_media_type'
  /** The partner's webhook endpoint answered 5xx or nothing (the workflow retries). */
  | 'partner_unavailable'
  /** The partner's webhook endpoint answered 429 (the workflow retries, backing off). */
  | 'partner_rate_limited'
  /** A pipeline step found the case not yet ready for it (never an HTTP answer: the step is skipped). */
  | 'not_ready'
  /** The SLA table has no target for the case (a configuration problem; the step is skipped). */
  | 'no_sla_target'
  | 'internal'
  | 'unavailable';

/**
 * An expected failure. `code` is snake_case and stable: clients branch on it, and one place
 * (handlers/http-errors.ts) maps it to an HTTP status.
 */
export interface DomainError {
  code: ErrorCode;
  message: string;
  issues?: FieldIssue[];
  details?: Record<string, unknown>;
}

export const domainError = (
  code: ErrorCode,
  message: string,
  extra: Omit<DomainError, 'code' | 'message'> = {},
): DomainError => ({ code, message, ...extra });
