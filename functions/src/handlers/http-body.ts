import type { Request } from '@google-cloud/functions-framework';
import { DocumentId } from '../domain/case-model.js';
import { domainError, fail, ok, type Result } from '../domain/result.js';
import { MAX_BODY_BYTES } from './http-errors.js';

/** The body kinds Tandem accepts: JSON everywhere, the HTML form for intake. */
export type BodyKind = 'json' | 'form';

/**
 * Checks size (413) and content type (415) before anything is parsed into the domain. The raw bytes
 * come from the Functions Framework (`req.rawBody`), so the size is what was sent, not what parsed.
 */
export function checkBody(req: Request, accepted: readonly BodyKind[]): Result<BodyKind> {
  const length = req.rawBody?.length ?? Number(req.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) {
    return fail(domainError('payload_too_large', `A request may be at most ${MAX_BODY_BYTES / 1024} KiB; this one is ${Math.ceil(length / 1024)} KiB.`));
  }
  // req.is() answers with the matching type, or false/null: only a string is a match.
  if (accepted.includes('json') && typeof req.is('application/json') === 'string') return ok('json');
  if (accepted.includes('form') && typeof req.is('application/x-www-form-urlencoded') === 'string') return ok('form');
  const names = accepted.map((k) => (k === 'json' ? 'application/json' : 'an HTML form (application/x-www-form-urlencoded)'));
  return fail(
    domainError('unsupported_media_type', `Send ${names.join(' or ')}.`, { details: { contentType: req.get('content-type') ?? null } }),
  );
}

/** A path segment as a document ID, or `undefined` when it cannot be one (a bad escape included: never a 500). */
export function pathId(segment: string): string | undefined {
  try {
    const id = decodeURIComponent(segment);
    return DocumentId.safeParse(id).success ? id : undefined;
  } catch {
    return undefined;
  }
}
