/**
 * ID tokens as the Firebase Authentication emulator issues them (unsigned: `alg: none`), for the
 * integration tests' requests. The functions accept them only in emulator mode, which needs
 * FIREBASE_AUTH_EMULATOR_HOST and a `demo-` project (functions/src/adapters/id-token-verifier.ts);
 * test/integration/auth-emulator.test.ts checks that the real emulator's tokens have this shape.
 */
import type { Caller, Role } from '../functions/src/domain/caller.js';
export interface TokenUser {
  uid: string;
  role?: string;
  org?: string;
  partnerId?: string;
  name?: string;
  email?: string;
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function emulatorIdToken(projectId: string, user: TokenUser, now: Date = new Date()): string {
  const iat = Math.floor(now.getTime() / 1000);
  const { uid, role, org, partnerId, name, email } = user;
  const payload = {
    iss: `https://securetoken.google.com/${projectId}`,
    aud: projectId,
    auth_time: iat,
    user_id: uid,
    sub: uid,
    iat,
    exp: iat + 3600,
    ...(email ? { email, email_verified: false } : {}),
    ...(name ? { name } : {}),
    firebase: { identities: email ? { email: [email] } : {}, sign_in_provider: 'password' },
    ...(role ? { role } : {}),
    ...(org ? { org } : {}),
    ...(partnerId ? { partnerId } : {}),
  };
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
}

/** The people the tests act as. */
export const PEOPLE = {
  ada: { uid: 'u-ada', role: 'customer', org: 'org-premium', name: 'Ada Lovelace', email: 'ada@globex.example' },
  bob: { uid: 'u-bob', role: 'customer', org: 'org-enhanced', name: 'Bob Builder', email: 'bob@acme.example' },
  grace: { uid: 'u-grace', role: 'engineer', name: 'Grace Hopper', email: 'grace@tandem.example' },
  netapp: { uid: 'u-netapp', role: 'partner', partnerId: 'netapp', name: 'NetApp support desk', email: 'desk@netapp.example' },
  mongodb: { uid: 'u-mongodb', role: 'partner', partnerId: 'mongodb', name: 'MongoDB support desk', email: 'desk@mongodb.example' },
  nobody: { uid: 'u-nobody', name: 'No Role', email: 'nobody@example.com' },
} satisfies Record<string, TokenUser>;

/** `Authorization: Bearer …` for one of {@link PEOPLE} (or any user) on a project. */
export const authAs = (projectId: string, user: TokenUser, now?: Date): Record<string, string> => ({ authorization: `Bearer ${emulatorIdToken(projectId, user, now)}` });

/** The caller the functions make of `user`'s token (handlers/authenticate.ts), for domain tests that take a caller. */
export const callerOf = (user: TokenUser): Caller & { role: Role } => ({
  uid: user.uid,
  role: user.role as Role,
  orgId: user.org ?? null,
  partnerId: user.partnerId ?? null,
  name: user.name ?? user.uid,
  email: user.email ?? null,
});
