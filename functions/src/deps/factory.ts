import type { DepName, FunctionDeps } from '../function-deps.js';

/**
 * How one adapter of a deployed function is built: from the configuration and the other adapters it
 * uses (read from `deps`, built on first use too). Each factory lives in its own module under deps/,
 * so that a function's bundle carries the client libraries of the adapters it uses and no others.
 */
export type Factory<K extends DepName> = (deps: FunctionDeps) => FunctionDeps[K];
export type Factories<K extends DepName> = { readonly [P in K]: Factory<P> };
