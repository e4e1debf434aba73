import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { DemoAccount, HostingConfig } from '../web/src/hosting-config.js';
import type { DevRoute } from './router.js';
import { DEMO_ORGS, DEMO_USERS, demoPartners, type DemoUser } from './seed-data.js';

/**
 * The web app on the stack's base URL, as Firebase Hosting serves it in production: its files under
 * `/app/`, every other `/app/…` path answered with `index.html` (the app routes in the browser), `/`
 * leading to `/app/`, and `/__/firebase/init.json` with the Firebase config, which here points the
 * SDK at the emulators.
 */

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

export async function webAppRoute(distDir: string, firebaseConfig: HostingConfig): Promise<DevRoute> {
  // Only the files the build wrote are served, by exact name: no path from a request reaches the disk.
  const files = new Map<string, Buffer>();
  for (const name of await readdir(distDir)) files.set(name, await readFile(join(distDir, name)));
  const index = files.get('index.html');
  if (!index) throw new Error(`${distDir} holds no index.html: build the web app first (web/build.ts)`);
  const initJson = JSON.stringify(firebaseConfig);

  return (req, res, url) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (url.pathname === '/__/firebase/init.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' });
      res.end(initJson);
      return true;
    }
    if (url.pathname === '/') {
      res.writeHead(302, { location: '/app/' });
      res.end();
      return true;
    }
    if (url.pathname !== '/app' && !url.pathname.startsWith('/app/')) return false;
    const name = url.pathname.slice('/app/'.length);
    const file = files.get(name);
    if (file && name !== 'index.html') {
      // index.html names app.js?v=<content hash>, so the bundle may be cached for good.
      res.writeHead(200, { 'content-type': TYPES[extname(name)] ?? 'application/octet-stream', 'cache-control': 'public, max-age=31536000, immutable' });
      res.end(file);
      return true;
    }
    res.writeHead(200, { 'content-type': TYPES['.html']!, 'cache-control': 'no-cache' });
    res.end(index);
    return true;
  };
}

/**
 * The demo users as the sign-in page lists them (init.json's `emulators.demoUsers`, local stack only):
 * each with its role and the name of its org (and plan) or partner.
 */
export function demoAccounts(users: readonly DemoUser[] = DEMO_USERS): DemoAccount[] {
  // Only the partners' names are read here, not their webhook URLs.
  const partners = demoPartners('http://127.0.0.1');
  return users.map(({ email, name, claims }) => {
    if (claims.role === 'customer') return { email, name, role: 'customer', organization: DEMO_ORGS[claims.org]?.name ?? claims.org, plan: DEMO_ORGS[claims.org]?.supportPlan };
    if (claims.role === 'partner') return { email, name, role: 'partner', organization: partners[claims.partnerId]?.name ?? claims.partnerId };
    return { email, name, role: 'engineer' };
  });
}

/**
 * Puts firestore.rules on the Firestore emulator for the project, as a deploy does: the browser reads
 * through the same rules as in production (the server SDK, as an admin, is not subject to them).
 */
export async function loadFirestoreRules(firestoreHost: string, projectId: string, rulesFile = join(import.meta.dirname, '..', 'firestore.rules')): Promise<void> {
  const content = await readFile(rulesFile, 'utf8');
  const response = await fetch(`http://${firestoreHost}/emulator/v1/projects/${projectId}:securityRules`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rules: { files: [{ name: 'firestore.rules', content }] } }),
  });
  if (!response.ok) throw new Error(`The Firestore emulator refused firestore.rules (${response.status}): ${await response.text()}`);
}
