import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Starts (or reuses) the Google Cloud CLI's Firestore and Pub/Sub emulators. gcloud runs the emulator
 * as a Java child of a Python wrapper, and killing the wrapper leaves Java running; so each emulator
 * gets its own process group and `stop()` signals the whole group.
 */

export type EmulatorKind = 'firestore' | 'pubsub';

export interface RunningEmulator {
  kind: EmulatorKind;
  /** `host:port`, the value of FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST. */
  hostPort: string;
  /** False when one was already listening there and we only use it. */
  startedHere: boolean;
  stop(): Promise<void>;
}

const COMMANDS: Record<EmulatorKind, (hostPort: string, projectId: string) => string[]> = {
  firestore: (hostPort) => ['emulators', 'firestore', 'start', `--host-port=${hostPort}`, '--quiet'],
  pubsub: (hostPort, projectId) => ['beta', 'emulators', 'pubsub', 'start', `--host-port=${hostPort}`, `--project=${projectId}`, '--quiet'],
};

export class MissingToolError extends Error {
  override name = 'MissingToolError';
}

/** Fails early, with the install command, when gcloud or Java is missing. */
export function checkEmulatorPrerequisites(): void {
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

/** An emulator answers `GET /` with 200 "Ok" once it is ready. */
export async function isEmulatorUp(hostPort: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${hostPort}/`, { signal: AbortSignal.timeout(1_000) });
    return res.ok;
  } catch {
    return false;
  }
}

export async function startEmulator(
  kind: EmulatorKind,
  hostPort: string,
  options: { projectId: string; log?: (line: string) => void; readyTimeoutMs?: number },
): Promise<RunningEmulator> {
  if (await isEmulatorUp(hostPort)) {
    return { kind, hostPort, startedHere: false, stop: async () => {} };
  }
  checkEmulatorPrerequisites();
  const child = spawn('gcloud', COMMANDS[kind](hostPort, options.projectId), {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
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
  const stop = () => stopGroup(child);

  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  while (!(await isEmulatorUp(hostPort))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`The ${kind} emulator did not start on ${hostPort}:\n${output.join('').slice(-2_000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { kind, hostPort, startedHere: true, stop };
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

/** A TCP port nothing listens on right now, for tests that must not collide with a running stack. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Deletes every document in the Firestore emulator's database: tests start from nothing. */
export async function clearFirestore(hostPort: string, projectId: string): Promise<void> {
  const res = await fetch(`http://${hostPort}/emulator/v1/projects/${projectId}/databases/(default)/documents`, { method: 'DELETE' });
  if (!res.ok) throw new Error(`clearing the Firestore emulator failed: ${res.status} ${await res.text()}`);
}
