/**
 * What ID token verification costs a function: the import of the adapter (at cold start) and one
 * verification with the keys already fetched (every request). Import times are `performance.now()`
 * around a dynamic import in a fresh `node` process, median of 5, interleaved so that a slow moment of
 * the machine hits every module alike; `firebase-admin/auth` is measured the same way for comparison.
 * Verification is timed in this process, median of 1,000, after a warm-up. Prints figures, asserts
 * nothing. `npx tsx bench/id-token-verifier.ts`
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { IdTokenVerifier } from '../functions/src/adapters/id-token-verifier.js';

const ROOT = join(import.meta.dirname, '..');
const PROCESSES = 5;
const VERIFICATIONS = 1_000;
const WARM_UP = 50;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Milliseconds to import `specifiers` (in order) in a fresh process, after importing `preloaded` untimed. */
function importMs(specifiers: string[], preloaded: string[] = []): number {
  const script = `
    for (const s of ${JSON.stringify(preloaded)}) await import(s);
    const t0 = performance.now();
    for (const s of ${JSON.stringify(specifiers)}) await import(s);
    process.stdout.write(String(performance.now() - t0));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`importing ${specifiers.join(', ')} failed: ${child.stderr}`);
  return Number(child.stdout);
}

function benchImports(): void {
  const build = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.build.json')], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('the build failed');
  const adapter = pathToFileURL(join(ROOT, 'dist/functions/src/adapters/id-token-verifier.js')).href;
  const cases: [string, string[]][] = [
    ['jose (the package index)', ['jose']],
    ['jose (the three subpaths the adapter imports)', ['jose/jwt/verify', 'jose/jwks/remote', 'jose/jwt/unsecured']],
    ['the adapter (jose subpaths, zod, two domain modules)', [adapter]],
    ['firebase-admin/auth', ['firebase-admin/auth']],
  ];
  // First, the module alone in a fresh process; then after zod, which every Tandem function has
  // loaded already (and which warms the module loader, as the Functions Framework does in a function).
  const ways: string[][] = [[], ['zod']];
  const times = cases.map(() => ways.map((): number[] => []));
  for (let run = 0; run < PROCESSES; run++) {
    cases.forEach(([, specifiers], i) => ways.forEach((preloaded, w) => times[i]![w]!.push(importMs(specifiers, preloaded))));
  }
  process.stdout.write(`import, median of ${PROCESSES} fresh processes (ms):\n  ${''.padEnd(56)} ${'alone'.padStart(7)}   after zod\n`);
  cases.forEach(([name], i) => {
    const [alone, afterZod] = times[i]!.map((ms) => fmt(median(ms)).padStart(7));
    process.stdout.write(`  ${name.padEnd(56)} ${alone}   ${afterZod}   [alone: ${times[i]![0]!.map((t) => fmt(t)).join(', ')}]\n`);
  });
}

async function timeVerifications(verify: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await verify();
  const ms: number[] = [];
  for (let i = 0; i < VERIFICATIONS; i++) {
    const t0 = performance.now();
    await verify();
    ms.push(performance.now() - t0);
  }
  return ms;
}

async function benchVerification(): Promise<void> {
  const projectId = 'tandem-bench';
  const now = new Date();
  const s = Math.floor(now.getTime() / 1000);
  const clock = { now: () => now };
  const claims = (project: string): JWTPayload => ({
    iss: `https://securetoken.google.com/${project}`, aud: project, sub: 'uid-bench', iat: s - 60, exp: s + 3540, auth_time: s - 60,
    role: 'customer', org: 'acme', name: 'Ada Lovelace', email: 'ada@acme.test',
  });
  // Two keys published, as Google does; the token names its own by kid.
  const [key1, key2] = await Promise.all([generateKeyPair('RS256'), generateKeyPair('RS256')]);
  const keys = createLocalJWKSet({
    keys: [
      { ...(await exportJWK(key1.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(key2.publicKey)), kid: 'k2', alg: 'RS256', use: 'sig' },
    ],
  });
  const token = await new SignJWT(claims(projectId)).setProtectedHeader({ alg: 'RS256', kid: 'k2', typ: 'JWT' }).sign(key2.privateKey);
  const signed = new IdTokenVerifier({ projectId, clock, keys });
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const unsignedToken = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims('demo-bench'))}.`;
  const emulator = new IdTokenVerifier({ projectId: 'demo-bench', clock, emulatorHost: '127.0.0.1:9099' });
  const forged = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims(projectId))}.`;

  const check = async (verifier: IdTokenVerifier, t: string, accepted: boolean) => {
    const result = await verifier.verify(`Bearer ${t}`);
    if (result.ok !== accepted) throw new Error(`unexpected result: ${JSON.stringify(result)}`);
  };
  const runs: [string, number[]][] = [
    ['RS256 token, warm key set (2 keys)', await timeVerifications(() => check(signed, token, true))],
    ['emulator (unsigned) token, emulator mode', await timeVerifications(() => check(emulator, unsignedToken, true))],
    ['unsigned token refused in production mode', await timeVerifications(() => check(signed, forged, false))],
  ];
  process.stdout.write(`one verification, median of ${fmt(VERIFICATIONS, 0)} after ${WARM_UP} to warm up (ms):\n`);
  for (const [name, ms] of runs) {
    const sorted = [...ms].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)]!;
    process.stdout.write(`  ${name.padEnd(56)} ${fmt(median(ms), 3).padStart(7)}   p99 ${fmt(p99, 3)}\n`);
  }
}

benchImports();
await benchVerification();
