import { join } from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { CloudWorkflowsStarter, HttpWorkflowCallbacks } from '../functions/src/adapters/cloud-workflows.js';
import { DevSecretStore } from './dev-secret-store.js';
import { createFirestore, FirestoreCaseStore } from '../functions/src/adapters/firestore-case-store.js';
import { noticesFor } from '../functions/src/domain/notification-policy.js';
import { nextActionAt } from '../functions/src/domain/followup-policy.js';
import { FirestoreRegistry } from '../functions/src/adapters/firestore-registry.js';
import { PubSubEventBus } from '../functions/src/adapters/pubsub-event-bus.js';
import { SignedWebhookSender } from '../functions/src/adapters/signed-webhook-sender.js';
import { idTokenVerifier } from '../functions/src/adapters/id-token-verifier.js';
import { SystemClock } from '../functions/src/adapters/clock.js';
import type { IdentityVerifier } from '../functions/src/ports/identity.js';
import { unconfiguredChat, unconfiguredMailer } from '../functions/src/adapters/unconfigured-channels.js';
import { SmtpMailer } from '../functions/src/adapters/smtp-mailer.js';
import { GoogleChatWebhook } from '../functions/src/adapters/google-chat-webhook.js';
import type { ChatChannel, Mailer } from '../functions/src/ports/notification-channels.js';
import type { Clock } from '../functions/src/ports/clock.js';
import type { EventBus } from '../functions/src/ports/event-bus.js';
import type { Logger } from '../functions/src/ports/logger.js';
import type { WorkflowStarter } from '../functions/src/ports/workflow-starter.js';
import type { Config } from '../functions/src/config.js';
import type { FunctionDeps } from '../functions/src/register-functions.js';
import { createLocalExecutionsClient } from './workflows-runner/client.js';

/** The demo partners' development secrets (DESIGN.md: the default of TANDEM_DEV_SECRETS). */
export const DEFAULT_DEV_SECRETS_FILE = join(import.meta.dirname, 'partner-secrets.json');

/** Without a runner, starting an execution fails loudly: `escalate` throws and Pub/Sub redelivers. */
const noWorkflowsRunner: WorkflowStarter = {
  startEscalation: () => Promise.reject(new Error('no Workflows endpoint is configured (TANDEM_WORKFLOWS_ENDPOINT)')),
};

export interface StackDeps<C extends Clock, L extends Logger> {
  deps: FunctionDeps & { store: FirestoreCaseStore; registry: FirestoreRegistry; clock: C; log: L };
  db: Firestore;
  pubsub: PubSub;
  /** The real publisher, under whatever `wrapBus` put around it. */
  realBus: PubSubEventBus;
  close(): Promise<void>;
}

/**
 * The adapters every function gets on the emulators: the local stack, the integration tests and the
 * benchmarks all build them here, so they run the same wiring as each other. Production's wiring is
 * functions/src/production-deps.ts.
 */
export function createStackDeps<C extends Clock, L extends Logger>(options: {
  config: Config;
  clock: C;
  log: L;
  /** The development secret store's file (`TANDEM_DEV_SECRETS`); default: the demo partners' secrets. */
  devSecretsFile?: string;
  /** Cache reference data this long; tests use 0 so what they seed is seen at once. */
  registryTtlMs?: number;
  wrapBus?: (real: PubSubEventBus) => EventBus;
  /** Where notify sends email; default: none configured (every send is a retryable failure). */
  mailer?: Mailer;
  /** The duty chat channel; default: none configured. */
  chat?: ChatChannel;
}): StackDeps<C, L> {
  const { config, clock, log } = options;
  const db = createFirestore(config.projectId);
  const pubsub = new PubSub({ projectId: config.projectId });
  const realBus = new PubSubEventBus(pubsub);
  const secrets = new DevSecretStore(options.devSecretsFile ?? DEFAULT_DEV_SECRETS_FILE);
  const workflowsClient = config.workflows.endpoint ? createLocalExecutionsClient(config.workflows.endpoint) : undefined;
  const workflows = workflowsClient
    ? new CloudWorkflowsStarter(
        workflowsClient,
        { projectId: config.projectId, location: config.workflows.location, name: config.workflows.workflowName },
        config.workflows.escalationStepsUrl,
      )
    : noWorkflowsRunner;
  // The relay and the webhook of the configuration (the local stack points them at its catchers), unless a test brings its own.
  const smtpUrl = config.notifications.smtpUrl;
  const mailer = options.mailer ?? (smtpUrl ? new SmtpMailer({ url: smtpUrl, from: config.notifications.mailFrom }) : unconfiguredMailer);
  const bus = options.wrapBus ? options.wrapBus(realBus) : realBus;
  return {
    deps: {
      config,
      store: new FirestoreCaseStore(db, { schedule: (c) => nextActionAt(c, config.followupPeriods), clock, bus, log, announces: (update, next) => noticesFor(update, next).length > 0 }),
      registry: new FirestoreRegistry(db, clock, options.registryTtlMs ?? config.registryTtlMs),
      bus,
      clock,
      log,
      secrets,
      notifier: new SignedWebhookSender(secrets, clock),
      workflows,
      workflowCallbacks: new HttpWorkflowCallbacks(),
      identity: eitherClock(idTokenVerifier(config.identity, clock), idTokenVerifier(config.identity, new SystemClock())),
      mailer,
      chat: options.chat ?? (config.notifications.chatWebhookUrl ? new GoogleChatWebhook({ url: config.notifications.chatWebhookUrl }) : unconfiguredChat),
    },
    db,
    pubsub,
    realBus,
    close: async () => {
      if (mailer instanceof SmtpMailer) await mailer.close();
      await db.terminate();
      await realBus.close();
      await workflowsClient?.close();
    },
  };
}

/**
 * The local stack's token check, against two clocks. The stack's clock can be advanced by days
 * (`POST /_dev/clock/advance`), but the Authentication emulator issues the browser's tokens by the
 * wall clock: checked against the stack's clock alone, every token would expire an hour of stack time
 * after sign-in (or be issued "in the future" when a test starts the clock in the past). Tokens made
 * for the stack's time (the tests', `npm run token`'s) are checked against it. Development only:
 * a deployed function has one clock, and emulator tokens are unsigned anyway.
 */
export function eitherClock(stackTime: IdentityVerifier, wallTime: IdentityVerifier): IdentityVerifier {
  return {
    async verify(authorization) {
      const first = await stackTime.verify(authorization);
      if (first.ok) return first;
      const second = await wallTime.verify(authorization);
      return second.ok ? second : first;
    },
  };
}

