import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { functionEntries, type FunctionName } from '../functions/src/function-triggers.js';

/**
 * Builds one deployable bundle per function of the table into `dist/functions/<name>/`: `index.js`,
 * an esbuild bundle (CommonJS: google-gax breaks as ESM; Node 20) of functions/src/entries/<name>.ts
 * started by entries/entry.ts's `startEntry`, so it holds that function's handler, the adapters it
 * uses and their client libraries, and nothing else; and a `package.json` naming it as `main`.
 *
 * The Functions Framework stays outside the bundle, as a dependency of the package: Cloud Functions
 * runs the framework of the package's node_modules, which must be the copy the bundle registers its
 * handler with (a bundled copy would have its own registry, and the runtime's would find no
 * function). Express goes with it: adapters/framework-error-answers.ts patches the Express the
 * framework serves with. Terraform zips each directory into the function's own source archive.
 */

export const ROOT = join(import.meta.dirname, '..');
export const FUNCTIONS_OUT_DIR = join(ROOT, 'dist', 'functions');
export const ENTRIES_DIR = join(ROOT, 'functions', 'src', 'entries');
/** Resolved at run time from the package's node_modules, at the root package.json's versions. */
export const EXTERNAL_PACKAGES = ['@google-cloud/functions-framework', 'express'] as const;

export interface FunctionBundle {
  entryPoint: FunctionName;
  /** The deployed name: the bundle's directory under dist/functions/ and its entry file under entries/. */
  name: string;
  /** The bundle's JavaScript (written to `<outDir>/<name>/index.js` when the build writes). */
  js: Uint8Array;
  /** esbuild's metafile: `inputs` are every source file and package file inside the bundle. */
  metafile: Metafile;
  packageJson: BundlePackageJson;
}

export interface BundlePackageJson {
  name: string;
  private: true;
  main: 'index.js';
  engines: { node: string };
  dependencies: Record<string, string>;
}

/** The entry file of a function: functions/src/entries/<deployed name>.ts, exporting `entry`. */
export const entryFile = (name: string) => join(ENTRIES_DIR, `${name}.ts`);

/** Bundles one function, in memory. */
export async function bundleFunction(entryPoint: FunctionName, options: { minify?: boolean } = {}): Promise<FunctionBundle> {
  const spec = functionEntries().find(([key]) => key === entryPoint)?.[1];
  if (!spec) throw new Error(`no function ${entryPoint} in the table`);
  const root = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string }; dependencies: Record<string, string> };
  const result = await build({
    stdin: {
      contents: `import { startEntry } from './entry.js';\nimport { entry } from './${spec.name}.js';\nstartEntry(entry);\n`,
      resolveDir: ENTRIES_DIR,
      sourcefile: `${spec.name}.bundle.ts`,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: [...EXTERNAL_PACKAGES],
    minify: options.minify ?? false,
    legalComments: 'none',
    metafile: true,
    write: false,
    outfile: 'index.js',
    logLevel: 'silent',
  });
  const dependencies = Object.fromEntries(EXTERNAL_PACKAGES.map((name) => {
    const version = root.dependencies[name];
    if (!version) throw new Error(`${name} is not a dependency of the root package.json`);
    return [name, version];
  }));
  return {
    entryPoint,
    name: spec.name,
    js: result.outputFiles[0]!.contents,
    metafile: result.metafile,
    packageJson: { name: `tandem-${spec.name}`, private: true, main: 'index.js', engines: root.engines, dependencies },
  };
}

/** Writes every function's bundle to `<outDir>/<name>/`, replacing what was there. */
export async function buildFunctions(outDir = FUNCTIONS_OUT_DIR): Promise<FunctionBundle[]> {
  const bundles = await Promise.all(functionEntries().map(([entryPoint]) => bundleFunction(entryPoint)));
  for (const bundle of bundles) await writeBundle(bundle, outDir);
  return bundles;
}

/** Writes one bundle to `<outDir>/<name>/` (index.js, package.json), replacing what was there; answers the directory. */
export async function writeBundle(bundle: FunctionBundle, outDir = FUNCTIONS_OUT_DIR): Promise<string> {
  const dir = join(outDir, bundle.name);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'index.js'), bundle.js);
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(bundle.packageJson, null, 2)}\n`);
  return dir;
}

/** The packages inside a bundle (from its metafile's inputs), e.g. `@google-cloud/firestore`. */
export function bundledPackages(metafile: Metafile): string[] {
  const names = Object.keys(metafile.inputs).flatMap((input) => {
    const match = /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
    return match ? [match[1]!] : [];
  });
  return [...new Set(names)].sort();
}

if (process.argv[1] && relative(process.argv[1], import.meta.filename) === '') {
  const started = performance.now();
  const bundles = await buildFunctions();
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`.padStart(9);
  const lines = bundles.map((b) => `  ${b.name.padEnd(18)} ${kib(b.js.byteLength)}  ${bundledPackages(b.metafile).length} packages`);
  process.stdout.write(`function bundles in ${relative(ROOT, FUNCTIONS_OUT_DIR)}/ (${Math.round(performance.now() - started)} ms):\n${lines.join('\n')}\n`);
}
