import type { Config } from '../config.js';
import type { CaseStore } from '../ports/case-store.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';
import type { Registry } from '../ports/registry.js';

/** What a Pub/Sub step needs. */
export interface StepDeps {
  config: Pick<Config, 'firstResponseMinutes'>;
  store: CaseStore;
  registry: Registry;
  bus: EventBus;
  clock: Clock;
  log: Logger;
}
