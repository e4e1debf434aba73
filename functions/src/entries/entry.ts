import { answerFrameworkErrorsWith } from '../adapters/framework-error-answers.js';
import { loadConfig } from '../config.js';
import { lazyDeps } from '../deps/lazy.js';
import type { Factories } from '../deps/factory.js';
import type { FunctionName } from '../function-triggers.js';
import type { DepName, FunctionDeps } from '../function-deps.js';
import { refusedBeforeRouting } from '../handlers/http-function.js';
import type { Logger } from '../ports/logger.js';

/**
 * One function as it is deployed: the factories of the adapters it uses, and how it registers its
 * handler with the Functions Framework given those adapters. Every function of the table has one,
 * in entries/<entry point>.ts; functions/build.ts bundles each with {@link startEntry} into
 * dist/functions/<name>/index.js, and register-functions.ts registers them all in one process.
 */
export interface FunctionEntry<K extends DepName = DepName> {
  readonly name: FunctionName;
  readonly factories: Factories<K>;
  register(deps: Pick<FunctionDeps, K | 'config'>): void;
}

export function defineEntry<K extends DepName>(
  name: FunctionName,
  factories: Factories<K>,
  register: (deps: Pick<FunctionDeps, K | 'config'>) => void,
): FunctionEntry<K> {
  return { name, factories, register };
}

/**
 * What a deployed bundle runs at load: the configuration (a bad one fails here, at cold start, with a
 * message naming each bad variable), the function's adapters (built on first use) and its handler.
 */
export function startEntry<K extends DepName>(entry: FunctionEntry<K>): void {
  const deps = lazyDeps(loadConfig(), entry.factories, entry.name);
  answerFrameworkErrorsAsJson(() => (deps as unknown as FunctionDeps).log);
  entry.register(deps);
}

/** What the framework's body parser refuses before any function runs gets the same JSON error body. */
export function answerFrameworkErrorsAsJson(log: () => Logger): void {
  answerFrameworkErrorsWith((error, req, res) => {
    const answer = refusedBeforeRouting(error as { status?: number; type?: string }, Number(req.get('content-length') ?? 0));
    log().warn('request refused before routing', { step: 'http', method: req.method, path: req.path, status: answer.status, reason: (error as { type?: string }).type });
    res.status(answer.status).set(answer.headers ?? {}).json(answer.json);
  });
}
