import { SecretManagerSecretStore } from '../adapters/secret-manager-secret-store.js';
import type { Config } from '../config.js';
import type { Clock } from '../ports/clock.js';
import type { Factory } from './factory.js';

const stores = new WeakMap<Config, SecretManagerSecretStore>();

/** The one Secret Manager store of an instance (partner secrets and the notification channels' secrets), made on first use. */
export function secretManagerOf(config: Config, clock: Clock): SecretManagerSecretStore {
  let store = stores.get(config);
  if (!store) stores.set(config, (store = new SecretManagerSecretStore({ projectId: config.projectId, clock, ttlMs: config.registryTtlMs })));
  return store;
}

/** Always Secret Manager: the development secret store lives in dev/ and no setting selects it here. */
export const secrets: Factory<'secrets'> = ({ config, clock }) => secretManagerOf(config, clock);
