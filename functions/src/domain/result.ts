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
 * An expected failure. `code` is snake_case and stable: clients branch on it, and one place
 * (handlers/http-errors.ts) maps it to an HTTP status.
 */
export interface DomainError {
  code: string;
  message: string;
  issues?: FieldIssue[];
  details?: Record<string, unknown>;
}

export const domainError = (
  code: string,
  message: string,
  extra: Omit<DomainError, 'code' | 'message'> = {},
): DomainError => ({ code, message, ...extra });
