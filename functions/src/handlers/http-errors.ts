import type { Response } from '@google-cloud/functions-framework';
import type { DomainError } from '../domain/result.js';

/** The one place a stable error code becomes an HTTP status. Unknown codes are our bug: 500. */
const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  invalid_request: 400,
  invalid_signature: 401,
  not_entitled: 403,
  not_found: 404,
  unknown_org: 404,
  unknown_case: 404,
  method_not_allowed: 405,
  idempotency_conflict: 409,
  invalid_transition: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
};

export const httpStatusFor = (code: string): number => STATUS_BY_CODE[code] ?? 500;

/** DESIGN.md's error body: `{"error": {code, message, issues?, …details}}`. */
export function errorBody(error: DomainError): { error: Record<string, unknown> } {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.issues ? { issues: error.issues } : {}),
      ...error.details,
    },
  };
}

export function sendError(res: Response, error: DomainError): void {
  res.status(httpStatusFor(error.code)).json(errorBody(error));
}

/** Bodies above this get 413 before anything is parsed into the domain. */
export const MAX_BODY_BYTES = 64 * 1024;
