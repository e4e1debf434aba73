import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { PubSub } from '@google-cloud/pubsub';
import { freePort, startEmulator, type RunningEmulator } from '../dev/emulators.js';
import { TOPICS } from '../functions/src/ports/event-bus.js';

/** Emulators on free ports for one benchmark run, so a running `npm start` is never disturbed. */
export async function startBenchEmulators(projectId: string): Promise<{ firestore: RunningEmulator; pubsub: RunningEmulator; stop(): Promise<void> }> {
  const [fp, pp] = [await freePort(), await freePort()];
  const [firestore, pubsub] = await Promise.all([
    startEmulator('firestore', `127.0.0.1:${fp}`, { projectId }),
    startEmulator('pubsub', `127.0.0.1:${pp}`, { projectId }),
  ]);
  process.env.FIRESTORE_EMULATOR_HOST = firestore.hostPort;
  process.env.PUBSUB_EMULATOR_HOST = pubsub.hostPort;
  process.env.METADATA_SERVER_DETECTION = 'none';
  const client = new PubSub({ projectId });
  await Promise.all(TOPICS.map((t) => client.createTopic(t)));
  await client.close();
  return { firestore, pubsub, stop: async () => void (await Promise.all([firestore.stop(), pubsub.stop()])) };
}

export async function serve(functionName: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = getTestServer(functionName);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Sends `total` requests with `concurrency` in flight; returns requests per second and the statuses seen. */
export async function drive(
  total: number,
  concurrency: number,
  send: (i: number) => Promise<Response>,
): Promise<{ perSecond: number; seconds: number; statuses: Map<number, number> }> {
  const statuses = new Map<number, number>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const res = await send(next++);
        await res.arrayBuffer();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { perSecond: total / seconds, seconds, statuses };
}

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Who measured a figure and when: the command (BENCH_COMMAND when a single module is run) and now. */
export const measuredNow = () => ({ command: process.env.BENCH_COMMAND ?? 'npm run bench', at: new Date().toISOString() });
