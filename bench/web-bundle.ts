/**
 * The web app's JavaScript: what the case page loads (the whole app is one bundle, `app.js`), gzipped,
 * against DESIGN.md's budget of 250 KB with the Firebase SDK included. A figure, not a test. Beside
 * it, from the same esbuild settings, what it is made of: the Firebase SDK as the app uses it
 * (web/src/firebase.ts, the one module that imports it, bundled alone) and Preact (the renderer and
 * the hooks the app uses); the rest is the app's own code.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import { buildWeb, WEB_DIR } from '../web/build.js';
import { measuredNow } from './bench-stack.js';
import type { Figure } from './report.js';

export const BUDGET_GZIP_BYTES = 250 * 1024;

const SETTINGS: BuildOptions = { bundle: true, format: 'esm', target: 'es2022', minify: true, write: false, logLevel: 'silent', jsx: 'automatic', jsxImportSource: 'preact' };

async function gzipSizeOf(options: BuildOptions): Promise<number> {
  const result = await build({ ...SETTINGS, ...options });
  const js = result.outputFiles?.find((file) => file.path.endsWith('.js') || file.path === '<stdout>');
  if (!js) throw new Error('esbuild wrote no JavaScript');
  return gzipSync(js.contents, { level: 9 }).length;
}

export interface WebBundleFigures {
  appGzipBytes: number;
  firebaseGzipBytes: number;
  preactGzipBytes: number;
  budgetGzipBytes: number;
  figures: Figure[];
}

/** Builds the app (into a temporary directory: dist/ is left alone), measures, and prints one figure. */
export async function benchWebBundle(): Promise<WebBundleFigures> {
  const outDir = await mkdtemp(join(tmpdir(), 'tandem-web-bench-'));
  try {
    const app = await buildWeb({ outDir });
    const firebaseGzipBytes = await gzipSizeOf({ entryPoints: [join(WEB_DIR, 'src', 'firebase.ts')], outfile: join(outDir, 'firebase-alone.js') });
    const preactGzipBytes = await gzipSizeOf({
      stdin: {
        contents: "import { render } from 'preact'; import { useEffect, useMemo, useRef, useState } from 'preact/hooks'; import { jsx } from 'preact/jsx-runtime'; export { render, useEffect, useMemo, useRef, useState, jsx };",
        resolveDir: WEB_DIR,
        loader: 'js',
      },
    });
    const figures = {
      appGzipBytes: app.js.gzipBytes, firebaseGzipBytes, preactGzipBytes, budgetGzipBytes: BUDGET_GZIP_BYTES,
      figures: [{
        section: 'Web bundle', name: "the case page's JavaScript (app.js, gzip)", value: app.js.gzipBytes / 1024, unit: 'KB', target: { op: '<=', value: BUDGET_GZIP_BYTES / 1024 },
        note: `Firebase included: the Firebase SDK alone ${(firebaseGzipBytes / 1024).toFixed(1)} KB, Preact with its hooks ${(preactGzipBytes / 1024).toFixed(1)} KB`, measured: measuredNow(),
      }] satisfies Figure[],
    };
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    process.stdout.write(
      `web app bundle (the case page's JavaScript, gzip, Firebase included): ${kb(figures.appGzipBytes)} of the ${kb(BUDGET_GZIP_BYTES)} budget = ${(figures.appGzipBytes / BUDGET_GZIP_BYTES).toFixed(2)}× (${figures.appGzipBytes <= BUDGET_GZIP_BYTES ? 'within' : 'over'})\n` +
        `  of which, bundled alone: the Firebase SDK as web/src/firebase.ts uses it ${kb(firebaseGzipBytes)}, Preact with its hooks ${kb(preactGzipBytes)}; the app's own code the rest (about ${kb(figures.appGzipBytes - firebaseGzipBytes - preactGzipBytes)})\n`,
    );
    return figures;
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchWebBundle();
