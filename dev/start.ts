/**
 * `npm start`: the whole of Tandem on this machine, on the emulators, with demo data. Ctrl-C stops
 * everything it started (the emulators it reused keep running).
 */
import { DEFAULT_AUTH_EMULATOR_HOST, demoUsersTable } from './auth-emulator-api.js';
import { ConfigError } from '../functions/src/config.js';
import { MissingToolError, type RunningEmulator } from './emulators.js';
import { demoCasesBanner } from './demo-cases.js';
import { startLocalStack } from './local-stack.js';
import { DEMO_ORGS, DEMO_PASSWORD, DEMO_USERS } from './seed-data.js';

const log = (text: string) => process.stdout.write(`${text}\n`);
log('Starting Tandem: emulators, functions, Workflows runner…');

let stack;
try {
  // The demo cases are for a person trying Tandem: only npm start opens them, never the tests.
  stack = await startLocalStack({ demoCases: true });
} catch (error) {
  process.stderr.write(`\n${error instanceof MissingToolError || error instanceof ConfigError ? error.message : String((error as Error).stack ?? error)}\n`);
  process.exit(1);
}

const { url, workflowsUrl, emulators, seeded, mail, chat } = stack;
const reused = (e: RunningEmulator) => (e.startedHere ? `started in ${(e.startMs / 1000).toFixed(1)} s` : 'reused');
// What `npm run token` needs to find this stack's emulator and project, when not the defaults.
const tokenEnv = [
  emulators.auth.hostPort === DEFAULT_AUTH_EMULATOR_HOST ? '' : `FIREBASE_AUTH_EMULATOR_HOST=${emulators.auth.hostPort} `,
  stack.config.projectId === 'demo-tandem' ? '' : `GOOGLE_CLOUD_PROJECT=${stack.config.projectId} `,
].join('');
const engineer = DEMO_USERS.find((u) => u.claims.role === 'engineer') ?? DEMO_USERS[0]!;
log(`
Tandem is running.
  Web app            ${url}/app/   (sign in as a demo user below: the engineer console, the customer portal, the partner desk)
  Cases API          POST and GET ${url}/cases · GET ${url}/cases/<caseId> · POST ${url}/cases/<caseId>/actions (each with an ID token)
  Follow a case      GET ${url}/_dev/cases/<caseId>   (the case and its timeline; development only, no token)
  Development clock  GET ${url}/_dev/clock · POST ${url}/_dev/clock/advance {"seconds": N}
  Workflows runner   ${workflowsUrl}
  Mail catcher       ${mail.uiUrl ? `${mail.uiUrl}   (every email notify sends; SMTP ${mail.smtpUrl})` : `none: email goes to TANDEM_SMTP_URL`}
  Chat catcher       ${chat.messagesUrl ? `${url}/_dev/chat   (the duty channel's cards; JSON: ${chat.messagesUrl})` : 'none: cards go to TANDEM_CHAT_WEBHOOK_URL'}
  Firestore emulator ${emulators.firestore.hostPort} (${reused(emulators.firestore)})
  Pub/Sub emulator   ${emulators.pubsub.hostPort} (${reused(emulators.pubsub)})
  Auth emulator      http://${emulators.auth.hostPort} (${reused(emulators.auth)}; FIREBASE_AUTH_EMULATOR_HOST=${emulators.auth.hostPort})
  Web app bundle     ${(stack.web.js.gzipBytes / 1024).toFixed(0)} KB of JavaScript gzipped, Firebase included (budget 250 KB)

Demo data: ${seeded.orgs} orgs, ${seeded.partners} partners, ${seeded.workloads} workload technologies, ${seeded.queues} queues.
${Object.entries(DEMO_ORGS)
  .map(([id, org]) => `  ${id.padEnd(28)} ${org.supportPlan.padEnd(16)} ${org.name}`)
  .join('\n')}

Demo users: ${seeded.users}, each with the password ${DEMO_PASSWORD} (docs/identity.md):
${demoUsersTable()}
Every request carries an ID token (unsigned, so accepted only on the emulator, for a demo- project).

${stack.demoCases ? demoCasesBanner(stack.demoCases, url) : ''}

Try:
  TOKEN=$(${tokenEnv}npm run -s token -- ${engineer.email})   # an engineer: may open a case for any org
  curl -s ${url}/cases -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -H 'Idempotency-Key: demo-1' -d '{"orgId": "org-initech-premium", "contact": {"name": "Peter", "email": "peter@initech.example"}, "subject": "Volumes read-only after failover", "description": "CVO volumes mount read-only on GKE nodes.", "product": "Cloud Volumes ONTAP", "vendor": "NetApp", "priority": "P1", "environment": "production"}'

Ctrl-C stops everything.`);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`\n${signal}: stopping…`);
  void stack.stop().then(() => {
    log('Stopped.');
    process.exit(0);
  });
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
