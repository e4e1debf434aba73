import { SystemClock } from './adapters/clock.js';
import { createFirestore, FirestoreCaseStore } from './adapters/firestore-case-store.js';
import { JsonLogger } from './adapters/json-logger.js';
import { PubSubEventBus } from './adapters/pubsub-event-bus.js';
import type { Config } from './config.js';
import type { FunctionDeps } from './register-functions.js';

/** The real adapters. Clients are created once per instance and reused across invocations. */
export function productionDeps(config: Config): FunctionDeps {
  return {
    config,
    store: new FirestoreCaseStore(createFirestore(config.projectId)),
    bus: PubSubEventBus.forProject(config.projectId),
    clock: new SystemClock(),
    log: new JsonLogger(),
  };
}
