import type { TestProject } from 'vitest/node';
import { PubSub } from '@google-cloud/pubsub';
import { allStarted, freePort, startEmulator } from '../../dev/emulators.js';
import { TOPICS } from '../../functions/src/ports/event-bus.js';

declare module 'vitest' {
  export interface ProvidedContext {
    firestoreHost: string;
    pubsubHost: string;
    /** The Firebase Authentication emulator's `host:port` (FIREBASE_AUTH_EMULATOR_HOST). */
    authHost: string;
    projectId: string;
  }
}

/**
 * Starts the Firestore, Pub/Sub and Firebase Authentication emulators once for the integration tier,
 * side by side, on free ports (the Authentication emulator's hub and logging ports too) so that a
 * running `npm start` is never touched, and creates the topics. Tests clear the data they use.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const projectId = 'demo-tandem-test';
  const [firestorePort, pubsubPort, authPort] = [await freePort(), await freePort(), await freePort()];
  const [firestore, pubsub, auth] = await allStarted([
    startEmulator('firestore', `127.0.0.1:${firestorePort}`, { projectId }),
    startEmulator('pubsub', `127.0.0.1:${pubsubPort}`, { projectId }),
    startEmulator('auth', `127.0.0.1:${authPort}`, { projectId }),
  ]);
  process.env.PUBSUB_EMULATOR_HOST = pubsub.hostPort;
  process.env.METADATA_SERVER_DETECTION = 'none';
  const client = new PubSub({ projectId });
  await Promise.all(TOPICS.map((topic) => client.createTopic(topic)));
  await client.close();

  project.provide('firestoreHost', firestore.hostPort);
  project.provide('pubsubHost', pubsub.hostPort);
  project.provide('authHost', auth.hostPort);
  project.provide('projectId', projectId);
  return async () => {
    await Promise.all([firestore.stop(), pubsub.stop(), auth.stop()]);
  };
}
