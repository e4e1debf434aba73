import { describe, expect, it } from 'vitest';
import { ENTRIES } from '../../functions/src/entries/all.js';
import { lazyDeps, withValues } from '../../functions/src/deps/lazy.js';
import { DEP_NAMES } from '../../functions/src/function-deps.js';
import { functionEntries } from '../../functions/src/function-triggers.js';
import { PRODUCTION_FACTORIES } from '../../functions/src/production-deps.js';
import { loadConfig } from '../../functions/src/config.js';

describe('function entries (functions/src/entries/, what each deployed bundle starts)', () => {
  it('every function of the table has exactly one entry, under its entry point', () => {
    expect(Object.keys(ENTRIES).sort()).toEqual(functionEntries().map(([entryPoint]) => entryPoint).sort());
    for (const [entryPoint, entry] of Object.entries(ENTRIES)) expect(entry.name, entryPoint).toBe(entryPoint);
  });

  it('every entry builds only adapters that production has a factory for, each the production one', () => {
    for (const entry of Object.values(ENTRIES)) {
      for (const [name, factory] of Object.entries(entry.factories as Record<string, unknown>)) {
        expect(PRODUCTION_FACTORIES[name as keyof typeof PRODUCTION_FACTORIES], `${entry.name}: ${name}`).toBe(factory);
      }
    }
    expect(Object.keys(PRODUCTION_FACTORIES).sort()).toEqual([...DEP_NAMES].sort());
  });

  it('intake builds neither the Workflows starter nor the Secret Manager store; classify not the webhook signer', () => {
    expect(Object.keys(ENTRIES.intake.factories)).not.toContain('workflows');
    expect(Object.keys(ENTRIES.intake.factories)).not.toContain('secrets');
    expect(Object.keys(ENTRIES.classify.factories)).not.toContain('notifier');
  });
});

describe('lazy deps', () => {
  const config = loadConfig({});

  it('builds nothing until an adapter is read, then builds it once', () => {
    let built = 0;
    const deps = lazyDeps(config, { clock: () => ({ now: () => (built++, new Date(0)) }) as never, log: () => { built++; return {} as never; } }, 'test');
    expect(built).toBe(0);
    expect(deps.log).toBe(deps.log);
    expect(built).toBe(1);
  });

  it('hands each factory the other adapters, built on first use too', () => {
    const order: string[] = [];
    const deps = lazyDeps(config, {
      clock: () => (order.push('clock'), { now: () => new Date(0) }),
      log: (d) => (order.push('log'), void d.clock, {} as never),
    }, 'test');
    void deps.log;
    expect(order).toEqual(['log', 'clock']);
  });

  it('refuses to read an adapter the entry was not built with, naming it and the function', () => {
    const deps = lazyDeps(config, {}, 'classify') as unknown as Record<string, unknown>;
    expect(() => deps.notifier).toThrow(/classify is not built with notifier/);
    expect(deps.config).toBe(config);
    expect(deps.newCaseId).toBeUndefined();
  });

  it('withValues adds plain values without building the adapters', () => {
    let built = 0;
    const deps = withValues(lazyDeps(config, { log: () => (built++, {} as never) }, 'test'), { publicUrl: 'https://x.example' });
    expect(deps.publicUrl).toBe('https://x.example');
    expect(built).toBe(0);
    void deps.log;
    expect(built).toBe(1);
  });
});
