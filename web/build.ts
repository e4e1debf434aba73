import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

/**
 * Builds the web app into `dist/web/app/`: one ES module bundle (`app.js`, Firebase and Preact inside),
 * its stylesheet (web/src/*.css, app.css first) and `index.html`, which every `/app/…` path serves (Firebase Hosting's rewrite,
 * and the local stack's). `dist/web/` is what `firebase deploy --only hosting` uploads (firebase.json), so the
 * files are served at `/app/…` as they are named. `npm run build` and `npm start` call it; it takes about a second.
 */

export const WEB_DIR = import.meta.dirname;
export const DEFAULT_OUT_DIR = join(WEB_DIR, '..', 'dist', 'web', 'app');

export interface WebBuild {
  outDir: string;
  /** The JavaScript a case page loads (the whole app: one bundle), raw and gzipped, in bytes. */
  js: { bytes: number; gzipBytes: number };
  /** Changes with the content: index.html asks for `app.js?v=<version>`, so a new build is never served stale. */
  version: string;
}

export async function buildWeb(options: { outDir?: string; minify?: boolean } = {}): Promise<WebBuild> {
  const outDir = options.outDir ?? DEFAULT_OUT_DIR;
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: [join(WEB_DIR, 'src', 'main.tsx')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    minify: options.minify ?? true,
    sourcemap: 'linked',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    outfile: join(outDir, 'app.js'),
    legalComments: 'linked',
    logLevel: 'silent',
    write: true,
    metafile: false,
  });
  if (result.errors.length) throw new Error(result.errors.map((e) => e.text).join('\n'));
  const js = await readFile(join(outDir, 'app.js'));
  // One stylesheet: app.css (the shared look) first, then each part's own (console.css, portal.css …).
  const sheets = (await readdir(join(WEB_DIR, 'src'))).filter((f) => f.endsWith('.css') && f !== 'app.css').sort();
  const css = Buffer.concat(await Promise.all(['app.css', ...sheets].map((f) => readFile(join(WEB_DIR, 'src', f)))));
  const version = createHash('sha256').update(js).update(css).digest('hex').slice(0, 12);
  await writeFile(join(outDir, 'app.css'), css);
  const html = (await readFile(join(WEB_DIR, 'index.html'), 'utf8')).replaceAll('%VERSION%', version);
  await writeFile(join(outDir, 'index.html'), html);
  return { outDir, js: { bytes: js.length, gzipBytes: gzipSync(js, { level: 9 }).length }, version };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const built = await buildWeb();
  console.log(`web app → ${built.outDir}: app.js ${(built.js.bytes / 1024).toFixed(0)} KB, ${(built.js.gzipBytes / 1024).toFixed(1)} KB gzip`);
}
