import { ExecutionsClient } from '@google-cloud/workflows';
import { SystemClock } from './adapters/clock.js';
import { CloudWorkflowsStarter, HttpWorkflowCallbacks } from './adapters/cloud-workflows.js';
import { createFirestore, FirestoreCaseStore } from './adapters/firestore-case-store.js';
import { noticesFor } from './domain/notification-policy.js';
import { nextActionAt } from './domain/followup-policy.js';
import { FirestoreRegistry } from './adapters/firestore-registry.js';
import { JsonLogger } from './adapters/json-logger.js';
import { MetadataAccessToken } from './adapters/metadata-access-token.js';
import { PubSubEventBus } from './adapters/pubsub-event-bus.js';
import { SecretManagerSecretStore } from './adapters/secret-manager-secret-store.js';
import { SignedWebhookSender } from './adapters/signed-webhook-sender.js';
import { SmtpMailer } from './adapters/smtp-mailer.js';
import { GoogleChatWebhook } from './adapters/google-chat-webhook.js';
import { idTokenVerifier } from './adapters/id-token-verifier.js';
import { unconfiguredMailer } from './adapters/unconfigured-channels.js';
import type { Config } from './config.js';
import type { FunctionDeps } from './register-functions.js';

/** The real adapters. Clients are created once per instance and reused across invocations. */
export function productionDeps(config: Config): FunctionDeps {
  const db = createFirestore(config.projectId);
  const clock = new SystemClock();
  // Always Secret Manager: the development secret store lives in dev/ and no setting selects it here.
  const secrets = new SecretManagerSecretStore({ projectId: config.projectId, clock, ttlMs: config.registryTtlMs });
  const token = new MetadataAccessToken(clock);
  const bus = PubSubEventBus.forProject(config.projectId);
  const log = new JsonLogger();
  return {
    config,
    store: new FirestoreCaseStore(db, { schedule: (c) => nextActionAt(c, config.followupPeriods), clock, bus, log, announces: (update, next) => noticesFor(update, next).length > 0 }),
    registry: new FirestoreRegistry(db, clock, config.registryTtlMs),
    bus,
    clock,
    log,
    secrets,
    notifier: new SignedWebhookSender(secrets, clock),
    workflows: new CloudWorkflowsStarter(
      new ExecutionsClient(),
      { projectId: config.projectId, location: config.workflows.location, name: config.workflows.workflowName },
      config.workflows.escalationStepsUrl,
    ),
    workflowCallbacks: new HttpWorkflowCallbacks(() => token.get()),
    identity: idTokenVerifier(config.identity, clock),
    // Without a relay configured, notify's sends fail as retryable and say why (adapters/unconfigured-channels.ts):
    // the other functions need no mail settings to start.
    mailer: config.notifications.smtpUrl ? productionMailer(config, secrets) : unconfiguredMailer,
    chat: productionChat(config, secrets),
  };
}

/** The Secret Manager secrets notify reads (terraform grants the notify function access to them). */
export const SMTP_PASSWORD_SECRET = 'tandem-smtp-password';
export const CHAT_WEBHOOK_URL_SECRET = 'tandem-chat-webhook-url';

/** The bit of Secret Manager the notification channels need. */
export type SecretVersions = Pick<SecretManagerSecretStore, 'latestVersion'>;

/**
 * The mailer of a deployed notify: the relay of `TANDEM_SMTP_URL`, its password (when the URL names
 * a user) from Secret Manager's `tandem-smtp-password`, fetched on the first send. Without
 * `TANDEM_SMTP_URL` notify cannot send email, and building it says so.
 */
export function productionMailer(config: Config, secrets: SecretVersions): SmtpMailer {
  const { smtpUrl, mailFrom } = config.notifications;
  if (!smtpUrl) {
    throw new Error('notify needs a mail relay: set TANDEM_SMTP_URL (smtp://user@host:587 or smtps://user@host:465); its password goes in the Secret Manager secret tandem-smtp-password.');
  }
  const hasUser = new URL(smtpUrl).username !== '';
  return new SmtpMailer({
    url: smtpUrl,
    from: mailFrom,
    password: hasUser ? () => requiredSecret(secrets, SMTP_PASSWORD_SECRET, `the password of ${new URL(smtpUrl).username} on the mail relay`) : undefined,
  });
}

/**
 * The duty channel of a deployed notify: `TANDEM_CHAT_WEBHOOK_URL` when set, else the webhook URL in
 * Secret Manager's `tandem-chat-webhook-url` (where it belongs: its key and token are a secret),
 * fetched on the first post. A missing secret fails that post, naming the secret.
 */
export function productionChat(config: Config, secrets: SecretVersions): GoogleChatWebhook {
  const { chatWebhookUrl } = config.notifications;
  return new GoogleChatWebhook({
    url: chatWebhookUrl ?? (() => requiredSecret(secrets, CHAT_WEBHOOK_URL_SECRET, "the duty space's Google Chat incoming webhook URL")),
  });
}

async function requiredSecret(secrets: SecretVersions, secretId: string, what: string): Promise<string> {
  const value = (await secrets.latestVersion(secretId))?.trim();
  if (!value) throw new Error(`The Secret Manager secret ${secretId} (${what}) does not exist or is empty: add a version holding it.`);
  return value;
}
