import type { CaseStore } from './ports/case-store.js';
import type { Clock } from './ports/clock.js';
import type { EventBus } from './ports/event-bus.js';
import type { Logger } from './ports/logger.js';
import type { Registry } from './ports/registry.js';
import type { PartnerNotifier } from './ports/partner-notifier.js';
import type { SecretStore } from './ports/secret-store.js';
import type { WorkflowCallbacks, WorkflowStarter } from './ports/workflow-starter.js';
import type { Config } from './config.js';
import type { IdentityVerifier } from './ports/identity.js';
import type { ChatChannel, Mailer } from './ports/notification-channels.js';

/** Everything the functions need from the outside world, built once per instance. */
export interface FunctionDeps {
  config: Config;
  store: CaseStore;
  registry: Registry;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  secrets: SecretStore;
  notifier: PartnerNotifier;
  workflows: WorkflowStarter;
  workflowCallbacks: WorkflowCallbacks;
  identity: IdentityVerifier;
  /** Email to customers and engineers (notify). */
  mailer: Mailer;
  /** The duty team's Google Chat space (notify, alertDeadLetter). */
  chat: ChatChannel;
}

/** The names of the adapters in {@link FunctionDeps}: what a function's entry builds (entries/entry.ts). */
export type DepName = Exclude<keyof FunctionDeps, 'config'>;
export const DEP_NAMES = ['store', 'registry', 'bus', 'clock', 'log', 'secrets', 'notifier', 'workflows', 'workflowCallbacks', 'identity', 'mailer', 'chat'] as const satisfies readonly DepName[];
