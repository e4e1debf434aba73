/**
 * The runner is a development tool apart from the product: no file under dev/workflows-runner/
 * may import anything from functions/src (it declares its own clock, clock.ts, for that reason).
 * Every static import, re-export and dynamic import() is resolved and checked.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');
const runnerDir = join(root, 'dev', 'workflows-runner');
const productDir = join(root, 'functions', 'src');
const SPECIFIER = /\b(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

function specifiers(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => (m[1] ?? m[2] ?? m[3]) as string);
}

describe('the runner stands apart from the product', () => {
  const files = readdirSync(runnerDir).filter((f) => f.endsWith('.ts'));

  it('finds the runner sources and their imports (so an empty scan cannot pass)', () => {
    expect(files).toContain('interpreter.ts');
    expect(specifiers(readFileSync(join(runnerDir, 'main.ts'), 'utf8'))).toContain('../controllable-clock.js');
  });

  for (const file of files) {
    it(`${file} imports nothing from functions/src`, () => {
      const path = join(runnerDir, file);
      for (const spec of specifiers(readFileSync(path, 'utf8'))) {
        expect(spec, `${file} imports "${spec}"`).not.toMatch(/(^|\/)functions\/src(\/|$)/);
        if (spec.startsWith('.')) {
          const target = resolve(dirname(path), spec);
          expect(target === productDir || target.startsWith(productDir + sep), `${file} imports ${relative(root, target)}`).toBe(false);
        }
      }
    });
  }
});
