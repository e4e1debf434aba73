import { createHmac, timingSafeEqual } from 'node:crypto';
import { domainError, fail, ok, type Result } from '../domain/result.js';

/**
 * The Standard Webhooks scheme (https://www.standardwebhooks.com/), used both ways with partners:
 * Tandem signs the webhooks it sends and verifies the callbacks it receives.
 *
 * - `webhook-id`: the message's unique id; a retry of the same message reuses it.
 * - `webhook-timestamp`: integer seconds since the epoch.
 * - `webhook-signature`: space-separated `v1,<base64 HMAC-SHA256>` entries (several during key
 *   rotation); entries of other versions are ignored.
 * - Signed content: `${id}.${timestamp}.${rawBody}`, over the raw bytes exactly as sent.
 * - Secret: `whsec_<base64 key>`; the HMAC key is the base64-decoded part after the prefix.
 */

/** What a partner webhook secret looks like; anything else is refused by the secret stores. */
export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9+/]+=*$/;

/** Standard Webhooks' recommended tolerance, and the design's "5 minutes". */
export const DEFAULT_TOLERANCE_SECONDS = 300;

const SECRET_PREFIX = 'whsec_';
const SIGNATURE_BYTES = 32; // HMAC-SHA256
/**
 * Header length limits, checked before any work: they bound the HMAC and base64 work an unsigned
 * request can cause. 4 KiB of signatures is ~90 `v1,` entries, far beyond any real rotation.
 */
const MAX_ID_LENGTH = 256;
const MAX_TIMESTAMP_LENGTH = 15;
const MAX_SIGNATURE_HEADER_LENGTH = 4096;

/** The three headers of a signed webhook, under their wire names. */
export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Why a verification failed, in `error.details.reason`; the message says the same for a person. */
export type WebhookRejection =
  | 'missing_header'
  | 'header_too_long'
  | 'malformed_timestamp'
  | 'timestamp_out_of_tolerance'
  | 'no_matching_signature';

/**
 * The HMAC key inside a `whsec_` secret, or `undefined` when the secret is malformed. Node's base64
 * decoder skips characters it does not know, so the shape is checked first.
 */
function secretKey(secret: string): Buffer | undefined {
  if (typeof secret !== 'string' || !WEBHOOK_SECRET_PATTERN.test(secret)) return undefined;
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return key.length > 0 ? key : undefined;
}

function hmac(key: Buffer, webhookId: string, timestamp: number, rawBody: string | Buffer): Buffer {
  return createHmac('sha256', key).update(`${webhookId}.${timestamp}.`).update(rawBody).digest();
}

/**
 * The `v1,<base64>` signature of one message. Throws on a malformed secret or a timestamp that is
 * not integer seconds: both are mistakes in Tandem's own configuration or code, not a partner's.
 */
export function signWebhook(secret: string, webhookId: string, timestamp: number, rawBody: string | Buffer): string {
  const key = secretKey(secret);
  if (!key) throw new Error('A webhook secret must be "whsec_" followed by a non-empty base64 key.');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`A webhook timestamp is integer seconds since the epoch, not ${timestamp}.`);
  }
  return `v1,${hmac(key, webhookId, timestamp, rawBody).toString('base64')}`;
}

/** The three headers for a message sent at `at` (its seconds, rounded down). */
export function webhookHeaders(secret: string, webhookId: string, at: Date, rawBody: string | Buffer): WebhookHeaders {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, webhookId, timestamp, rawBody),
  };
}

const reject = (reason: WebhookRejection, message: string) =>
  fail(domainError('invalid_signature', message, { details: { reason } }));

/** The 32-byte digests of the header's `v1` entries; other versions and malformed entries are skipped. */
function v1Signatures(header: string): Buffer[] {
  const signatures: Buffer[] = [];
  for (const entry of header.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const encoded = entry.slice(comma + 1);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) continue;
    const decoded = Buffer.from(encoded, 'base64');
    if (decoded.length === SIGNATURE_BYTES) signatures.push(decoded);
  }
  return signatures;
}

/**
 * Checks a signed request on its raw bytes, before anything parses them. Passes when the timestamp
 * is within `toleranceSeconds` of `now` (either way, bounds included) and at least one `v1`
 * signature matches at least one of `secrets` (all of a partner's secrets, during a rotation).
 *
 * Every secret is compared against every signature in constant time, and only then is the outcome
 * decided, so the timing tells nothing about which secret (or whether the first) matched. A
 * malformed secret matches nothing; it never throws.
 *
 * Failures are `invalid_signature`, with `details.reason` and a message naming the failed check.
 */
export function verifyWebhook(input: {
  rawBody: Buffer;
  headers: { id?: string; timestamp?: string; signature?: string };
  secrets: string[];
  now: Date;
  toleranceSeconds?: number;
}): Result<{ webhookId: string; timestamp: number }> {
  const { id, timestamp: timestampHeader, signature } = input.headers;
  const missing = [
    ['webhook-id', id],
    ['webhook-timestamp', timestampHeader],
    ['webhook-signature', signature],
  ].flatMap(([name, value]) => (value ? [] : [name]));
  if (!id || !timestampHeader || !signature) {
    const what = missing.length === 1 ? `The ${missing[0]} header is` : `The ${missing.join(', ')} headers are`;
    return reject('missing_header', `${what} missing.`);
  }
  if (id.length > MAX_ID_LENGTH) {
    return reject('header_too_long', `The webhook-id header is longer than ${MAX_ID_LENGTH} characters.`);
  }
  if (signature.length > MAX_SIGNATURE_HEADER_LENGTH) {
    return reject('header_too_long', `The webhook-signature header is longer than ${MAX_SIGNATURE_HEADER_LENGTH} characters.`);
  }
  if (timestampHeader.length > MAX_TIMESTAMP_LENGTH || !/^\d+$/.test(timestampHeader)) {
    return reject('malformed_timestamp', 'The webhook-timestamp header is not an integer number of seconds.');
  }

  const timestamp = Number(timestampHeader);
  const tolerance = input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const drift = Math.floor(input.now.getTime() / 1000) - timestamp;
  if (Math.abs(drift) > tolerance) {
    const when = drift > 0 ? `${drift} s in the past` : `${-drift} s in the future`;
    return reject('timestamp_out_of_tolerance', `The webhook-timestamp is ${when}, outside the ${tolerance} s tolerance.`);
  }

  const received = v1Signatures(signature);
  let matched = false;
  for (const secret of input.secrets) {
    const key = secretKey(secret);
    // A malformed secret still costs one HMAC, with a throwaway key, so it does not stand out.
    const expected = hmac(key ?? Buffer.alloc(SIGNATURE_BYTES), id, timestamp, input.rawBody);
    for (const candidate of received) {
      // No `||` here: every comparison runs, whatever matched before.
      if (timingSafeEqual(candidate, expected) && key) matched = true;
    }
  }
  if (!matched) {
    return reject('no_matching_signature', "No v1 signature in the webhook-signature header matches the partner's secrets.");
  }
  return ok({ webhookId: id, timestamp });
}
