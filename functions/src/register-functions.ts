import { http } from '@google-cloud/functions-framework';
import type { CaseStore } from './ports/case-store.js';
import type { Clock } from './ports/clock.js';
import type { EventBus } from './ports/event-bus.js';
import type { Logger } from './ports/logger.js';
import type { Config } from './config.js';
import { intakeHandler } from './handlers/intake.js';

/** Everything the functions need from the outside world, built once per instance. */
export interface FunctionDeps {
  config: Config;
  store: CaseStore;
  bus: EventBus;
  clock: Clock;
  log: Logger;
}

/**
 * Registers every function with the Functions Framework under its deployed name. Production calls it
 * from index.ts with real adapters; the local stack and the tests call it with theirs.
 */
export function registerFunctions(deps: FunctionDeps): void {
  http('intake', intakeHandler({ ...deps, projectId: deps.config.projectId, publicUrl: deps.config.publicUrl }));
}
