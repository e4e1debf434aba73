import { beforeEach, describe, expect, inject, it } from 'vitest';
import { deleteApp, initializeApp } from 'firebase/app';
import { connectAuthEmulator, getAuth, signInWithEmailAndPassword } from 'firebase/auth';
import { AuthEmulatorError, decodeJwtPayload, idTokenFor, listEmulatorUsers, seedDemoUsers } from '../../dev/auth-emulator-api.js';
import { freePort } from '../../dev/emulators.js';
import { DEMO_ORGS, DEMO_PASSWORD, DEMO_USERS, demoPartners } from '../../dev/seed-data.js';
import { adminAuth, parseUsersArgs, runUsersCommand, showUser, UsersError, type UsersCommand } from '../../dev/users.js';
import { SystemClock } from '../../functions/src/adapters/clock.js';
import { idTokenVerifier } from '../../functions/src/adapters/id-token-verifier.js';
import { emulatorIdToken } from '../tokens.js';

/**
 * The demo users, the token helper and the user CLI against the real Firebase Authentication emulator
 * the global setup started (one for the whole run), in the integration tier's project.
 */
const authHost = inject('authHost');
const projectId = inject('projectId');
const ada = DEMO_USERS.find((u) => u.email === 'ada@globex.example')!;

beforeEach(async () => {
  const res = await fetch(`http://${authHost}/emulator/v1/projects/${projectId}/accounts`, { method: 'DELETE' });
  expect(res.ok).toBe(true);
});

const byUid = <T extends { uid: string }>(list: readonly T[]) => [...list].sort((a, b) => a.uid.localeCompare(b.uid));

/** Signs in with the Firebase client SDK, as a browser would, and returns the ID token's claims. */
async function clientSignIn(email: string, password = DEMO_PASSWORD): Promise<{ token: string; claims: Record<string, unknown> }> {
  const app = initializeApp({ apiKey: 'any', projectId }, `client-${Math.random()}`);
  try {
    const auth = getAuth(app);
    connectAuthEmulator(auth, `http://${authHost}`, { disableWarnings: true });
    const { user } = await signInWithEmailAndPassword(auth, email, password);
    const result = await user.getIdTokenResult();
    return { token: result.token, claims: result.claims };
  } finally {
    await deleteApp(app);
  }
}

const users = (argv: string[]): UsersCommand => {
  const parsed = parseUsersArgs(argv);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.command;
};

describe('the demo users', () => {
  it('are a customer of every demo org, two engineers and a user of every demo partner', () => {
    const claims = DEMO_USERS.map((u) => u.claims);
    expect(claims.flatMap((c) => (c.role === 'customer' ? [c.org] : [])).sort()).toEqual(Object.keys(DEMO_ORGS).sort());
    expect(claims.filter((c) => c.role === 'engineer')).toHaveLength(2);
    expect(claims.flatMap((c) => (c.role === 'partner' ? [c.partnerId] : [])).sort()).toEqual(Object.keys(demoPartners('http://x')).sort());
    expect(new Set(DEMO_USERS.map((u) => u.email)).size).toBe(DEMO_USERS.length);
  });

  it('seeded twice are there once each, with their claims, even after someone changed one', async () => {
    expect(await seedDemoUsers(authHost, projectId)).toEqual({ created: DEMO_USERS.length, updated: 0 });
    await adminAuth(projectId).setCustomUserClaims(ada.uid, { role: 'engineer' });

    expect(await seedDemoUsers(authHost, projectId)).toEqual({ created: 0, updated: DEMO_USERS.length });
    const seeded = await listEmulatorUsers(authHost, projectId);
    expect(byUid(seeded)).toEqual(byUid(DEMO_USERS.map((u) => ({ uid: u.uid, email: u.email, name: u.name, claims: u.claims }))));
  });

  it('sign in with the demo password and get an ID token that carries their claims', async () => {
    await seedDemoUsers(authHost, projectId);
    const partner = DEMO_USERS.find((u) => u.claims.role === 'partner')!;
    for (const user of [ada, partner]) {
      const { token, claims } = await clientSignIn(user.email);
      expect(claims).toMatchObject({ ...user.claims, name: user.name, email: user.email, aud: projectId, sub: user.uid });
      // What a verifier sees: firebase-admin accepts the emulator's unsigned token because FIREBASE_AUTH_EMULATOR_HOST is set.
      expect(await adminAuth(projectId).verifyIdToken(token)).toMatchObject({ ...user.claims, uid: user.uid });
    }
  });

  it("tokens are accepted by Tandem's verifier in emulator mode and have the shape test/tokens.ts makes", async () => {
    await seedDemoUsers(authHost, projectId);
    const { token } = await clientSignIn(ada.email);
    const verifier = idTokenVerifier({ projectId, emulatorHost: authHost }, new SystemClock());
    expect(await verifier.verify(`Bearer ${token}`)).toEqual({
      ok: true,
      value: { uid: ada.uid, role: 'customer', orgId: 'org-globex-enhanced', partnerId: null, name: ada.name, email: ada.email },
    });

    const [header, payload] = token.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    const made = emulatorIdToken(projectId, { uid: ada.uid, ...ada.claims, name: ada.name, email: ada.email });
    const [madeHeader, madePayload] = made.split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    expect(header).toEqual(madeHeader);
    expect(Object.keys(payload!).sort()).toEqual(Object.keys(madePayload!).sort());
    const same = ['iss', 'aud', 'sub', 'user_id', 'role', 'org', 'name', 'email'] as const;
    expect(Object.fromEntries(same.map((k) => [k, payload![k]]))).toEqual(Object.fromEntries(same.map((k) => [k, madePayload![k]])));
    expect(payload!.firebase).toEqual(madePayload!.firebase);
  });
});

describe('the token helper (npm run token)', () => {
  it("returns a demo user's ID token: unsigned, for the project, with the user's claims", async () => {
    await seedDemoUsers(authHost, projectId);
    const signedIn = await idTokenFor({ authHost, projectId, email: ada.email });
    expect(signedIn.uid).toBe(ada.uid);
    expect(signedIn.claims).toMatchObject({ role: 'customer', org: 'org-globex-enhanced', aud: projectId, iss: `https://securetoken.google.com/${projectId}` });
    expect(JSON.parse(Buffer.from(signedIn.idToken.split('.')[0]!, 'base64url').toString())).toMatchObject({ alg: 'none' });
    expect(decodeJwtPayload(signedIn.idToken)).toEqual(signedIn.claims);
    expect(signedIn.expiresInSeconds).toBe(3600);
  });

  it('says clearly when the user is unknown, the password wrong, the emulator not running or for another project', async () => {
    await seedDemoUsers(authHost, projectId);
    const attempt = (options: Partial<Parameters<typeof idTokenFor>[0]>) => idTokenFor({ authHost, projectId, email: ada.email, ...options });

    await expect(attempt({ email: 'nobody@globex.example' })).rejects.toThrow(
      new AuthEmulatorError(`No user nobody@globex.example in the Authentication emulator at ${authHost}. The demo users: ${DEMO_USERS.map((u) => u.email).join(', ')}.`, 'EMAIL_NOT_FOUND'),
    );
    await expect(attempt({ password: 'guess' })).rejects.toThrow(/^Wrong password for ada@globex.example\.$/);
    const nowhere = `127.0.0.1:${await freePort()}`;
    await expect(attempt({ authHost: nowhere })).rejects.toThrow(`No Firebase Authentication emulator answers at ${nowhere}. Start the local stack (npm start)`);
    await expect(attempt({ projectId: 'demo-elsewhere' })).rejects.toThrow(`was started for the project ${projectId}, not demo-elsewhere`);
  });
});

describe('the user CLI (npm run users)', () => {
  it("grant, show and revoke change a user's claims, and keep claims that are not Tandem's", async () => {
    await seedDemoUsers(authHost, projectId);
    const auth = adminAuth(projectId);
    await auth.setCustomUserClaims(ada.uid, { ...ada.claims, beta: true });

    expect(await runUsersCommand(auth, users(['show', ada.email]))).toBe(
      `ada@globex.example (uid ${ada.uid}, Ada Novak): customer of org-globex-enhanced\n  custom claims {"role":"customer","org":"org-globex-enhanced","beta":true}`,
    );

    const granted = await runUsersCommand(auth, users(['grant', ada.email, '--role', 'partner', '--partner', 'netapp']));
    expect(granted).toContain('customer of org-globex-enhanced → partner user of netapp');
    expect((await showUser(auth, ada.email)).claims).toEqual({ role: 'partner', partnerId: 'netapp', beta: true });
    expect((await clientSignIn(ada.email)).claims).toMatchObject({ role: 'partner', partnerId: 'netapp', beta: true });
    expect((await clientSignIn(ada.email)).claims).not.toHaveProperty('org');

    await runUsersCommand(auth, users(['grant', ada.email, '--role', 'engineer']));
    expect((await showUser(auth, ada.email)).claims).toEqual({ role: 'engineer', beta: true });

    const revoked = await runUsersCommand(auth, users(['revoke', ada.email]));
    expect(revoked).toContain('engineer → no Tandem role');
    expect((await showUser(auth, ada.email)).claims).toEqual({ beta: true });
    const after = (await clientSignIn(ada.email)).claims;
    expect(after).not.toHaveProperty('role');
    expect(after).toMatchObject({ beta: true });
  });

  it('says so for an unknown user', async () => {
    await expect(runUsersCommand(adminAuth(projectId), users(['show', 'nobody@globex.example']))).rejects.toThrow(UsersError);
  });

  it('lists every problem with its arguments at once, for a person', () => {
    expect(parseUsersArgs(['grant', 'ada@globex', '--role', 'customer', '--partner', 'netapp', '--orgg=x'])).toEqual({
      ok: false,
      problems: [
        '"ada@globex" is not an email address.',
        'Unknown option --orgg: the options are --role, --org and --partner.',
        'A customer belongs to an org: add --org <orgId> (e.g. --org org-globex-enhanced).',
        '--partner is for a partner user; a customer has none.',
      ],
    });
    expect(parseUsersArgs(['grant', 'x@partner.example', '--role', 'partner'])).toEqual({
      ok: false,
      problems: ['A partner user belongs to a partner: add --partner <partnerId> (e.g. --partner netapp).'],
    });
    expect(parseUsersArgs(['show', 'x@partner.example', '--role', 'engineer'])).toEqual({ ok: false, problems: ['show takes only an email address, not --role.'] });
    expect(parseUsersArgs(['grant', 'x@acme.example', '--role', 'customer', '--org', 'org-acme-basic'])).toEqual({
      ok: true,
      command: { command: 'grant', email: 'x@acme.example', claims: { role: 'customer', org: 'org-acme-basic' } },
    });
  });
});
