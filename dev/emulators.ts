import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Starts (or reuses) the Google Cloud CLI's Firestore and Pub/Sub emulators and the Firebase
 * Authentication emulator (from the `firebase-tools` dev dependency). gcloud runs the emulator as a
 * Java child of a Python wrapper, and killing the wrapper leaves Java running; so each emulator gets
 * its own process group and `stop()` signals the whole group.
 */

export type EmulatorKind = 'firestore' | 'pubsub' | 'auth';

export interface RunningEmulator {
  kind: EmulatorKind;
  /** `host:port`, the value of FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST / FIREBASE_AUTH_EMULATOR_HOST. */
  hostPort: string;
  /** False when one was already listening there and we only use it. */
  startedHere: boolean;
  /** From spawning it to its first ready answer; 0 when reused. */
  startMs: number;
  stop(): Promise<void>;
}

export interface EmulatorOptions {
  projectId: string;
  log?: (line: string) => void;
  readyTimeoutMs?: number;
  /**
   * The Authentication emulator only: the ports of the emulator hub and the logging server that
   * `firebase emulators:start` always opens beside it (default: free ports, so that two stacks never
   * meet on firebase-tools' fixed 4400 and 4500).
   */
  hubPort?: number;
  loggingPort?: number;
}

/** The firebase-tools CLI of this checkout (a dev dependency: `npm ci` installs it). */
export const FIREBASE_CLI = join(import.meta.dirname, '..', 'node_modules', '.bin', 'firebase');

interface Launch {
  command: string;
  args: string[];
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Removes what the launch wrote (the Authentication emulator's temporary directory). */
  cleanup(): Promise<void>;
}

const LAUNCHERS: Record<EmulatorKind, (hostPort: string, options: EmulatorOptions) => Promise<Launch>> = {
  firestore: async (hostPort) => ({ command: 'gcloud', args: ['emulators', 'firestore', 'start', `--host-port=${hostPort}`, '--quiet'], cleanup: async () => {} }),
  pubsub: async (hostPort, { projectId }) => ({
    command: 'gcloud',
    args: ['beta', 'emulators', 'pubsub', 'start', `--host-port=${hostPort}`, `--project=${projectId}`, '--quiet'],
    cleanup: async () => {},
  }),
  auth: launchAuthEmulator,
};

/**
 * `firebase emulators:start --only auth` with a `firebase.json` generated in a temporary directory:
 * the emulator's host and port, the hub and logging ports pinned, no UI, and any project accepted (the
 * end-to-end tests seed a second project on the integration tier's emulator). The directory is also its
 * working directory and TMPDIR, so its debug log and hub locator file land there, not in the repo, and
 * go when it stops.
 */
async function launchAuthEmulator(hostPort: string, options: EmulatorOptions): Promise<Launch> {
  const { host, port } = splitHostPort(hostPort);
  const [hubPort, loggingPort] = [options.hubPort ?? (await freePort(host)), options.loggingPort ?? (await freePort(host))];
  const dir = await mkdtemp(join(tmpdir(), 'tandem-auth-emulator-'));
  const config = {
    emulators: {
      auth: { host, port },
      hub: { host, port: hubPort },
      logging: { host, port: loggingPort },
      ui: { enabled: false },
      singleProjectMode: false,
    },
  };
  await writeFile(join(dir, 'firebase.json'), `${JSON.stringify(config, null, 2)}\n`);
  return {
    command: FIREBASE_CLI,
    args: ['emulators:start', '--only', 'auth', '--project', options.projectId, '--config', join(dir, 'firebase.json')],
    cwd: dir,
    env: { ...process.env, TMPDIR: dir, NO_UPDATE_NOTIFIER: '1', FORCE_COLOR: '0' },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** `127.0.0.1:9099` or `[::1]:9099` → host and port. */
export function splitHostPort(hostPort: string): { host: string; port: number } {
  const colon = hostPort.lastIndexOf(':');
  const port = Number(hostPort.slice(colon + 1));
  if (colon <= 0 || !Number.isInteger(port) || port <= 0 || port > 65_535) throw new Error(`not a host:port: ${hostPort}`);
  return { host: hostPort.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port };
}

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** Fails early, with the install command, when gcloud or Java is missing (or, for the Authentication emulator, firebase-tools). */
export function checkEmulatorPrerequisites(kind: EmulatorKind = 'firestore'): void {
  if (kind === 'auth') {
    if (!existsSync(FIREBASE_CLI)) throw new MissingToolError(`The Firebase CLI is not installed (${FIREBASE_CLI}): it is a dev dependency, run npm ci.`);
    return;
  }
  if (spawnSync('gcloud', ['--version'], { stdio: 'ignore' }).status !== 0) {
    throw new MissingToolError(
      'The Google Cloud CLI (gcloud) is not on PATH. Install it (https://cloud.google.com/sdk/docs/install), then:\n' +
        '  gcloud components install cloud-firestore-emulator pubsub-emulator beta\n' +
        '(on Debian with the Cloud SDK apt repository: apt-get install google-cloud-cli google-cloud-cli-firestore-emulator google-cloud-cli-pubsub-emulator)',
    );
  }
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).status !== 0) {
    throw new MissingToolError('Java 17 or later is needed by the emulators and is not on PATH. Install it: apt-get install openjdk-17-jre-headless');
  }
}

/**
 * A gcloud emulator answers `GET /` with 200 "Ok" once it is ready; the Authentication emulator
 * answers its REST root with `{"authEmulator": {"ready": true, …}}`.
 */
export async function isEmulatorUp(hostPort: string, kind: EmulatorKind = 'firestore'): Promise<boolean> {
  try {
    const res = await fetch(`http://${hostPort}/`, { signal: AbortSignal.timeout(1_000) });
    if (!res.ok || kind !== 'auth') return res.ok;
    const body = (await res.json().catch(() => null)) as { authEmulator?: { ready?: boolean } } | null;
    return body?.authEmulator?.ready === true;
  } catch {
    return false;
  }
}

export async function startEmulator(kind: EmulatorKind, hostPort: string, options: EmulatorOptions): Promise<RunningEmulator> {
  if (await isEmulatorUp(hostPort, kind)) {
    return { kind, hostPort, startedHere: false, startMs: 0, stop: async () => {} };
  }
  // The Authentication emulator's hub and logging ports are ours to choose: when another process took
  // one between the choice and the bind, choose again rather than fail the run.
  const retries = kind === 'auth' && options.hubPort === undefined && options.loggingPort === undefined ? 2 : 0;
  for (let attempt = 0; ; attempt++) {
    try {
      return await launchEmulator(kind, hostPort, options);
    } catch (error) {
      if (attempt >= retries || !(error instanceof PortTakenError)) throw error;
      options.log?.(`${error.message}\nTrying again with other ports.\n`);
    }
  }
}

class PortTakenError extends Error {}

async function launchEmulator(kind: EmulatorKind, hostPort: string, options: EmulatorOptions): Promise<RunningEmulator> {
  checkEmulatorPrerequisites(kind);
  const launch = await LAUNCHERS[kind](hostPort, options);
  const started = Date.now();
  const child = spawn(launch.command, launch.args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: launch.cwd,
    env: launch.env,
  });
  const output: string[] = [];
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output.push(text);
    if (output.length > 200) output.shift();
    options.log?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let spawnError: Error | undefined;
  child.once('error', (error) => (spawnError = error));
  const stop = async () => {
    await stopGroup(child);
    await launch.cleanup();
  };

  // The Authentication emulator compiles its OpenAPI spec before it listens: CPU-bound, slow on a busy machine.
  const deadline = Date.now() + (options.readyTimeoutMs ?? (kind === 'auth' ? 120_000 : 60_000));
  while (!(await isEmulatorUp(hostPort, kind))) {
    if (spawnError || child.exitCode !== null || Date.now() > deadline) {
      await stop();
      const said = output.join('');
      const message = `The ${kind} emulator did not start on ${hostPort}:\n${spawnError?.message ?? said.slice(-2_000)}`;
      throw /port taken/i.test(said) ? new PortTakenError(message) : new Error(message);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { kind, hostPort, startedHere: true, startMs: Date.now() - started, stop };
}

/**
 * Waits for emulators started side by side; when one fails, stops those that did start (nothing is
 * left running behind the error) and throws that error.
 */
export async function allStarted<const T extends readonly Promise<RunningEmulator>[]>(starting: T): Promise<{ -readonly [K in keyof T]: RunningEmulator }> {
  const settled = await Promise.allSettled(starting);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    throw failed.reason;
  }
  return settled.map((s) => (s as PromiseFulfilledResult<RunningEmulator>).value) as { -readonly [K in keyof T]: RunningEmulator };
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child.pid, 'SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') signalGroup(child.pid, 'SIGKILL');
  // The wrapper may exit before its Java child; make sure nothing in the group survives.
  signalGroup(child.pid, 'SIGKILL');
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * The ports `freePort` picks from: below Linux's ephemeral range (32768–60999), which the kernel
 * hands to every outgoing connection. A port the kernel chose with `listen(0)` is in that range, and
 * between our check and the emulator's bind an outgoing connection of a Java emulator starting beside
 * it can take it: CI once saw firebase-tools refuse its logging port so ("port taken").
 */
const PICKED_PORTS = { from: 20_000, to: 32_000 };
const handedOut = new Set<number>();

/**
 * A TCP port nothing listens on right now, for tests that must not collide with a running stack: a
 * random one outside the ephemeral range, never the same twice in one process, checked by binding it.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = PICKED_PORTS.from + Math.floor(Math.random() * (PICKED_PORTS.to - PICKED_PORTS.from));
    if (handedOut.has(port) || !(await canListen(host, port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port found on ${host} between ${PICKED_PORTS.from} and ${PICKED_PORTS.to}`);
}

function canListen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Deletes every document in the Firestore emulator's database: tests start from nothing. */
export async function clearFirestore(hostPort: string, projectId: string): Promise<void> {
  const res = await fetch(`http://${hostPort}/emulator/v1/projects/${projectId}/databases/(default)/documents`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`clearing the Firestore emulator failed: ${res.status} ${await res.text()}`);
}
