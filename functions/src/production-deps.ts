import { ExecutionsClient } from '@google-cloud/workflows';
import { SystemClock } from './adapters/clock.js';
import { CloudWorkflowsStarter, HttpWorkflowCallbacks } from './adapters/cloud-workflows.js';
import { createFirestore, FirestoreCaseStore } from './adapters/firestore-case-store.js';
import { nextActionAt } from './domain/followup-policy.js';
import { FirestoreRegistry } from './adapters/firestore-registry.js';
import { JsonLogger } from './adapters/json-logger.js';
import { MetadataAccessToken } from './adapters/metadata-access-token.js';
import { PubSubEventBus } from './adapters/pubsub-event-bus.js';
import { SecretManagerSecretStore } from './adapters/secret-manager-secret-store.js';
import { SignedWebhookSender } from './adapters/signed-webhook-sender.js';
import { idTokenVerifier } from './adapters/id-token-verifier.js';
import { unconfiguredChat, unconfiguredMailer } from './adapters/unconfigured-channels.js';
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
    store: new FirestoreCaseStore(db, { schedule: (c) => nextActionAt(c, config.followupPeriods), clock, bus, log }),
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
    // The SMTP and Google Chat adapters are not wired yet: sends fail as retryable (adapters/unconfigured-channels.ts).
    mailer: unconfiguredMailer,
    chat: unconfiguredChat,
  };
}
