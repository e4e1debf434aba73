import type { Config } from './config.js';
import { bus } from './deps/bus.js';
import { chat } from './deps/chat.js';
import { clock } from './deps/clock.js';
import { identity } from './deps/identity.js';
import { lazyDeps } from './deps/lazy.js';
import { log } from './deps/log.js';
import { mailer } from './deps/mailer.js';
import { notifier } from './deps/notifier.js';
import { registry } from './deps/registry.js';
import { secrets } from './deps/secrets.js';
import { store } from './deps/store.js';
import { workflowCallbacks } from './deps/workflow-callbacks.js';
import { workflows } from './deps/workflows.js';
import type { FunctionDeps } from './function-deps.js';
export { productionMailer, SMTP_PASSWORD_SECRET } from './deps/mailer.js';
export { productionChat, CHAT_WEBHOOK_URL_SECRET } from './deps/chat.js';
export type { SecretVersions } from './deps/secret-versions.js';

/** Every factory of deps/: what index.ts (all functions in one process) builds from. */
export const PRODUCTION_FACTORIES = { store, registry, bus, clock, log, secrets, notifier, workflows, workflowCallbacks, identity, mailer, chat };

/**
 * The real adapters of every function, for index.ts. Each is built on first use and reused across
 * invocations; a deployed function builds only its own (entries/).
 */
export function productionDeps(config: Config): FunctionDeps {
  return lazyDeps(config, PRODUCTION_FACTORIES, 'index.ts');
}
