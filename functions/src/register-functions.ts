import type { FunctionDeps } from './function-deps.js';
import { ENTRIES } from './entries/all.js';
import { answerFrameworkErrorsAsJson } from './entries/entry.js';
export { FUNCTION_TRIGGERS, type FunctionName } from './function-triggers.js';
export type { FunctionDeps } from './function-deps.js';

/**
 * Registers every function with the Functions Framework under its deployed name, in one process: the
 * local stack and the tests call it with their adapters, index.ts with the real ones. Each function
 * registers itself the same way in its own deployed bundle (entries/, functions/build.ts).
 */
export function registerFunctions(deps: FunctionDeps): void {
  answerFrameworkErrorsAsJson(() => deps.log);
  for (const entry of Object.values(ENTRIES)) entry.register(deps);
}
