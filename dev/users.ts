import { parseArgs } from 'node:util';
import { getApps, initializeApp } from 'firebase-admin/app';
import { getAuth, type Auth } from 'firebase-admin/auth';
import { z } from 'zod';
import { ROLES } from '../functions/src/domain/caller.js';
import { describeClaims, withTandemClaims, type TandemClaims } from './claims.js';

/**
 * What `npm run users` does (dev/users-cli.ts is the command itself): gives a person a Tandem role by
 * setting their custom claims with the Firebase Admin SDK, shows them, takes them away. Works on a
 * real project (Application Default Credentials) and, when FIREBASE_AUTH_EMULATOR_HOST is set, on the
 * Authentication emulator.
 */

export type UsersCommand =
  | { command: 'grant'; email: string; claims: TandemClaims }
  | { command: 'show'; email: string }
  | { command: 'revoke'; email: string };

export const USAGE = `Usage:
  npm run users -- grant <email> --role engineer
  npm run users -- grant <email> --role customer --org <orgId>
  npm run users -- grant <email> --role partner --partner <partnerId>
  npm run users -- show <email>
  npm run users -- revoke <email>
The project is GOOGLE_CLOUD_PROJECT, on the Authentication emulator when FIREBASE_AUTH_EMULATOR_HOST is
set, else in Firebase Authentication with Application Default Credentials. A user sees a change in
their next ID token (at the latest within the hour, when it is refreshed).`;

const COMMANDS = ['grant', 'show', 'revoke'] as const;
const always = { when: () => true };
const given = (input: unknown) => (typeof input === 'string' ? `"${input}"` : 'nothing');
const Id = (flag: string) => z.string({ error: `${flag} needs a value.` }).regex(/^[A-Za-z0-9_.-]+$/, { error: (iss) => `${flag} ${given(iss.input)} is not an ID (letters, digits, - _ .)` });

/** What the command line says, checked: every problem is reported, not only the first. */
const UsersArgs = z
  .object({
    command: z.enum(COMMANDS, { error: (iss) => (iss.input === undefined ? 'Say what to do: grant, show or revoke.' : `${given(iss.input)} is not a command: grant, show or revoke.`) }),
    email: z.email({ error: (iss) => (iss.input === undefined ? "The user's email address is missing." : `${given(iss.input)} is not an email address.`) }),
    role: z
      .enum(ROLES, { error: (iss) => (iss.input === true ? '--role needs a value: engineer, customer or partner.' : `--role ${given(iss.input)} is not a role: engineer, customer or partner.`) })
      .optional(),
    org: Id('--org').optional(),
    partner: Id('--partner').optional(),
    extra: z.array(z.string()),
    unknown: z.array(z.string()),
  })
  // Runs even when a field above is wrong (`when`), so that one run lists every problem.
  .superRefine((a, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (a.extra.length > 0) problem('extra', `Unexpected ${a.extra.join(' ')}: one email address at a time.`);
    if (a.unknown.length > 0) problem('unknown', `Unknown option ${a.unknown.join(', ')}: the options are --role, --org and --partner.`);
    if (a.command === 'grant') {
      // A bad --role is reported above; what goes with a role is checked only for a real one.
      const role = ROLES.find((r) => r === a.role);
      if (a.role === undefined) problem('role', 'grant needs --role engineer, customer or partner.');
      if (role === 'customer' && a.org === undefined) problem('org', 'A customer belongs to an org: add --org <orgId> (e.g. --org org-globex-enhanced).');
      if (role === 'partner' && a.partner === undefined) problem('partner', 'A partner user belongs to a partner: add --partner <partnerId> (e.g. --partner netapp).');
      if (a.org !== undefined && role && role !== 'customer') problem('org', `--org is for a customer; a${role === 'engineer' ? 'n' : ''} ${role} has none.`);
      if (a.partner !== undefined && role && role !== 'partner') problem('partner', `--partner is for a partner user; a${role === 'engineer' ? 'n' : ''} ${role} has none.`);
    } else if (typeof a.command === 'string' && (COMMANDS as readonly string[]).includes(a.command)) {
      for (const flag of ['role', 'org', 'partner'] as const) if (a[flag] !== undefined) problem(flag, `${a.command} takes only an email address, not --${flag}.`);
    }
  }, always);

/** The command line (after `npm run users --`) as a command, or the problems with it for a person. */
export function parseUsersArgs(argv: readonly string[]): { ok: true; command: UsersCommand } | { ok: false; problems: string[] } {
  const known = ['role', 'org', 'partner'];
  const { values, positionals } = parseArgs({
    args: [...argv],
    options: { role: { type: 'string' }, org: { type: 'string' }, partner: { type: 'string' } },
    allowPositionals: true,
    strict: false,
  });
  const parsed = UsersArgs.safeParse({
    command: positionals[0],
    email: positionals[1],
    role: values.role,
    org: values.org,
    partner: values.partner,
    extra: positionals.slice(2),
    unknown: Object.keys(values)
      .filter((k) => !known.includes(k))
      .map((k) => `--${k}`),
  });
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => issue.message) };
  const { command, email, role, org, partner } = parsed.data;
  if (command !== 'grant') return { ok: true, command: { command, email } };
  const claims: TandemClaims = role === 'customer' ? { role, org: org! } : role === 'partner' ? { role, partnerId: partner! } : { role: 'engineer' };
  return { ok: true, command: { command, email, claims } };
}

/** A problem with the user or the project, for a person (the CLI prints it and exits 1). */
export class UsersError extends Error {
  override name = 'UsersError';
}

/** The Admin SDK's Auth for a project; on the emulator when FIREBASE_AUTH_EMULATOR_HOST is set. */
export function adminAuth(projectId: string): Auth {
  const name = `tandem-users-${projectId}`;
  return getAuth(getApps().find((app) => app.name === name) ?? initializeApp({ projectId }, name));
}

export interface UserClaims {
  uid: string;
  email: string;
  name: string | undefined;
  disabled: boolean;
  claims: Record<string, unknown>;
}

async function userByEmail(auth: Auth, email: string): Promise<UserClaims> {
  try {
    const user = await auth.getUserByEmail(email);
    return { uid: user.uid, email: user.email ?? email, name: user.displayName, disabled: user.disabled, claims: user.customClaims ?? {} };
  } catch (error) {
    if ((error as { code?: string }).code === 'auth/user-not-found') {
      throw new UsersError(`No user ${email} in this project: they sign in once first (or, on the emulator, npm start seeds the demo users).`);
    }
    throw error;
  }
}

/** Sets Tandem's claims (replacing any role they had) and keeps the user's other custom claims. */
export async function grantRole(auth: Auth, email: string, claims: TandemClaims): Promise<{ before: UserClaims; after: UserClaims }> {
  const before = await userByEmail(auth, email);
  await auth.setCustomUserClaims(before.uid, withTandemClaims(before.claims, claims));
  return { before, after: await userByEmail(auth, email) };
}

export const showUser = userByEmail;

/**
 * Removes Tandem's claims (the user's other claims stay) and revokes their refresh tokens, so that no
 * new ID token carries the old role; one already issued stays valid until it expires (≤ 1 hour).
 */
export async function revokeRole(auth: Auth, email: string): Promise<{ before: UserClaims; after: UserClaims }> {
  const before = await userByEmail(auth, email);
  const rest = withTandemClaims(before.claims, null);
  await auth.setCustomUserClaims(before.uid, Object.keys(rest).length > 0 ? rest : null);
  await auth.revokeRefreshTokens(before.uid);
  return { before, after: await userByEmail(auth, email) };
}

const who = (u: UserClaims) => `${u.email} (uid ${u.uid}${u.name ? `, ${u.name}` : ''}${u.disabled ? ', disabled' : ''})`;

/** Runs a command and says what it did. */
export async function runUsersCommand(auth: Auth, command: UsersCommand): Promise<string> {
  switch (command.command) {
    case 'show': {
      const user = await showUser(auth, command.email);
      return `${who(user)}: ${describeClaims(user.claims)}\n  custom claims ${JSON.stringify(user.claims)}`;
    }
    case 'grant': {
      const { before, after } = await grantRole(auth, command.email, command.claims);
      return (
        `${who(after)}: ${describeClaims(before.claims)} → ${describeClaims(after.claims)}\n  custom claims ${JSON.stringify(after.claims)}\n` +
        '  Their next ID token carries it (a signed-in user gets one within the hour, or at once by signing in again).'
      );
    }
    case 'revoke': {
      const { before, after } = await revokeRole(auth, command.email);
      return (
        `${who(after)}: ${describeClaims(before.claims)} → ${describeClaims(after.claims)}\n  custom claims ${JSON.stringify(after.claims)}\n` +
        '  Refresh tokens revoked: no new ID token carries the old role; one already issued stays valid until it expires (≤ 1 hour).'
      );
    }
  }
}
