import { describeClaims } from './claims.js';
import { DEMO_PASSWORD, DEMO_USERS, type DemoUser } from './seed-data.js';

/**
 * The Firebase Authentication emulator over its REST API (Identity Toolkit v1): the Admin calls the
 * demo seeding makes (`Authorization: Bearer owner` is the emulator's admin credential) and the
 * password sign-in that `npm run token` makes. Emulator only: nothing here reaches a real project.
 */

export const DEFAULT_AUTH_EMULATOR_HOST = '127.0.0.1:9099';

/** What went wrong, in words for the person at the terminal. */
export class AuthEmulatorError extends Error {
  override name = 'AuthEmulatorError';
  constructor(
    message: string,
    /** The emulator's error code (`EMAIL_NOT_FOUND`, …), or `UNREACHABLE`. */
    readonly code: string,
  ) {
    super(message);
  }
}

interface EmulatorUser {
  localId: string;
  email?: string;
  displayName?: string;
  customAttributes?: string;
}

async function call<T>(authHost: string, path: string, body: unknown, admin: boolean): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`http://${authHost}/identitytoolkit.googleapis.com/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(admin ? { authorization: 'Bearer owner' } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw new AuthEmulatorError(
      `No Firebase Authentication emulator answers at ${authHost}. Start the local stack (npm start), or set FIREBASE_AUTH_EMULATOR_HOST to where yours runs.`,
      'UNREACHABLE',
    );
  }
  const json = (await res.json().catch(() => ({}))) as T & { error?: { message?: string } };
  if (!res.ok) {
    const code = json.error?.message ?? `HTTP ${res.status}`;
    throw new AuthEmulatorError(`The Authentication emulator at ${authHost} refused ${path}: ${code}`, code.split(' ')[0] ?? code);
  }
  return json;
}

const accounts = (projectId: string, verb = '') => `projects/${encodeURIComponent(projectId)}/accounts${verb}`;

/**
 * Creates the demo users, or brings existing ones back to their data (password, name, claims), matched
 * by email, else by uid: running it again leaves one account per demo user.
 */
export async function seedDemoUsers(
  authHost: string,
  projectId: string,
  users: readonly DemoUser[] = DEMO_USERS,
  password: string = DEMO_PASSWORD,
): Promise<{ created: number; updated: number }> {
  const results = await Promise.all(
    users.map(async (user) => {
      const { users: found = [] } = await call<{ users?: EmulatorUser[] }>(authHost, accounts(projectId, ':lookup'), { email: [user.email], localId: [user.uid] }, true);
      const existing = found.find((u) => u.email === user.email.toLowerCase()) ?? found.find((u) => u.localId === user.uid);
      const localId = existing
        ? existing.localId
        : (await call<{ localId: string }>(authHost, accounts(projectId), { localId: user.uid, email: user.email, password, displayName: user.name, emailVerified: true }, true)).localId;
      await call(
        authHost,
        accounts(projectId, ':update'),
        { localId, email: user.email, password, displayName: user.name, emailVerified: true, customAttributes: JSON.stringify(user.claims) },
        true,
      );
      return existing ? 'updated' : 'created';
    }),
  );
  return { created: results.filter((r) => r === 'created').length, updated: results.filter((r) => r === 'updated').length };
}

/** The accounts of a project on the emulator with their custom claims (the tests count them). */
export async function listEmulatorUsers(authHost: string, projectId: string): Promise<{ uid: string; email?: string; name?: string; claims: Record<string, unknown> }[]> {
  const { userInfo = [] } = await call<{ userInfo?: EmulatorUser[] }>(authHost, accounts(projectId, ':query'), { returnUserInfo: true }, true);
  return userInfo.map((u) => ({ uid: u.localId, email: u.email, name: u.displayName, claims: JSON.parse(u.customAttributes ?? '{}') as Record<string, unknown> }));
}

export interface SignedIn {
  idToken: string;
  uid: string;
  /** The token's payload (the emulator's tokens are unsigned JWTs: `alg: none`). */
  claims: Record<string, unknown>;
  expiresInSeconds: number;
}

/**
 * Signs in with email and password as a client app would, and returns the ID token to send as
 * `Authorization: Bearer <token>`. The emulator signs in to the project it was started for (its
 * `--project`), whatever the key; a token for another project than `projectId` is an error.
 */
export async function idTokenFor(options: { authHost: string; projectId: string; email: string; password?: string }): Promise<SignedIn> {
  const { authHost, projectId, email, password = DEMO_PASSWORD } = options;
  let answer: { idToken: string; localId: string; expiresIn: string };
  try {
    answer = await call(authHost, 'accounts:signInWithPassword?key=any', { email, password, returnSecureToken: true }, false);
  } catch (error) {
    if (!(error instanceof AuthEmulatorError)) throw error;
    const known = `The demo users: ${DEMO_USERS.map((u) => u.email).join(', ')}.`;
    const messages: Record<string, string> = {
      EMAIL_NOT_FOUND: `No user ${email} in the Authentication emulator at ${authHost}. ${known}`,
      INVALID_PASSWORD: `Wrong password for ${email}${password === DEMO_PASSWORD ? ` (tried the demo password, ${DEMO_PASSWORD})` : ''}.`,
      INVALID_LOGIN_CREDENTIALS: `No user ${email} with that password in the Authentication emulator at ${authHost}. ${known}`,
      INVALID_EMAIL: `"${email}" is not an email address. ${known}`,
      USER_DISABLED: `The account ${email} is disabled.`,
    };
    throw new AuthEmulatorError(messages[error.code] ?? error.message, error.code);
  }
  const claims = decodeJwtPayload(answer.idToken);
  if (claims.aud !== projectId) {
    throw new AuthEmulatorError(
      `The Authentication emulator at ${authHost} was started for the project ${String(claims.aud)}, not ${projectId}: set GOOGLE_CLOUD_PROJECT=${String(claims.aud)}, or start the stack on its own emulator.`,
      'WRONG_PROJECT',
    );
  }
  return { idToken: answer.idToken, uid: answer.localId, claims, expiresInSeconds: Number(answer.expiresIn) };
}

/** The payload of a JWT, not verified (the emulator's tokens carry no signature to verify). */
export function decodeJwtPayload(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** The demo users for a person: email, role and name, one a line. */
export function demoUsersTable(users: readonly DemoUser[] = DEMO_USERS): string {
  const width = Math.max(...users.map((u) => u.email.length));
  const roles = users.map((u) => describeClaims(u.claims));
  const roleWidth = Math.max(...roles.map((r) => r.length));
  return users.map((u, i) => `  ${u.email.padEnd(width)}  ${roles[i]!.padEnd(roleWidth)}  ${u.name}`).join('\n');
}
