import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { inject } from 'vitest';
import { Firestore } from '@google-cloud/firestore';
import { PubSub, type Message, type Subscription } from '@google-cloud/pubsub';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { clearFirestore } from '../../dev/emulators.js';
import { ControllableClock } from '../../functions/src/adapters/clock.js';
import { createFirestore, FirestoreCaseStore } from '../../functions/src/adapters/firestore-case-store.js';
import { FirestoreRegistry } from '../../functions/src/adapters/firestore-registry.js';
import { MemoryLogger } from '../../functions/src/adapters/json-logger.js';
import { PubSubEventBus } from '../../functions/src/adapters/pubsub-event-bus.js';
import { loadConfig } from '../../functions/src/config.js';
import type { Org } from '../../functions/src/domain/case-model.js';
import type { Topic } from '../../functions/src/ports/event-bus.js';
import { registerFunctions, type FunctionDeps } from '../../functions/src/register-functions.js';

/** Real adapters on the emulators, a frozen clock and an in-memory log: what an integration test runs on. */
export interface Harness {
  deps: FunctionDeps & { store: FirestoreCaseStore; registry: FirestoreRegistry; bus: PubSubEventBus; clock: ControllableClock; log: MemoryLogger };
  db: Firestore;
  pubsub: PubSub;
  close(): Promise<void>;
}

export const TEST_START = new Date('2026-11-23T09:00:00.000Z');

export function createHarness(): Harness {
  const projectId = inject('projectId');
  const config = loadConfig({ GOOGLE_CLOUD_PROJECT: projectId, TANDEM_PUBLIC_URL: 'http://tandem.test' });
  const db = createFirestore(projectId);
  const pubsub = new PubSub({ projectId });
  const clock = new ControllableClock({ start: TEST_START, frozen: true });
  const deps = {
    config,
    store: new FirestoreCaseStore(db),
    // No caching: each test seeds its own reference data and must see it at once.
    registry: new FirestoreRegistry(db, clock, 0),
    bus: new PubSubEventBus(pubsub),
    clock,
    log: new MemoryLogger(),
  };
  registerFunctions(deps);
  return {
    deps,
    db,
    pubsub,
    close: async () => {
      await db.terminate();
      await pubsub.close();
    },
  };
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
  return new TopicListener(subscription);
}

export interface ReceivedMessage {
  data: Record<string, unknown>;
  attributes: Record<string, string>;
}

export class TopicListener {
  readonly messages: ReceivedMessage[] = [];

  constructor(private readonly subscription: Subscription) {
    subscription.on('message', (message: Message) => {
      this.messages.push({ data: JSON.parse(message.data.toString()) as Record<string, unknown>, attributes: message.attributes });
      message.ack();
    });
  }

  /** Waits until `count` messages arrived (or fails after `timeoutMs`). */
  async waitFor(count: number, timeoutMs = 10_000): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} messages, got ${this.messages.length}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    return this.messages;
  }

  async close(): Promise<void> {
    await this.subscription.close();
    await this.subscription.delete();
  }
}
