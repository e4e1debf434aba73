import { CompactSign, createLocalJWKSet, errors, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CLOCK_TOLERANCE_SECONDS,
  GOOGLE_ID_TOKEN_KEYS_URL,
  IdTokenVerifier,
  idTokenVerifier,
  type RefusalReason,
} from '../../functions/src/adapters/id-token-verifier.js';
import { eitherClock } from '../../dev/stack-deps.js';
import { emulatorIdToken, PEOPLE } from '../tokens.js';
import type { Caller } from '../../functions/src/domain/caller.js';
import type { DomainError, Result } from '../../functions/src/domain/result.js';
import { DependencyUnavailable, isDependencyUnavailable } from '../../functions/src/ports/dependency-failure.js';

const PROJECT = 'tandem-prod';
const DEMO = 'demo-tandem';
const NOW = new Date('2026-03-02T10:00:00Z');
const now = NOW.getTime() / 1000;
const clock = { now: () => NOW };
const issuerOf = (project: string) => `https://securetoken.google.com/${project}`;

/** What Firebase Authentication puts in an ID token, for `project`, issued a minute ago. */
const idTokenClaims = (project: string, overrides: Record<string, unknown> = {}): JWTPayload => ({
  iss: issuerOf(project),
  aud: project,
  sub: 'uid-ada',
  iat: now - 60,
  exp: now - 60 + 3600,
  auth_time: now - 120,
  user_id: 'uid-ada',
  email: 'ada@acme.test',
  email_verified: true,
  name: 'Ada Lovelace',
  role: 'customer',
  org: 'acme',
  firebase: { identities: { email: ['ada@acme.test'] }, sign_in_provider: 'password' },
  ...overrides,
});

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** An unsigned token the way the Authentication emulator writes one (jsonwebtoken, `algorithm: 'none'`). */
const emulatorToken = (payload: JWTPayload) => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(payload)}.`;

let google: { privateKey: CryptoKey; kid: string };
let stranger: { privateKey: CryptoKey };
/** Google's key set, local: one published key. */
let keys: JWTVerifyGetKey;

beforeAll(async () => {
  const [googlePair, strangerPair] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('RS256')]);
  google = { privateKey: googlePair.privateKey, kid: 'google-key-1' };
  stranger = { privateKey: strangerPair.privateKey };
  keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(googlePair.publicKey)), kid: google.kid, alg: 'RS256', use: 'sig' }] });
});

const signed = (payload: JWTPayload, by: { privateKey: CryptoKey; kid?: string } = google) =>
  new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: by.kid ?? google.kid, typ: 'JWT' }).sign(by.privateKey);

/** Google's signature over a payload that is not a claims set. */
const signedBytes = (payload: string) =>
  new CompactSign(new TextEncoder().encode(payload)).setProtectedHeader({ alg: 'RS256', kid: google.kid }).sign(google.privateKey);

const bearer = (token: string) => `Bearer ${token}`;
const production = () => new IdTokenVerifier({ projectId: PROJECT, clock, keys });
const emulator = () => new IdTokenVerifier({ projectId: DEMO, clock, emulatorHost: '127.0.0.1:9099' });

const callerOf = (result: Result<Caller>): Caller => {
  if (!result.ok) throw new Error(`expected a caller, got ${JSON.stringify(result.error)}`);
  return result.value;
};
const refusalOf = (result: Result<Caller>): DomainError => {
  if (result.ok) throw new Error(`expected a refusal, got the caller ${JSON.stringify(result.value)}`);
  return result.error;
};

describe('IdTokenVerifier, Google-signed tokens', () => {
  it('gives the caller of a valid token, from each claim', async () => {
    const caller = callerOf(await production().verify(bearer(await signed(idTokenClaims(PROJECT)))));
    expect(caller).toEqual({ uid: 'uid-ada', role: 'customer', orgId: 'acme', partnerId: null, name: 'Ada Lovelace', email: 'ada@acme.test' });
  });

  it.each([
    ['a partner user', { role: 'partner', org: undefined, partnerId: 'netapp' }, { role: 'partner', orgId: null, partnerId: 'netapp' }],
    ['an engineer', { role: 'engineer', org: undefined }, { role: 'engineer', orgId: null, partnerId: null }],
    ['no name: the email', { name: undefined }, { name: 'ada@acme.test', email: 'ada@acme.test' }],
    ['an empty name: the email', { name: '' }, { name: 'ada@acme.test' }],
    ['neither name nor email: the uid', { name: undefined, email: undefined }, { name: 'uid-ada', email: null }],
    ['no role', { role: undefined }, { role: null, orgId: 'acme' }],
    ['a role Tandem does not know', { role: 'admin' }, { role: null }],
    ['a role that is not a string', { role: ['engineer'] }, { role: null }],
    ['claims of the wrong type', { org: 42, partnerId: true, email: {} }, { orgId: null, partnerId: null, email: null, name: 'Ada Lovelace' }],
  ])('%s', async (_name, overrides, expected) => {
    const caller = callerOf(await production().verify(bearer(await signed(idTokenClaims(PROJECT, overrides)))));
    expect(caller).toMatchObject({ uid: 'uid-ada', ...expected });
  });

  it.each([
    ['bearer in lower case', (t: string) => `bearer ${t}`],
    ['spaces around the token', (t: string) => `  Bearer   ${t}  `],
  ])('reads the token with %s', async (_name, header) => {
    expect(callerOf(await production().verify(header(await signed(idTokenClaims(PROJECT))))).uid).toBe('uid-ada');
  });

  it.each([
    ['exp', { exp: now - CLOCK_TOLERANCE_SECONDS + 1 }],
    ['iat', { iat: now + CLOCK_TOLERANCE_SECONDS }],
    ['auth_time', { auth_time: now + CLOCK_TOLERANCE_SECONDS }],
  ])('allows %s within the clock tolerance', async (_claim, overrides) => {
    expect((await production().verify(bearer(await signed(idTokenClaims(PROJECT, overrides))))).ok).toBe(true);
  });

  /** Each way a token is refused, and the reason it is refused for. */
  const refusals: [string, RefusalReason, () => Promise<string | undefined>][] = [
    ['no Authorization header', 'missing', async () => undefined],
    ['an empty Authorization header', 'missing', async () => ''],
    ['Bearer without a token', 'missing', async () => 'Bearer '],
    ['another scheme', 'not_bearer', async () => `Basic ${Buffer.from('ada:secret').toString('base64')}`],
    ['a token without a scheme', 'not_bearer', async () => signed(idTokenClaims(PROJECT))],
    ['garbage', 'malformed', async () => bearer('garbage')],
    ['three parts of garbage', 'malformed', async () => bearer('a.b.c')],
    ['two tokens', 'malformed', async () => `Bearer ${await signed(idTokenClaims(PROJECT))} ${await signed(idTokenClaims(PROJECT))}`],
    ['a signed payload that is not JSON', 'malformed', async () => bearer(await signedBytes('not json'))],
    ['a signed payload that is a JSON array', 'malformed', async () => bearer(await signedBytes('["uid-ada"]'))],
    ['a signature of another key under Google’s kid', 'bad_signature', async () => bearer(await signed(idTokenClaims(PROJECT), { privateKey: stranger.privateKey }))],
    ['a signature of another key with its own kid', 'bad_signature', async () => bearer(await signed(idTokenClaims(PROJECT), { privateKey: stranger.privateKey, kid: 'stranger' }))],
    ['a changed payload', 'bad_signature', async () => { const [h, , s] = (await signed(idTokenClaims(PROJECT))).split('.'); return bearer(`${h}.${b64url(idTokenClaims(PROJECT, { role: 'engineer' }))}.${s}`); }],
    ['the signature removed', 'bad_signature', async () => bearer(`${(await signed(idTokenClaims(PROJECT))).split('.').slice(0, 2).join('.')}.`)],
    ['an unsigned token (alg none): forged', 'bad_signature', async () => bearer(emulatorToken(idTokenClaims(PROJECT)))],
    ['an HMAC token (HS256), signed with a shared secret', 'bad_signature', async () => bearer(await new SignJWT(idTokenClaims(PROJECT)).setProtectedHeader({ alg: 'HS256', kid: google.kid }).sign(new TextEncoder().encode('a secret anyone could have')))],
    ['another audience', 'wrong_audience', async () => bearer(await signed(idTokenClaims(PROJECT, { aud: 'other-project' })))],
    ['no audience', 'wrong_audience', async () => bearer(await signed(idTokenClaims(PROJECT, { aud: undefined })))],
    ['another project’s issuer', 'wrong_issuer', async () => bearer(await signed(idTokenClaims(PROJECT, { iss: issuerOf('other-project') })))],
    ['a session cookie’s issuer', 'wrong_issuer', async () => bearer(await signed(idTokenClaims(PROJECT, { iss: `https://session.firebase.google.com/${PROJECT}` })))],
    ['no issuer', 'wrong_issuer', async () => bearer(await signed(idTokenClaims(PROJECT, { iss: undefined })))],
    ['an expired token', 'expired', async () => bearer(await signed(idTokenClaims(PROJECT, { iat: now - 3700, exp: now - 100 })))],
    ['a token just past the tolerance', 'expired', async () => bearer(await signed(idTokenClaims(PROJECT, { exp: now - CLOCK_TOLERANCE_SECONDS })))],
    ['no exp', 'malformed', async () => bearer(await signed(idTokenClaims(PROJECT, { exp: undefined })))],
    ['an exp that is not a number', 'malformed', async () => bearer(await signed(idTokenClaims(PROJECT, { exp: 'tomorrow' })))],
    ['iat in the future', 'not_yet_valid', async () => bearer(await signed(idTokenClaims(PROJECT, { iat: now + 60 })))],
    ['no iat', 'malformed', async () => bearer(await signed(idTokenClaims(PROJECT, { iat: undefined })))],
    ['auth_time in the future', 'not_yet_valid', async () => bearer(await signed(idTokenClaims(PROJECT, { auth_time: now + 60 })))],
    ['no auth_time', 'malformed', async () => bearer(await signed(idTokenClaims(PROJECT, { auth_time: undefined })))],
    ['nbf in the future', 'not_yet_valid', async () => bearer(await signed(idTokenClaims(PROJECT, { nbf: now + 60 })))],
    ['an empty sub', 'no_subject', async () => bearer(await signed(idTokenClaims(PROJECT, { sub: '' })))],
    ['no sub', 'no_subject', async () => bearer(await signed(idTokenClaims(PROJECT, { sub: undefined })))],
    ['a sub that is not a string', 'no_subject', async () => bearer(await signed(idTokenClaims(PROJECT, { sub: 42 })))],
    ['a sub longer than a Firebase uid', 'malformed', async () => bearer(await signed(idTokenClaims(PROJECT, { sub: 'u'.repeat(129) })))],
  ];

  it.each(refusals)('refuses %s: unauthenticated, %s', async (_name, reason, header) => {
    const error = refusalOf(await production().verify(await header()));
    expect(error).toMatchObject({ code: 'unauthenticated', details: { reason } });
  });

  it.each<[RefusalReason, string]>([
    ['missing', 'Sign in: send your ID token as Authorization: Bearer <token>.'],
    ['expired', 'Your sign-in has expired; sign in again.'],
  ])('says %s in words for a person', async (reason, message) => {
    const header = reason === 'missing' ? undefined : bearer(await signed(idTokenClaims(PROJECT, { exp: now - 100 })));
    expect(refusalOf(await production().verify(header))).toEqual({ code: 'unauthenticated', message, details: { reason } });
  });

  it("never answers with jose's wording", async () => {
    for (const [, , header] of refusals) {
      const { message } = refusalOf(await production().verify(await header()));
      expect(message).not.toMatch(/JWT|JWS|JWK|claim|alg|header parameter|timestamp/i);
    }
  });

  it.each([
    ['timed out', () => new errors.JWKSTimeout()],
    ['not a key set', () => new errors.JWKSInvalid()],
    ['answered 503', () => new errors.JOSEError('Expected 200 OK from the JSON Web Key Set HTTP response')],
  ])('throws a dependency failure (answered 503), rather than refuse the token, when the keys %s', async (_name, failure) => {
    const unreachable: JWTVerifyGetKey = async () => {
      throw failure();
    };
    const verifier = new IdTokenVerifier({ projectId: PROJECT, clock, keys: unreachable });
    const thrown = await verifier.verify(bearer(await signed(idTokenClaims(PROJECT)))).then(() => undefined, (error: unknown) => error);
    expect(thrown).toBeInstanceOf(DependencyUnavailable);
    expect(isDependencyUnavailable(thrown)).toBe(true);
  });
});

describe('IdTokenVerifier, the Authentication emulator', () => {
  it('accepts an unsigned token shaped as the emulator makes them', async () => {
    const token = emulatorToken(idTokenClaims(DEMO, { role: 'engineer', org: undefined, name: undefined, email: 'grace@tandem.test' }));
    const caller = callerOf(await emulator().verify(bearer(token)));
    expect(caller).toEqual({ uid: 'uid-ada', role: 'engineer', orgId: null, partnerId: null, name: 'grace@tandem.test', email: 'grace@tandem.test' });
  });

  it.each<[string, JWTPayload, RefusalReason]>([
    ['another audience', idTokenClaims(DEMO, { aud: 'demo-other' }), 'wrong_audience'],
    ['another issuer', idTokenClaims(DEMO, { iss: issuerOf('demo-other') }), 'wrong_issuer'],
    ['a token for the production project', idTokenClaims(PROJECT), 'wrong_issuer'],
    ['an expired token', idTokenClaims(DEMO, { iat: now - 3700, exp: now - 100 }), 'expired'],
    ['no exp', idTokenClaims(DEMO, { exp: undefined }), 'malformed'],
    ['iat in the future', idTokenClaims(DEMO, { iat: now + 60 }), 'not_yet_valid'],
    ['an empty sub', idTokenClaims(DEMO, { sub: '' }), 'no_subject'],
    ['no sub', idTokenClaims(DEMO, { sub: undefined }), 'no_subject'],
  ])('still refuses %s', async (_name, payload, reason) => {
    expect(refusalOf(await emulator().verify(bearer(emulatorToken(payload))))).toMatchObject({ code: 'unauthenticated', details: { reason } });
  });

  it.each([
    ['garbage', 'garbage'],
    ['an unsigned token with a signature part', `${emulatorToken(idTokenClaims(DEMO))}c2ln`],
    ['a header that says RS256', `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(idTokenClaims(DEMO))}.`],
  ])('refuses %s as malformed', async (_name, token) => {
    expect(refusalOf(await emulator().verify(bearer(token)))).toMatchObject({ code: 'unauthenticated', details: { reason: 'malformed' } });
  });

  it('refuses a signed token: the emulator issues none', async () => {
    const token = await signed(idTokenClaims(DEMO));
    expect(refusalOf(await emulator().verify(bearer(token)))).toMatchObject({ details: { reason: 'malformed' } });
  });

  it.each([['tandem-prod'], ['demotandem'], ['my-demo-tandem']])('cannot be built for the project %s, which is not demo-', (projectId) => {
    expect(() => new IdTokenVerifier({ projectId, clock, emulatorHost: '127.0.0.1:9099' })).toThrow(/only for a demo- project/);
    expect(() => idTokenVerifier({ projectId, emulatorHost: '127.0.0.1:9099' }, clock)).toThrow(/only for a demo- project/);
  });

  it('cannot be built without an emulator host', () => {
    expect(() => new IdTokenVerifier({ projectId: DEMO, clock, emulatorHost: '' })).toThrow(/with an emulator host/);
  });
});

describe('idTokenVerifier(config.identity, clock)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('builds the emulator verifier when the emulator host is set (a demo- project)', async () => {
    const verifier = idTokenVerifier({ projectId: DEMO, emulatorHost: '127.0.0.1:9099' }, clock);
    expect(verifier.emulatorMode).toBe(true);
    expect(callerOf(await verifier.verify(bearer(emulatorToken(idTokenClaims(DEMO))))).uid).toBe('uid-ada');
  });

  it('builds the Google verifier otherwise, even for a demo- project, and it refuses unsigned tokens without fetching keys', async () => {
    const fetch = vi.fn(async () => {
      throw new Error('no network in unit tests');
    });
    vi.stubGlobal('fetch', fetch);
    for (const projectId of [PROJECT, DEMO]) {
      const verifier = idTokenVerifier({ projectId }, clock);
      expect(verifier.emulatorMode).toBe(false);
      const error = refusalOf(await verifier.verify(bearer(emulatorToken(idTokenClaims(projectId)))));
      expect(error.details).toEqual({ reason: 'bad_signature' });
    }
    expect(fetch).not.toHaveBeenCalled();
  });

  it("fetches Google's keys on the first verification, once, and keeps them", async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'google-remote', alg: 'RS256', use: 'sig' }] };
    const fetch = vi.fn(async (_url: string | URL) => Response.json(jwks));
    vi.stubGlobal('fetch', fetch);
    const verifier = idTokenVerifier({ projectId: PROJECT }, clock);
    expect(fetch).not.toHaveBeenCalled();
    for (const uid of ['uid-1', 'uid-2']) {
      const token = await signed(idTokenClaims(PROJECT, { sub: uid }), { privateKey, kid: 'google-remote' });
      expect(callerOf(await verifier.verify(bearer(token))).uid).toBe(uid);
    }
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(String(fetch.mock.calls[0]![0])).toBe(GOOGLE_ID_TOKEN_KEYS_URL);
  });
});

describe('the local stack checks tokens against its own clock and the wall clock', () => {
  const projectId = 'demo-tandem';
  const stackClock = { now: () => new Date('2026-03-09T09:00:00Z') };
  const verifier = eitherClock(
    new IdTokenVerifier({ projectId, clock: stackClock, emulatorHost: '127.0.0.1:9099' }),
    new IdTokenVerifier({ projectId, clock: { now: () => new Date() }, emulatorHost: '127.0.0.1:9099' }),
  );
  const bearer = (issued: Date) => `Bearer ${emulatorIdToken(projectId, PEOPLE.grace, issued)}`;

  it('a token the browser got just now passes, though the stack’s clock was advanced a week', async () => {
    expect((await verifier.verify(bearer(new Date()))).ok).toBe(true);
  });
  it('a token made for the stack’s time passes', async () => {
    expect((await verifier.verify(bearer(stackClock.now()))).ok).toBe(true);
  });
  it('a token expired by both clocks is refused, with the stack clock’s reason', async () => {
    const refused = await verifier.verify(bearer(new Date('2026-03-01T09:00:00Z')));
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.code).toBe('unauthenticated');
  });
});
