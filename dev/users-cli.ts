/**
 * `npm run users -- grant|show|revoke <email> …`: Tandem's roles as Firebase custom claims, for
 * production and the emulator alike (dev/users.ts does the work; `npm run users` alone prints the usage).
 */
import { adminAuth, parseUsersArgs, runUsersCommand, USAGE, UsersError } from './users.js';

const args = process.argv.slice(2);
if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(args.length === 0 ? 2 : 0);
}
const parsed = parseUsersArgs(args);
if (!parsed.ok) {
  process.stderr.write(`${parsed.problems.map((p) => `  - ${p}`).join('\n')}\n\n${USAGE}\n`);
  process.exit(2);
}

const emulator = process.env.FIREBASE_AUTH_EMULATOR_HOST;
const projectId = process.env.GOOGLE_CLOUD_PROJECT ?? (emulator ? 'demo-tandem' : undefined);
if (!projectId) {
  process.stderr.write('Set GOOGLE_CLOUD_PROJECT to the project whose users to change (or FIREBASE_AUTH_EMULATOR_HOST for the emulator).\n');
  process.exit(2);
}
if (projectId.startsWith('demo-') && !emulator) {
  process.stderr.write(`${projectId} is a demo- project: it exists only on the emulator. Set FIREBASE_AUTH_EMULATOR_HOST (npm start's is 127.0.0.1:9099).\n`);
  process.exit(2);
}
process.stderr.write(emulator ? `Project ${projectId} on the Authentication emulator at ${emulator}\n` : `Project ${projectId} (Firebase Authentication)\n`);
try {
  process.stdout.write(`${await runUsersCommand(adminAuth(projectId), parsed.command)}\n`);
} catch (error) {
  process.stderr.write(`${explain(error)}\n`);
  process.exit(1);
}

function explain(error: unknown): string {
  if (error instanceof UsersError) return error.message;
  const { code, message } = error as { code?: string; message?: string };
  if (code === 'app/network-error') {
    return emulator
      ? `No Firebase Authentication emulator answers at ${emulator}. Start the local stack (npm start), or set FIREBASE_AUTH_EMULATOR_HOST to where yours runs.`
      : `Firebase Authentication could not be reached: ${message}`;
  }
  if (code === 'app/invalid-credential') return `No usable Application Default Credentials for ${projectId} (gcloud auth application-default login): ${message}`;
  return String((error as Error).stack ?? error);
}
