import type { Config } from '../config.js';
import { DEP_NAMES, type DepName, type FunctionDeps } from '../function-deps.js';
import type { Factories } from './factory.js';

/**
 * The adapters of `factories`, each built on first use and then kept for the life of the instance:
 * nothing is built (no client created) when the object is. Reading an adapter it was not given
 * throws, naming it and `owner`, rather than answering undefined.
 */
export function lazyDeps<K extends DepName>(config: Config, factories: Factories<K>, owner: string): Pick<FunctionDeps, K | 'config'> {
  const built = new Map<DepName, unknown>();
  const given = new Set<string>(Object.keys(factories));
  const deps = new Proxy({ config } as FunctionDeps, {
    get(target, name, receiver) {
      if (typeof name === 'string' && given.has(name)) {
        const dep = name as K;
        if (!built.has(dep)) built.set(dep, factories[dep](receiver as FunctionDeps));
        return built.get(dep);
      }
      if ((DEP_NAMES as readonly (string | symbol)[]).includes(name)) throw new Error(`${owner} is not built with ${String(name)}: add its factory to ${owner}'s entry`);
      return Reflect.get(target, name, receiver);
    },
    has: (target, name) => given.has(String(name)) || Reflect.has(target, name),
  });
  return deps;
}

/** `deps` with some plain values beside its adapters, without building any adapter (a spread would build them all). */
export function withValues<D extends object, V extends object>(deps: D, values: V): D & V {
  return Object.assign(Object.create(deps) as D, values);
}
