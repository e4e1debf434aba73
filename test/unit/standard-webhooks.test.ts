import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook, webhookHeaders } from '../../functions/src/adapters/standard-webhooks.js';

const secretOf = (key: string) => `whsec_${Buffer.from(key).toString('base64')}`;
const newSecret = secretOf('tandem-test-key-new-0123456789ab');
const oldSecret = secretOf('tandem-test-key-old-0123456789ab');
const otherSecret = secretOf('someone-elses-key-0123456789abcd');

const at = new Date('2026-11-23T10:00:00.000Z');
const atSeconds = at.getTime() / 1000;
const webhookId = 'msg_2pWq0c1dTandem';
const body = JSON.stringify({ type: 'collaboration.acknowledged', caseRef: 'CASE-1042', occurredAt: at.toISOString() });
const rawBody = Buffer.from(body);

/** The headers a partner sends, in the shape verifyWebhook takes. */
function signedBy(secret: string, options: { at?: Date; payload?: string } = {}) {
  const h = webhookHeaders(secret, webhookId, options.at ?? at, options.payload ?? body);
  return { id: h['webhook-id'], timestamp: h['webhook-timestamp'], signature: h['webhook-signature'] };
}

const secondsFromAt = (seconds: number) => new Date(at.getTime() + seconds * 1000);

describe('Standard Webhooks signing', () => {
  it('matches the Standard Webhooks specification test vector', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    expect(signWebhook(secret, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe(
      'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    );
  });

  it('signs exactly as the standardwebhooks package does, for a string and for a Buffer', () => {
    const theirs = new Webhook(newSecret).sign(webhookId, at, body);
    expect(signWebhook(newSecret, webhookId, atSeconds, body)).toBe(theirs);
    expect(signWebhook(newSecret, webhookId, atSeconds, rawBody)).toBe(theirs);
  });

  it('headers carry the id, the timestamp in whole seconds, and the signature', () => {
    expect(webhookHeaders(newSecret, webhookId, new Date(at.getTime() + 999), body)).toEqual({
      'webhook-id': webhookId,
      'webhook-timestamp': String(atSeconds),
      'webhook-signature': signWebhook(newSecret, webhookId, atSeconds, body),
    });
  });

  it('a webhook Tandem signs is accepted by the standardwebhooks package', () => {
    const now = new Date(); // the package checks the timestamp against the real clock
    const headers = webhookHeaders(newSecret, webhookId, now, body);
    expect(new Webhook(newSecret).verify(body, { ...headers })).toEqual(JSON.parse(body));
  });

  it('refuses to sign with a malformed secret or a fractional timestamp', () => {
    expect(() => signWebhook('not-a-secret', webhookId, atSeconds, body)).toThrow(/whsec_/);
    expect(() => signWebhook(newSecret, webhookId, atSeconds + 0.5, body)).toThrow(RangeError);
  });
});

describe('Standard Webhooks verification', () => {
  it('a callback signed by the standardwebhooks package passes, and says which message it is', () => {
    const signature = new Webhook(newSecret).sign(webhookId, at, body);
    const result = verifyWebhook({
      rawBody,
      headers: { id: webhookId, timestamp: String(atSeconds), signature },
      secrets: [newSecret],
      now: at,
    });
    expect(result).toEqual({ ok: true, value: { webhookId, timestamp: atSeconds } });
  });

  const timestampCases = [
    { name: 'a timestamp 300 s in the past passes', signedAt: -300, passes: true },
    { name: 'a timestamp 300 s in the future passes', signedAt: 300, passes: true },
    { name: 'a timestamp 301 s in the past (stale) fails', signedAt: -301, passes: false },
    { name: 'a timestamp 301 s in the future fails', signedAt: 301, passes: false },
  ];
  it.each(timestampCases)('$name', ({ signedAt, passes }) => {
    const result = verifyWebhook({ rawBody, headers: signedBy(newSecret, { at: secondsFromAt(signedAt) }), secrets: [newSecret], now: at });
    expect(result.ok).toBe(passes);
    if (!result.ok) {
      expect(result.error).toMatchObject({ code: 'invalid_signature', details: { reason: 'timestamp_out_of_tolerance' } });
      expect(result.error.message).toMatch(signedAt < 0 ? /301 s in the past/ : /301 s in the future/);
    }
  });

  it('a custom tolerance is honoured', () => {
    const headers = signedBy(newSecret, { at: secondsFromAt(-61) });
    expect(verifyWebhook({ rawBody, headers, secrets: [newSecret], now: at, toleranceSeconds: 60 }).ok).toBe(false);
    expect(verifyWebhook({ rawBody, headers, secrets: [newSecret], now: at, toleranceSeconds: 61 }).ok).toBe(true);
  });

  const valid = signedBy(newSecret);
  const validDigest = valid.signature.slice('v1,'.length);
  const rejections: {
    name: string;
    rawBody?: Buffer;
    headers: { id?: string; timestamp?: string; signature?: string };
    secrets?: string[];
    reason: string;
    message: RegExp;
  }[] = [
    { name: 'a tampered body fails', rawBody: Buffer.from(body.replace('1042', '1043')), headers: valid, reason: 'no_matching_signature', message: /No v1 signature/ },
    { name: 'a signature made with another key fails', headers: signedBy(otherSecret), reason: 'no_matching_signature', message: /No v1 signature/ },
    { name: 'a missing webhook-id fails', headers: { ...valid, id: undefined }, reason: 'missing_header', message: /webhook-id header is missing/ },
    { name: 'a missing webhook-timestamp fails', headers: { ...valid, timestamp: undefined }, reason: 'missing_header', message: /webhook-timestamp header is missing/ },
    { name: 'a missing webhook-signature fails', headers: { ...valid, signature: undefined }, reason: 'missing_header', message: /webhook-signature header is missing/ },
    { name: 'an empty webhook-signature counts as missing', headers: { ...valid, signature: '' }, reason: 'missing_header', message: /webhook-signature/ },
    { name: 'a non-numeric timestamp fails', headers: { ...valid, timestamp: `${atSeconds}abc` }, reason: 'malformed_timestamp', message: /integer number of seconds/ },
    { name: 'a negative timestamp fails', headers: { ...valid, timestamp: `-${atSeconds}` }, reason: 'malformed_timestamp', message: /integer number of seconds/ },
    { name: 'a timestamp in milliseconds reads as far in the future and fails', headers: { ...valid, timestamp: String(at.getTime()) }, reason: 'timestamp_out_of_tolerance', message: /in the future/ },
    { name: 'a v1 signature of the wrong length fails', headers: { ...valid, signature: `v1,${Buffer.alloc(31).toString('base64')}` }, reason: 'no_matching_signature', message: /No v1 signature/ },
    { name: 'a correct digest under another version (v1a only) fails', headers: { ...valid, signature: `v1a,${validDigest}` }, reason: 'no_matching_signature', message: /No v1 signature/ },
    { name: 'a correct digest with junk characters in it fails', headers: { ...valid, signature: `v1,${validDigest.slice(0, 10)}!${validDigest.slice(10)}` }, reason: 'no_matching_signature', message: /No v1 signature/ },
    { name: 'a partner with no secrets matches nothing', headers: valid, secrets: [], reason: 'no_matching_signature', message: /No v1 signature/ },
    { name: 'a signature header over 4 KiB is refused before any HMAC', headers: { ...valid, signature: `${valid.signature} ${'v1,x'.repeat(1100)}` }, reason: 'header_too_long', message: /webhook-signature header is longer/ },
    { name: 'an oversized webhook-id is refused', headers: { ...valid, id: 'x'.repeat(257) }, reason: 'header_too_long', message: /webhook-id header is longer/ },
  ];
  it.each(rejections)('$name', ({ rawBody: received, headers, secrets, reason, message }) => {
    const result = verifyWebhook({ rawBody: received ?? rawBody, headers, secrets: secrets ?? [newSecret], now: at });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'invalid_signature', details: { reason } });
    expect(result.error.message).toMatch(message);
  });

  it('names every missing header at once', () => {
    const result = verifyWebhook({ rawBody, headers: {}, secrets: [newSecret], now: at });
    expect(!result.ok && result.error.message).toBe('The webhook-id, webhook-timestamp, webhook-signature headers are missing.');
  });

  it('one valid signature among several (garbage, another version, wrong length, valid) passes', () => {
    const signature = ['v1,Z2FyYmFnZQ==', `v1a,${validDigest}`, 'v2,abc', `v1,${Buffer.alloc(32).toString('base64')}`, 'nonsense', valid.signature].join(' ');
    expect(verifyWebhook({ rawBody, headers: { ...valid, signature }, secrets: [newSecret], now: at }).ok).toBe(true);
  });

  it('during a rotation, a callback signed with the old secret passes when the partner has [new, old]', () => {
    const result = verifyWebhook({ rawBody, headers: signedBy(oldSecret), secrets: [newSecret, oldSecret], now: at });
    expect(result.ok).toBe(true);
  });

  it('after a rotation, a callback signed with the retired secret fails', () => {
    expect(verifyWebhook({ rawBody, headers: signedBy(oldSecret), secrets: [newSecret], now: at }).ok).toBe(false);
  });

  it('a malformed secret in the list does not throw and matches nothing, while the good one still works', () => {
    const malformed = ['', 'whsec_', 'whsec_!!!', 'not-a-secret', 'whsec_A', validDigest];
    expect(() => verifyWebhook({ rawBody, headers: valid, secrets: malformed, now: at })).not.toThrow();
    expect(verifyWebhook({ rawBody, headers: valid, secrets: malformed, now: at }).ok).toBe(false);
    expect(verifyWebhook({ rawBody, headers: valid, secrets: [...malformed, newSecret], now: at }).ok).toBe(true);
  });

  it('a malformed secret matches nothing, not even a signature made with an all-zero key', () => {
    const zeroKeyHeaders = signedBy(`whsec_${Buffer.alloc(32).toString('base64')}`);
    expect(verifyWebhook({ rawBody, headers: zeroKeyHeaders, secrets: ['whsec_!!!', 'not-a-secret'], now: at }).ok).toBe(false);
  });

  it('verifies the raw bytes, not a re-serialisation: the same JSON with other spacing fails', () => {
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body), null, 2));
    expect(verifyWebhook({ rawBody: reformatted, headers: valid, secrets: [newSecret], now: at }).ok).toBe(false);
  });

  it('a body that is not UTF-8 is signed and verified byte for byte', () => {
    const binary = Buffer.from([0xff, 0xfe, 0x00, 0x80]);
    const signature = signWebhook(newSecret, webhookId, atSeconds, binary);
    const headers = { id: webhookId, timestamp: String(atSeconds), signature };
    expect(verifyWebhook({ rawBody: binary, headers, secrets: [newSecret], now: at }).ok).toBe(true);
    expect(verifyWebhook({ rawBody: Buffer.from([0xff, 0xfe, 0x00, 0x81]), headers, secrets: [newSecret], now: at }).ok).toBe(false);
  });
});
