import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { inject } from 'vitest';
import type { Firestore } from '@google-cloud/firestore';
import { PubSub, type Message, type Subscription, type Topic as PubSubTopic } from '@google-cloud/pubsub';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { clearFirestore } from '../../dev/emulators.js';
import { eventually } from '../../dev/eventually.js';
import { T0 } from '../builders.js';
import { ControllableClock } from '../../dev/controllable-clock.js';
import { MemoryLogger } from '../../dev/memory-logger.js';
import { PubSubEventBus } from '../../functions/src/adapters/pubsub-event-bus.js';
import { loadConfig } from '../../functions/src/config.js';
import type { Org } from '../../functions/src/domain/case-model.js';
import { justChange } from '../../functions/src/domain/case-change.js';
import type { CaseStore } from '../../functions/src/ports/case-store.js';
import type { BusMessage, EventBus, Topic } from '../../functions/src/ports/event-bus.js';
import { FirestoreCaseStore } from '../../functions/src/adapters/firestore-case-store.js';
import { nextActionAt } from '../../functions/src/domain/followup-policy.js';
import type { ChatChannel, Mailer } from '../../functions/src/ports/notification-channels.js';
import { deadLetterSubscriptions, httpRoutes } from '../../functions/src/function-triggers.js';
import { createRouter } from '../../dev/router.js';
import { deletePushSubscriptions, ensurePubSubTopology, pushTargets } from '../../dev/pubsub-topology.js';
import { registerFunctions, type FunctionName } from '../../functions/src/register-functions.js';
import { createStackDeps, type StackDeps } from '../../dev/stack-deps.js';
import { authAs, type TokenUser } from '../tokens.js';
import { DEMO_WORKLOADS, demoPartners, demoQueues } from '../../dev/seed-data.js';
import { queuesCollection, workloadCatalog } from '../../functions/src/adapters/firestore-registry.js';

/** Real adapters on the emulators, a frozen clock and an in-memory log: what an integration test runs on. */
export type Harness = StackDeps<ControllableClock, MemoryLogger>;

/** Where the harness's frozen clock starts: the builders' T0, so a case they build was raised just now. */
export const TEST_START = new Date(T0);

export function createHarness(options: { bus?: (real: PubSubEventBus) => EventBus; env?: Record<string, string>; mailer?: Mailer; chat?: ChatChannel } = {}): Harness {
  // The Authentication emulator's tokens are accepted (emulator mode): the tests sign in as people with test/tokens.ts.
  const config = loadConfig({
    GOOGLE_CLOUD_PROJECT: inject('projectId'),
    TANDEM_PUBLIC_URL: 'http://tandem.test',
    FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099',
    ...options.env,
  });
  const stack = createStackDeps({
    config,
    clock: new ControllableClock({ start: TEST_START, frozen: true }),
    log: new MemoryLogger(),
    // No caching: each test seeds its own reference data and must see it at once.
    registryTtlMs: 0,
    wrapBus: options.bus,
    mailer: options.mailer,
    chat: options.chat,
  });
  registerFunctions(stack.deps);
  return stack;
}

export async function resetFirestore(): Promise<void> {
  await clearFirestore(inject('firestoreHost'), inject('projectId'));
}

export async function seedOrgs(db: Firestore, orgs: Record<string, Org>): Promise<void> {
  await Promise.all(Object.entries(orgs).map(([id, org]) => db.collection('orgs').doc(id).set(org)));
}

/** Serves a registered function on a free port, as the Functions Framework would, and returns its URL. */
export async function serveFunction(name: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = getTestServer(name);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Records what is published on a topic from now on, through a subscription of its own, so the test
 * sees the real message (data and attributes) that Pub/Sub delivers.
 */
export async function listenTo(pubsub: PubSub, topic: Topic): Promise<TopicListener> {
  const [subscription] = await pubsub.topic(topic).createSubscription(`${topic}-test-${Math.random().toString(36).slice(2)}`);
  return new TopicListener(subscription, pubsub.topic(topic));
}

/** The `type` attribute of {@link TopicListener.drain}'s markers; no function acts on it. */
const MARKER_TYPE = 'test.marker';

export interface ReceivedMessage {
  data: Record<string, unknown>;
  attributes: Record<string, string>;
}

export class TopicListener {
  readonly messages: ReceivedMessage[] = [];
  private readonly markers = new Set<string>();

  constructor(
    private readonly subscription: Subscription,
    private readonly topic: PubSubTopic,
  ) {
    subscription.on('message', (message: Message) => {
      const data = JSON.parse(message.data.toString()) as Record<string, unknown>;
      if (message.attributes.type === MARKER_TYPE) this.markers.add(String(data.marker));
      else this.messages.push({ data, attributes: message.attributes });
      message.ack();
    });
  }

  /** Waits until `count` messages arrived (or fails after `timeoutMs`). */
  waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedMessage[]> {
    return eventually(
      async () => (this.messages.length >= count ? this.messages : undefined),
      timeoutMs,
      () => `${count} messages, got ${this.messages.length}`,
    );
  }

  /**
   * Publishes a marker on the topic and waits for it to arrive (it is not recorded in `messages`).
   * Pub/Sub does not promise order, but the emulator hands out a subscription's messages in the
   * order they were published, so once the marker is in, so is everything published before it:
   * what a test awaits before asserting that no further message came.
   */
  async drain(timeoutMs = 10_000): Promise<ReceivedMessage[]> {
    const marker = Math.random().toString(36).slice(2);
    await this.topic.publishMessage({ json: { marker }, attributes: { type: MARKER_TYPE } });
    await eventually(async () => (this.markers.has(marker) ? true : undefined), timeoutMs, `the marker published on ${this.topic.name}`);
    return this.messages;
  }

  async close(): Promise<void> {
    await this.subscription.close();
    await this.subscription.delete();
  }
}

/** Partners, the workload catalog and the queues as `npm start` seeds them. */
export async function seedRegistry(db: Firestore): Promise<void> {
  const batch = db.batch();
  for (const [id, p] of Object.entries(demoPartners('http://partners.test'))) batch.set(db.collection('partners').doc(id), p);
  for (const [id, w] of Object.entries(DEMO_WORKLOADS)) batch.set(workloadCatalog(db).doc(id), w);
  for (const [id, q] of Object.entries(demoQueues())) batch.set(queuesCollection(db).doc(id), q);
  await batch.commit();
}

/**
 * Every function behind one router on a free port, with the Pub/Sub emulator pushing each topic to
 * its function, as in the local stack: the routes and the push subscriptions (names and delivery
 * settings) of the function table. Only the named Pub/Sub functions get their subscription.
 * `close()` deletes the push subscriptions so that no later test file gets pushes aimed at a router
 * that is gone.
 */
export async function startPipeline(
  h: Harness,
  functions: FunctionName[] = ['classify', 'prioritize', 'route'],
): Promise<{ url: string; close(): Promise<void> }> {
  const router = createRouter({ httpRoutes: httpRoutes(), devRoutes: [] });
  await new Promise<void>((resolve) => router.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;
  const targets = pushTargets(functions);
  const deadLetters = deadLetterSubscriptions(functions);
  await ensurePubSubTopology(h.pubsub, inject('projectId'), url, targets, deadLetters);
  return {
    url,
    close: async () => {
      await deletePushSubscriptions(h.pubsub, targets, deadLetters);
      await new Promise<void>((resolve) => {
        router.close(() => resolve());
        router.closeAllConnections();
      });
    },
  };
}

export { eventually };

/** `Authorization` headers for a person, with a token valid at the harness's clock. */
export const signedInAs = (h: Harness, user: TokenUser): Record<string, string> => authAs(h.deps.config.projectId, user, h.deps.clock.now());

/**
 * Stands in for the consumers a test does not run (notify, and the steps): every message is taken up
 * (its outbox entry discharged, as a consumer's commit does) as soon as it is published, so the
 * follow-up sweep sees what it would in production rather than messages nobody consumes. It
 * discharges through a store of its own (`bind`), so its operations are not counted with the functions'.
 */
export class MessagesTakenUp implements EventBus {
  private store: CaseStore | undefined;
  constructor(private readonly inner: EventBus) {}
  bind(store: CaseStore): void {
    this.store = store;
  }
  async publish(topic: Topic, message: BusMessage): Promise<void> {
    await this.inner.publish(topic, message);
    const { caseId, outboxId } = message.data;
    if (typeof caseId === 'string' && typeof outboxId === 'string') await this.store?.updateCase(caseId, () => justChange(null), { consumes: outboxId });
  }
}

/** A store of the harness's database, clock and bus, apart from the functions' (its operations are its own). */
export const anotherStore = (h: Harness): FirestoreCaseStore =>
  new FirestoreCaseStore(h.db, { schedule: (c) => nextActionAt(c, h.deps.config.followupPeriods), clock: h.deps.clock, bus: h.realBus, log: h.deps.log });
