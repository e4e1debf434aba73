import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundledPackages, bundleFunction, EXTERNAL_PACKAGES, ROOT, writeBundle, type FunctionBundle } from '../../dev/build-functions.js';
import { freePort } from '../../dev/emulators.js';
import { loadConfig } from '../../functions/src/config.js';
import { lazyDeps } from '../../functions/src/deps/lazy.js';
import { ENTRIES } from '../../functions/src/entries/all.js';

/**
 * The deployed bundles (dev/build-functions.ts), built in memory with esbuild: what each carries, read
 * from its metafile. Here rather than in the unit tier because esbuild reads the sources and runs as a
 * child process.
 */
const sourcesOf = (bundle: FunctionBundle) => Object.keys(bundle.metafile.inputs);
const [intake, classify] = await Promise.all([bundleFunction('intake'), bundleFunction('classify')]);

describe('function bundles', () => {
  it('intake carries neither the Workflows client nor Secret Manager', () => {
    expect(sourcesOf(intake).some((input) => input.includes('functions/src/handlers/intake.ts'))).toBe(true);
    expect(bundledPackages(intake.metafile)).toContain('@google-cloud/firestore');
    expect(bundledPackages(intake.metafile)).not.toContain('@google-cloud/workflows');
    expect(bundledPackages(intake.metafile)).not.toContain('@google-cloud/secret-manager');
    expect(sourcesOf(intake).filter((input) => /cloud-workflows|secret-manager|deps\/(workflows|secrets)\.ts/.test(input))).toEqual([]);
  });

  it('classify carries no webhook signer, and no other handler', () => {
    expect(sourcesOf(classify).filter((input) => /signed-webhook-sender|standard-webhooks/.test(input))).toEqual([]);
    expect(sourcesOf(classify).filter((input) => input.includes('functions/src/handlers/')).filter((input) => /intake|notify|escalat|partner|case-a/.test(input))).toEqual([]);
  });

  it('leaves the Functions Framework and Express outside, as dependencies at the root versions, and names its main', () => {
    for (const bundle of [intake, classify]) {
      expect(bundledPackages(bundle.metafile).filter((name) => (EXTERNAL_PACKAGES as readonly string[]).includes(name))).toEqual([]);
      expect(Object.keys(bundle.packageJson.dependencies).sort()).toEqual([...EXTERNAL_PACKAGES].sort());
      expect(bundle.packageJson.main).toBe('index.js');
      expect(new TextDecoder().decode(bundle.js)).toContain('require("@google-cloud/functions-framework")');
    }
  });

  it.each(Object.values(ENTRIES))('$name is given every adapter its factories read', (entry) => {
    const deps = lazyDeps(loadConfig({ GOOGLE_CLOUD_PROJECT: 'demo-tandem' }), entry.factories, entry.name) as unknown as Record<string, unknown>;
    for (const name of Object.keys(entry.factories)) expect(() => deps[name], name).not.toThrow();
  });
});

describe('a built bundle', () => {
  it('serves under the Functions Framework, its Firestore client working against the emulator (classify, on a case that does not exist)', async () => {
    const dir = await writeBundle(classify, join(ROOT, 'dist', 'test-bundles'));
    const port = await freePort();
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/@google-cloud/functions-framework/build/src/main.js'), '--target=classify', `--source=${dir}`, `--port=${port}`], {
      env: process.env, // the emulators' hosts, the project, no metadata server (setup-env.ts)
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const push = { message: { data: Buffer.from(JSON.stringify({ caseId: 'no-such-case' })).toString('base64'), messageId: '1' }, subscription: 's' };
      let status: number | undefined;
      for (let attempt = 0; attempt < 400 && status === undefined; attempt++) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/projects/${process.env.GOOGLE_CLOUD_PROJECT}/topics/case-received`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(push) });
          await res.arrayBuffer();
          status = res.status;
        } catch {
          if (child.exitCode !== null) break;
          await new Promise((r) => setTimeout(r, 25));
        }
      }
      expect(status, output).toBeDefined();
      expect(status!, output).toBeLessThan(300);
      // It read the case from the Firestore emulator, found none and acknowledged the message.
      expect(output).toMatch(/"message":"message for an unknown case acknowledged","step":"classify","caseId":"no-such-case"/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
