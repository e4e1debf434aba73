import { SystemClock } from './adapters/clock.js';
import { createFirestore, FirestoreCaseStore } from './adapters/firestore-case-store.js';
import { FirestoreRegistry } from './adapters/firestore-registry.js';
import { JsonLogger } from './adapters/json-logger.js';
import { PubSubEventBus } from './adapters/pubsub-event-bus.js';
import type { Config } from './config.js';
import type { FunctionDeps } from './register-functions.js';

/** The real adapters. Clients are created once per instance and reused across invocations. */
export function productionDeps(config: Config): FunctionDeps {
  const db = createFirestore(config.projectId);
  const clock = new SystemClock();
  return {
    config,
    store: new FirestoreCaseStore(db),
    registry: new FirestoreRegistry(db, clock, config.registryTtlMs),
    bus: PubSubEventBus.forProject(config.projectId),
    clock,
    log: new JsonLogger(),
  };
}
