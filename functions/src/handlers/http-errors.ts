import type { DomainError, ErrorCode } from '../domain/result.js';

/** The one place a stable error code becomes an HTTP status; `satisfies` makes a missing code a compile error. */
const STATUS_BY_CODE = {
  invalid_request: 400,
  unauthenticated: 401,
  invalid_signature: 401,
  not_entitled: 403,
  forbidden: 403,
  not_found: 404,
  unknown_org: 404,
  unknown_case: 404,
  unknown_partner: 404,
  method_not_allowed: 405,
  idempotency_conflict: 409,
  invalid_transition: 409,
  version_conflict: 409,
  not_ready: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  partner_rate_limited: 429,
  partner_unavailable: 502,
  no_sla_target: 500,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<ErrorCode, number>;

export const httpStatusFor = (code: ErrorCode): number => STATUS_BY_CODE[code];

/** The codes answered with a given status: the OpenAPI document lists them per response. */
export const codesWithStatus = (status: number): ErrorCode[] =>
  (Object.keys(STATUS_BY_CODE) as ErrorCode[]).filter((code) => STATUS_BY_CODE[code] === status);

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

/** Bodies above this get 413 before anything is parsed into the domain. */
export const MAX_BODY_BYTES = 64 * 1024;

/** How long a client should wait before retrying after a 503 (a dependency was unavailable). */
export const RETRY_AFTER_SECONDS = 5;
