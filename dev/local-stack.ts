import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { ControllableClock } from './controllable-clock.js';
import type { Firestore } from '@google-cloud/firestore';
import type { FirestoreCaseStore } from '../functions/src/adapters/firestore-case-store.js';
import type { FirestoreRegistry } from '../functions/src/adapters/firestore-registry.js';
import { JsonLogger } from '../functions/src/adapters/json-logger.js';
import { loadConfig, type Config } from '../functions/src/config.js';
import { deadLetterSubscriptions, httpRoutes } from '../functions/src/function-triggers.js';
import { registerFunctions } from '../functions/src/register-functions.js';
import { sweepFollowups } from '../functions/src/handlers/followups.js';
import { DEFAULT_AUTH_EMULATOR_HOST, seedDemoUsers } from './auth-emulator-api.js';
import { allStarted, startEmulator, type RunningEmulator } from './emulators.js';
import { FollowupTicker } from './followup-ticker.js';
import { ensurePubSubTopology, pushTargets } from './pubsub-topology.js';
import { createRouter, readJson, sendJson, type DevRoute } from './router.js';
import { seedDemoData } from './seed.js';
import { createStackDeps } from './stack-deps.js';
import type { PubSubEventBus } from '../functions/src/adapters/pubsub-event-bus.js';
import type { EventBus } from '../functions/src/ports/event-bus.js';
import { PartnerSimulator, type PartnerBehaviour } from './partner-simulator.js';
import { ChatCatcher } from './chat-catcher.js';
import { startMailCatcher } from './mail-catcher.js';
import { startWorkflowsRunner, type WorkflowsRunner } from './workflows-runner/api-server.js';
import { createLocalWorkflowsClient } from './workflows-runner/client.js';
import { buildWeb, type WebBuild } from '../web/build.js';
import { DEMO_PASSWORD } from './seed-data.js';
import { demoAccounts, loadFirestoreRules, webAppRoute } from './web-app.js';
import { openDemoCases, type DemoCasesOutcome } from './demo-cases.js';

export interface LocalStackOptions {
  env?: Record<string, string | undefined>;
  /** Where the emulators listen; default from the environment, else 127.0.0.1:8080 and :8085. */
  firestoreHost?: string;
  pubsubHost?: string;
  /**
   * The Firebase Authentication emulator; default FIREBASE_AUTH_EMULATOR_HOST from `env`, else from
   * process.env (where the test tiers' setup puts theirs), else 127.0.0.1:9099. Its hub and logging
   * ports: TANDEM_AUTH_HUB_PORT and TANDEM_AUTH_LOGGING_PORT, else free ports.
   */
  authHost?: string;
  /** 0 picks free ports (tests); default from TANDEM_PORT (8100) and TANDEM_WORKFLOWS_PORT (8190). */
  port?: number;
  workflowsPort?: number;
  /**
   * The mail catcher's SMTP port and web port; default TANDEM_MAIL_SMTP_PORT (1025) and
   * TANDEM_MAIL_UI_PORT (1080), or free ports when `port` is 0. No catcher when TANDEM_SMTP_URL is set.
   */
  mailSmtpPort?: number;
  mailUiPort?: number;
  /** Start the clock here and keep it still until advanced (tests); default: real time, advanceable. */
  clock?: ControllableClock;
  quiet?: boolean;
  /** Wraps the functions' Pub/Sub publisher: the fault tests put a failing one between a commit and its publish. */
  wrapBus?: (real: PubSubEventBus) => EventBus;
  /** How the simulated partners answer; default: the demo behaviours (dev/partner-simulator.ts). */
  partnerBehaviours?: Record<string, PartnerBehaviour>;
  /**
   * Open the demo cases (dev/demo-cases.ts) through intake as the demo customers, when the project
   * has no case yet. `npm start` (dev/start.ts) asks for them; the tests do not.
   */
  demoCases?: boolean;
}

export interface LocalStack {
  url: string;
  workflowsUrl: string;
  workflowsRunner: WorkflowsRunner;
  config: Config;
  clock: ControllableClock;
  store: FirestoreCaseStore;
  registry: FirestoreRegistry;
  db: Firestore;
  partners: PartnerSimulator;
  /**
   * Where notify's email goes: the mail catcher (MailDev: `uiUrl` is its web view, `${uiUrl}/api/email`
   * its REST API), or the relay of TANDEM_SMTP_URL, when set, and then no `uiUrl`.
   */
  mail: { smtpUrl: string; uiUrl?: string };
  /**
   * Where notify's chat cards go: the chat catcher on the stack's server (`messagesUrl` lists what it
   * caught, `/_dev/chat` shows it), or TANDEM_CHAT_WEBHOOK_URL, when set, and then no `messagesUrl`.
   */
  chat: { webhookUrl: string; messagesUrl?: string; catcher: ChatCatcher };
  /**
   * Moves the clock forward as `POST /_dev/clock/advance` does: fires what comes due on the way and
   * runs the follow-up sweep at each moment a case is due.
   */
  advanceClock(ms: number): Promise<{ now: Date; sweeps: number; acted: number }>;
  emulators: { firestore: RunningEmulator; pubsub: RunningEmulator; auth: RunningEmulator };
  /** The web app served at `${url}/app/`: built at start, with the size of its JavaScript. */
  web: WebBuild;
  /** `users`: the demo users (dev/seed-data.ts), created or brought back to their claims and password. */
  seeded: { orgs: number; partners: number; workloads: number; queues: number; users: number };
  /** The demo cases opened at start (`demoCases`), or why none were; null when not asked for. */
  demoCases: DemoCasesOutcome | null;
  stop(): Promise<void>;
}

/**
 * The whole system on one machine: emulators, topics and push subscriptions, every function behind
 * one base URL, the local Workflows runner and the demo data. `npm start` and the end-to-end tests
 * both start it through here.
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const env = options.env ?? process.env;
  const firestoreHost = options.firestoreHost ?? env.FIRESTORE_EMULATOR_HOST ?? '127.0.0.1:8080';
  const pubsubHost = options.pubsubHost ?? env.PUBSUB_EMULATOR_HOST ?? '127.0.0.1:8085';
  const authHost = options.authHost ?? env.FIREBASE_AUTH_EMULATOR_HOST ?? process.env.FIREBASE_AUTH_EMULATOR_HOST ?? DEFAULT_AUTH_EMULATOR_HOST;
  const authPort = (name: string) => (env[name] ? Number(env[name]) : undefined);
  const projectId = env.GOOGLE_CLOUD_PROJECT ?? 'demo-tandem';
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  };

  try {
    const [firestore, pubsub, auth] = await allStarted([
      startEmulator('firestore', firestoreHost, { projectId }),
      startEmulator('pubsub', pubsubHost, { projectId }),
      startEmulator('auth', authHost, { projectId, hubPort: authPort('TANDEM_AUTH_HUB_PORT'), loggingPort: authPort('TANDEM_AUTH_LOGGING_PORT') }),
    ]);
    stops.push(firestore.stop, pubsub.stop, auth.stop);
    // The client libraries find the emulators through these; set before any client is made.
    process.env.FIRESTORE_EMULATOR_HOST = firestoreHost;
    process.env.PUBSUB_EMULATOR_HOST = pubsubHost;
    process.env.FIREBASE_AUTH_EMULATOR_HOST = authHost;
    // No metadata server exists here; without this the auth library probes for one and warns.
    process.env.METADATA_SERVER_DETECTION ??= 'none';

    const port = options.port ?? Number(env.TANDEM_PORT ?? 8100);
    const clock = options.clock ?? new ControllableClock();
    const router = await listen(port);
    const url = `http://127.0.0.1:${addressPort(router.server)}`;
    stops.push(router.close);

    const workflowsRunner: WorkflowsRunner = await startWorkflowsRunner({
      port: options.workflowsPort ?? Number(env.TANDEM_WORKFLOWS_PORT ?? 8190),
      clock,
      project: projectId,
      env: { TANDEM_PUBLIC_URL: url },
      log: options.quiet ? () => {} : undefined,
    });
    stops.push(workflowsRunner.close);

    // The mail catcher, unless a relay of the user's own is configured.
    const mailPort = (option: number | undefined, name: string, fallback: number) => option ?? (options.port === 0 ? 0 : Number(env[name] ?? fallback));
    const mailCatcher = env.TANDEM_SMTP_URL
      ? undefined
      : await startMailCatcher({ smtpPort: mailPort(options.mailSmtpPort, 'TANDEM_MAIL_SMTP_PORT', 1025), uiPort: mailPort(options.mailUiPort, 'TANDEM_MAIL_UI_PORT', 1080) });
    if (mailCatcher) stops.push(mailCatcher.stop);
    const mail = { smtpUrl: env.TANDEM_SMTP_URL ?? mailCatcher?.smtpUrl ?? '', uiUrl: mailCatcher?.uiUrl };
    const chatCatcher = new ChatCatcher(clock);
    const chat = env.TANDEM_CHAT_WEBHOOK_URL
      ? { webhookUrl: env.TANDEM_CHAT_WEBHOOK_URL, catcher: chatCatcher }
      : { webhookUrl: `${url}/_dev/chat/webhook`, messagesUrl: `${url}/_dev/chat/messages`, catcher: chatCatcher };

    const config = loadConfig({
      ...env,
      GOOGLE_CLOUD_PROJECT: projectId,
      FIRESTORE_EMULATOR_HOST: firestoreHost,
      PUBSUB_EMULATOR_HOST: pubsubHost,
      FIREBASE_AUTH_EMULATOR_HOST: authHost,
      TANDEM_PUBLIC_URL: env.TANDEM_PUBLIC_URL ?? url,
      TANDEM_WORKFLOWS_ENDPOINT: workflowsRunner.url,
      TANDEM_SMTP_URL: mail.smtpUrl,
      TANDEM_CHAT_WEBHOOK_URL: chat.webhookUrl,
    });
    const stack = createStackDeps({ config, clock, log: options.quiet ? new JsonLogger(() => {}) : new JsonLogger(), devSecretsFile: env.TANDEM_DEV_SECRETS, wrapBus: options.wrapBus });
    stops.push(stack.close);
    const { db, pubsub: pubsubClient } = stack;
    const store = stack.deps.store;
    registerFunctions(stack.deps);

    // Every Pub/Sub function's push subscription, as in production (functions/src/function-triggers.ts).
    await ensurePubSubTopology(pubsubClient, projectId, url, pushTargets(), deadLetterSubscriptions());
    await deployWorkflows(workflowsRunner.url, projectId, config.workflows.location);
    // The web app, built for this stack (two stacks side by side do not share a build), and the rules the browser reads under.
    const webDir = await mkdtemp(join(tmpdir(), 'tandem-web-'));
    stops.push(() => rm(webDir, { recursive: true, force: true }));
    const [data, users, web] = await Promise.all([
      seedDemoData(db, url),
      seedDemoUsers(authHost, projectId),
      buildWeb({ outDir: webDir }),
      loadFirestoreRules(firestoreHost, projectId),
    ]);
    const [firestoreHostname, firestorePort] = splitHostPort(firestoreHost);
    const webApp = await webAppRoute(webDir, {
      projectId,
      apiKey: 'demo-api-key',
      authDomain: `${projectId}.firebaseapp.com`,
      emulators: { authUrl: `http://${authHost}`, firestoreHost: firestoreHostname, firestorePort, demoPassword: DEMO_PASSWORD, clockUrl: '/_dev/clock', demoUsers: demoAccounts() },
    });
    const seeded = { ...data, users: users.created + users.updated };

    const partners = new PartnerSimulator({ clock, secrets: stack.deps.secrets, log: stack.deps.log }, options.partnerBehaviours);
    // Cloud Scheduler's part: a followup-tick every minute of the stack's clock.
    const followups = new FollowupTicker({
      clock,
      db,
      publishTick: () => stack.realBus.publish('followup-tick', { type: 'followup.tick', data: { source: 'dev-stack' } }),
      sweep: () => sweepFollowups(stack.deps, undefined, stack.deps.log.with({ step: 'followups', source: 'clock-advance' })),
      // What the timers started (workflow steps, simulated partners' callbacks, pushes) finishes before the clock moves on.
      settle: async () => {
        const deadline = Date.now() + 2_000;
        for (let quiet = 0; quiet < 2 && Date.now() < deadline; ) {
          await workflowsRunner.waitForIdle();
          await new Promise((resolve) => setTimeout(resolve, 10));
          quiet = router.inFlight() === 0 ? quiet + 1 : 0;
        }
      },
      log: stack.deps.log,
    });
    const advanceClock = (ms: number) => followups.advance(ms);
    // Every route of the function table on the one base URL, the internal ones too: the workflow calls them here.
    router.handle(createRouter({ httpRoutes: httpRoutes(), devRoutes: [webApp, clockRoute(clock, advanceClock), caseViewRoute(store), partners.route(), chatCatcher.route()] }));
    followups.start();
    stops.push(async () => followups.stop());
    // Through the real intake endpoint, now that the router serves it: the whole pipeline triages them.
    const demoCases = options.demoCases
      ? await openDemoCases({ url, db, authHost, projectId }).catch((error: unknown): DemoCasesOutcome => ({ failed: (error as Error).message }))
      : null;
    return { url, workflowsUrl: workflowsRunner.url, workflowsRunner, config, clock, store, registry: stack.deps.registry, db, partners, mail, chat, advanceClock, emulators: { firestore, pubsub, auth }, web, seeded, demoCases, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function splitHostPort(hostPort: string): [string, number] {
  const at = hostPort.lastIndexOf(':');
  return [hostPort.slice(0, at), Number(hostPort.slice(at + 1))];
}

/**
 * `GET /_dev/clock` and `POST /_dev/clock/advance {"seconds": N}`: development only, never deployed.
 * Advancing runs the follow-ups due on the way, each at its minute, and answers when they are done.
 */
function clockRoute(clock: ControllableClock, advance: LocalStack['advanceClock']): DevRoute {
  return async (req, res, url) => {
    if (url.pathname === '/_dev/clock' && req.method === 'GET') {
      sendJson(res, 200, { now: clock.now().toISOString() });
      return true;
    }
    if (url.pathname === '/_dev/clock/advance' && req.method === 'POST') {
      const body = (await readJson(req).catch(() => null)) as { seconds?: unknown } | null;
      const seconds = body?.seconds;
      if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) {
        sendJson(res, 400, { error: { code: 'invalid_request', message: 'Send {"seconds": N} with N ≥ 0.', issues: [{ path: 'seconds', message: 'A number ≥ 0' }] } });
        return true;
      }
      const advanced = await advance(seconds * 1000);
      sendJson(res, 200, { now: advanced.now.toISOString(), followups: { sweeps: advanced.sweeps, casesActedOn: advanced.acted } });
      return true;
    }
    return false;
  };
}

/**
 * `GET /_dev/cases/{caseId}`: the case and its timeline, oldest first, for following a case locally.
 * Development only: in production clients read through Firestore under `firestore.rules`.
 */
function caseViewRoute(store: FirestoreCaseStore): DevRoute {
  return async (req, res, url) => {
    const match = /^\/_dev\/cases\/([^/]+)$/.exec(url.pathname);
    if (!match?.[1] || req.method !== 'GET') return false;
    const caseId = decodeURIComponent(match[1]);
    const found = await store.getCase(caseId);
    if (!found) sendJson(res, 404, { error: { code: 'unknown_case', message: `No case ${caseId}` } });
    else sendJson(res, 200, { caseId, case: found, timeline: await store.timeline(caseId) });
    return true;
  };
}

/** Deploys every `workflows/*.workflows.yaml` to the local runner under its file name, with the official client. */
async function deployWorkflows(runnerUrl: string, projectId: string, location: string): Promise<void> {
  const dir = join(import.meta.dirname, '..', 'workflows');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.workflows.yaml'));
  const client = createLocalWorkflowsClient(runnerUrl);
  try {
    for (const file of files) {
      const workflowId = file.replace('.workflows.yaml', '');
      const sourceContents = await readFile(join(dir, file), 'utf8');
      try {
        const [op] = await client.createWorkflow({ parent: `projects/${projectId}/locations/${location}`, workflowId, workflow: { sourceContents } });
        await op.promise();
      } catch (e) {
        throw new Error(`deploying ${file} to the local Workflows runner failed: ${(e as Error).message}`);
      }
    }
  } finally {
    await client.close();
  }
}

/**
 * The router listens before the functions are registered (its URL goes into their config), and
 * answers 503 until `handle()` gives it the real handler.
 */
async function listen(port: number) {
  let handler: Server | undefined;
  // Requests being answered (pushes, partner callbacks, workflow steps): advancing the clock waits for them.
  let inFlight = 0;
  const server = createServer((req, res) => {
    // Not the clock's own endpoint: it is the one waiting.
    if (!req.url?.startsWith('/_dev/clock')) {
      inFlight += 1;
      res.once('close', () => (inFlight -= 1));
    }
    if (handler) handler.emit('request', req, res);
    else sendJson(res, 503, { error: { code: 'starting', message: 'Tandem is starting' } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    server,
    handle: (h: Server) => (handler = h),
    inFlight: () => inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const addressPort = (server: Server): number => {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
};
