import { fileURLToPath } from 'node:url';
import { FUNCTION_TRIGGERS, httpRoutes } from '../functions/src/function-triggers.js';

/**
 * firebase.json at the repository root: what `firebase deploy --only hosting` reads to upload the web
 * app (dist/web/, as `npm run build` writes it) and to release it with the Hosting config. A deploy
 * releases a version of its own, with this config, in place of the one terraform/hosting.tf made: so
 * this config is derived from the same function table as the Terraform one, and
 * test/unit/terraform-shape.test.ts fails when the two differ or when this file is stale
 * (`npm run generate` writes it).
 */
export const FIREBASE_JSON = fileURLToPath(new URL('../firebase.json', import.meta.url));

/**
 * The region the rewrites name. Terraform deploys the functions to `var.region`, whose default this
 * is (a test keeps the two equal); a deployment to another region must change both.
 */
export const HOSTING_REGION = 'us-central1';

/** The directory uploaded: the web app's files are under dist/web/app/, served at /app/. */
export const HOSTING_PUBLIC_DIR = 'dist/web';

export interface FirebaseHostingConfig {
  public: string;
  ignore: string[];
  rewrites: ({ source: string; destination: string } | { regex: string; run: { serviceId: string; region: string } })[];
  redirects: { source: string; destination: string; type: number }[];
  headers: { source: string; headers: { key: string; value: string }[] }[];
}

/**
 * Every file of the web app is revalidated on each load (a 304 when unchanged): Hosting would
 * otherwise let a browser keep index.html for an hour after a deploy, with the old bundle it names.
 */
export const APP_CACHE_CONTROL = 'no-cache';

/**
 * The rules, as the local stack's router applies them too (dev/web-app.ts): a file of the web app is
 * served as it is; any other /app/… path gets the app's page; each public route of the function table
 * goes to its function's Cloud Run service (one rewrite per path: a rewrite takes every method);
 * `/` leads to `/app/`. No two rules match the same path, so their order does not matter.
 */
export function firebaseHostingConfig(): FirebaseHostingConfig {
  const publicPaths = new Map(httpRoutes().filter((route) => route.public).map((route) => [route.regex, route.functionName]));
  return {
    public: HOSTING_PUBLIC_DIR,
    ignore: ['**/.*'],
    rewrites: [
      { source: '/app/**', destination: '/app/index.html' },
      ...[...publicPaths].map(([regex, functionName]) => ({ regex, run: { serviceId: FUNCTION_TRIGGERS[functionName].name, region: HOSTING_REGION } })),
    ],
    redirects: [{ source: '/', destination: '/app/', type: 302 }],
    headers: [{ source: '/app/**', headers: [{ key: 'Cache-Control', value: APP_CACHE_CONTROL }] }],
  };
}

export function renderFirebaseJson(): string {
  return `${JSON.stringify({ hosting: firebaseHostingConfig() }, null, 2)}\n`;
}
