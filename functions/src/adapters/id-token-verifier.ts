// jose by its subpaths: the package's index loads every JWE/JWS module, about twice the import time.
import type { JWTClaimVerificationOptions, JWTPayload } from 'jose';
import { createRemoteJWKSet } from 'jose/jwks/remote';
import { UnsecuredJWT } from 'jose/jwt/unsecured';
import { jwtVerify, type JWTVerifyGetKey } from 'jose/jwt/verify';
import type { IdentityConfig } from '../config.js';
import { Role, type Caller } from '../domain/caller.js';
import { domainError, fail, ok, type Result } from '../domain/result.js';
import type { Clock } from '../ports/clock.js';
import { DependencyUnavailable } from '../ports/dependency-failure.js';
import type { IdentityVerifier } from '../ports/identity.js';

/** Google's public keys for Firebase Authentication / Identity Platform ID tokens, as a JWK set. */
export const GOOGLE_ID_TOKEN_KEYS_URL = 'https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com';

/**
 * How far the token's times (`exp`, `iat`, `auth_time`) may be off the instance's clock. Google sets
 * `iat` by its own clock and a client sends the token at once, so an instance a little behind would
 * see a fresh token as issued in the future; 5 s covers the skew of NTP-synced clocks and lengthens a
 * one-hour token's life by no more than that.
 */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** Firebase uids are at most 128 characters. */
const MAX_UID_LENGTH = 128;

/** Why a token was refused: `details.reason` of the `unauthenticated` error. */
export type RefusalReason =
  | 'missing'
  | 'not_bearer'
  | 'malformed'
  | 'bad_signature'
  | 'wrong_audience'
  | 'wrong_issuer'
  | 'expired'
  | 'not_yet_valid'
  | 'no_subject';

const SIGN_IN = 'Sign in: send your ID token as Authorization: Bearer <token>.';
const MESSAGES: Record<RefusalReason, string> = {
  missing: SIGN_IN,
  not_bearer: SIGN_IN,
  malformed: 'Your sign-in token is not a valid ID token; sign in again.',
  bad_signature: 'Your sign-in token could not be verified; sign in again.',
  wrong_audience: 'Your sign-in token is for another application; sign in to Tandem again.',
  wrong_issuer: 'Your sign-in token was not issued for Tandem; sign in to Tandem again.',
  expired: 'Your sign-in has expired; sign in again.',
  not_yet_valid: "Your sign-in token is not valid yet; check your device's clock, then sign in again.",
  no_subject: 'Your sign-in token names no user; sign in again.',
};

const refuse = (reason: RefusalReason): Result<never> =>
  fail(domainError('unauthenticated', MESSAGES[reason], { details: { reason } }));

/** The claims jose reports a failed check of, by what the failure means for the caller. */
const REASON_BY_CLAIM: Partial<Record<string, RefusalReason>> = {
  aud: 'wrong_audience',
  iss: 'wrong_issuer',
  sub: 'no_subject',
  nbf: 'not_yet_valid',
};

/**
 * What a jose error says about the token, by its documented `code`; undefined for an error that is
 * not the token's fault (Google's key set could not be fetched, timed out or was not a key set), which
 * is thrown on: the HTTP shape answers it 503 or 500 and logs it.
 */
function refusalFor(error: unknown): RefusalReason | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      return REASON_BY_CLAIM[(error as { claim?: string }).claim ?? ''] ?? 'malformed';
    case 'ERR_JOSE_ALG_NOT_ALLOWED': // an unsigned token, or one signed otherwise than Google signs
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JWKS_NO_MATCHING_KEY': // a `kid` Google does not (or no longer) publish
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS': // no `kid`, and Google publishes several keys
      return 'bad_signature';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'malformed';
    default:
      return undefined;
  }
}

/** The token of `Authorization: Bearer <token>` (the scheme is case-insensitive, RFC 7235). */
function bearerToken(authorization: string | undefined): { token: string } | { refusal: RefusalReason } {
  const header = authorization?.trim() ?? '';
  if (header === '') return { refusal: 'missing' };
  const [scheme = '', ...rest] = header.split(/\s+/);
  if (scheme.toLowerCase() !== 'bearer') return { refusal: 'not_bearer' };
  if (rest.length === 0) return { refusal: 'missing' };
  if (rest.length > 1) return { refusal: 'malformed' };
  return { token: rest[0]! };
}

const nonEmpty = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/**
 * What jose leaves to the caller: `sub` is the uid (a non-empty string, as Firebase makes them), and
 * neither `iat` nor `auth_time` is in the future (jose checks `iat` only with `maxTokenAge`).
 */
function firebaseClaimsRefusal(payload: JWTPayload, now: Date): RefusalReason | undefined {
  if (typeof payload.sub !== 'string' || payload.sub === '') return 'no_subject';
  if (payload.sub.length > MAX_UID_LENGTH) return 'malformed';
  const { iat, auth_time: authTime } = payload;
  if (typeof iat !== 'number' || typeof authTime !== 'number') return 'malformed';
  const latest = Math.floor(now.getTime() / 1000) + CLOCK_TOLERANCE_SECONDS;
  if (iat > latest || authTime > latest) return 'not_yet_valid';
  return undefined;
}

function callerOf(payload: JWTPayload & { sub: string }): Caller {
  const role = Role.safeParse(payload.role);
  const email = nonEmpty(payload.email);
  return {
    uid: payload.sub,
    role: role.success ? role.data : null,
    orgId: nonEmpty(payload.org),
    partnerId: nonEmpty(payload.partnerId),
    name: nonEmpty(payload.name) ?? email ?? payload.sub,
    email,
  };
}

export type IdTokenVerifierOptions = { projectId: string; clock: Clock } & (
  | {
      /** Where the signing keys come from: {@link googleIdTokenKeys} deployed, a local key set in tests. */
      keys: JWTVerifyGetKey;
      emulatorHost?: never;
    }
  | {
      /**
       * The Authentication emulator the tokens come from: its tokens are unsigned (`alg: none`) and
       * are accepted instead of signed ones. Only for a `demo-` project.
       */
      emulatorHost: string;
      keys?: never;
    }
);

/**
 * The {@link IdentityVerifier} of Firebase Authentication / Identity Platform ID tokens: RS256 JWTs
 * signed by Google, issued by `https://securetoken.google.com/<projectId>` for the audience `<projectId>`.
 * Built with an emulator host, it accepts the Authentication emulator's unsigned tokens instead, with
 * the same claim checks; a signed token is then refused (the emulator never issues one).
 */
export class IdTokenVerifier implements IdentityVerifier {
  private readonly keys: JWTVerifyGetKey | undefined;
  private readonly clock: Clock;
  private readonly issuer: string;
  private readonly audience: string;

  constructor(options: IdTokenVerifierOptions) {
    if (options.emulatorHost !== undefined && (options.emulatorHost === '' || !options.projectId.startsWith('demo-'))) {
      throw new Error(
        `The Authentication emulator's unsigned tokens are accepted only for a demo- project with an emulator host; ` +
          `the project is "${options.projectId}" and the emulator host "${options.emulatorHost}".`,
      );
    }
    this.keys = options.keys;
    this.clock = options.clock;
    this.issuer = `https://securetoken.google.com/${options.projectId}`;
    this.audience = options.projectId;
  }

  /** Whether unsigned emulator tokens are accepted (and signed ones refused). */
  get emulatorMode(): boolean {
    return this.keys === undefined;
  }

  async verify(authorization: string | undefined): Promise<Result<Caller>> {
    const bearer = bearerToken(authorization);
    if ('refusal' in bearer) return refuse(bearer.refusal);
    const now = this.clock.now();
    // The same checks in both modes: UnsecuredJWT.decode (three parts, the last empty; header
    // `alg: none`; a JSON object payload) validates its claims exactly as jwtVerify does.
    const claims: JWTClaimVerificationOptions = {
      issuer: this.issuer,
      audience: this.audience,
      requiredClaims: ['exp', 'iat', 'sub', 'auth_time'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      currentDate: now,
    };
    let payload: JWTPayload;
    try {
      payload = this.keys
        ? (await jwtVerify(bearer.token, this.keys, { ...claims, algorithms: ['RS256'] })).payload
        : UnsecuredJWT.decode(bearer.token, claims).payload;
    } catch (error) {
      const reason = refusalFor(error);
      // Not the token's fault: Google's key set could not be fetched, timed out or was not a key set.
      if (reason === undefined) throw new DependencyUnavailable("Google's ID token keys could not be read", { cause: error });
      return refuse(reason);
    }
    const refusal = firebaseClaimsRefusal(payload, now);
    if (refusal) return refuse(refusal);
    return ok(callerOf(payload as JWTPayload & { sub: string }));
  }
}

let googleKeySet: JWTVerifyGetKey | undefined;
/**
 * Google's key set, created on the first verification (not at import: importing fetches nothing).
 * jose then fetches the keys once, keeps them for 10 minutes, and refetches early (at most every
 * 30 s) when a token names a key it does not have, as after Google rotates its keys.
 */
export const googleIdTokenKeys: JWTVerifyGetKey = (header, token) =>
  (googleKeySet ??= createRemoteJWKSet(new URL(GOOGLE_ID_TOKEN_KEYS_URL)))(header, token);

/** The verifier for the configuration: Google-signed tokens, or the emulator's when its host is set. */
export function idTokenVerifier(identity: IdentityConfig, clock: Clock): IdTokenVerifier {
  return identity.emulatorHost
    ? new IdTokenVerifier({ projectId: identity.projectId, clock, emulatorHost: identity.emulatorHost })
    : new IdTokenVerifier({ projectId: identity.projectId, clock, keys: googleIdTokenKeys });
}
