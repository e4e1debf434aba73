import type { Firestore } from '@google-cloud/firestore';
import type { Approach, Case, CaseStatus, CaseSubmission, Priority } from '../functions/src/domain/case-model.js';
import { idTokenFor } from './auth-emulator-api.js';
import { eventually } from './eventually.js';
import { DEMO_ORGS, DEMO_USERS } from './seed-data.js';

/**
 * The cases `npm start` opens so that whoever signs in finds work: each through the real intake
 * endpoint (`POST /cases`), as one of the demo customers, with the ID token the Authentication
 * emulator gives that customer on signing in (as `npm run token` gets it). Only when the project has
 * no case yet, so a restarted stack on its old data opens nothing twice. The tests never open them:
 * only dev/start.ts asks for them (`startLocalStack({ demoCases: true })`).
 *
 * Each is meant to land somewhere different, and says where: the approach, partner or technology,
 * queue, priority and status triage gives it (dev/seed-data.ts holds the partners and the workload
 * catalog that decide it; test/e2e/demo-cases.test.ts checks every one).
 */
export interface DemoCase {
  /** The Idempotency-Key it is opened with (intake scopes keys by org). */
  key: string;
  /** The demo customer who opens it (dev/seed-data.ts DEMO_USERS); their org must be on an entitled plan. */
  customer: string;
  submission: Omit<CaseSubmission, 'orgId' | 'contact'>;
  /** Where triage puts it. */
  lands: {
    approach: Approach;
    rule: string;
    /** The matched partner or workload technology's ID; null for third-party vendor support. */
    matched: string | null;
    partnerId: string | null;
    queue: string;
    priority: Priority;
    /** The status once triage and (for a partner) the escalation's first step are done. */
    status: CaseStatus;
  };
  /** What happens to it next, for the banner. */
  next: string;
}

export const DEMO_CASES: readonly DemoCase[] = [
  {
    key: 'demo-netapp-failover',
    customer: 'peter@initech.example',
    submission: {
      subject: 'Volumes read-only after failover',
      description: 'After a planned failover of our Cloud Volumes ONTAP HA pair, the NFS volumes mount read-only on every GKE node. Payments batch jobs are down.',
      product: 'Cloud Volumes ONTAP',
      vendor: 'NetApp',
      priority: 'P1',
      environment: 'production',
      googleCloudProjectId: 'initech-payments-prod',
    },
    lands: { approach: 'collaborative', rule: 'vendor_is_partner', matched: 'netapp', partnerId: 'netapp', queue: 'partner-netapp', priority: 'P1', status: 'awaiting_partner' },
    next: 'NetApp acknowledges a minute after it is opened, and resolves it 30 minutes later',
  },
  {
    key: 'demo-confluent-lag',
    customer: 'gavin@hooli.example',
    submission: {
      subject: 'Consumer lag keeps growing after the broker upgrade',
      description: 'Since upgrading Confluent Platform brokers to 7.6 on Compute Engine, consumer lag on the video-events topic grows by about a million messages an hour.',
      product: 'Confluent Platform',
      vendor: 'Confluent',
      priority: 'P2',
      environment: 'production',
    },
    lands: { approach: 'collaborative', rule: 'vendor_is_partner', matched: 'confluent', partnerId: 'confluent', queue: 'partner-confluent', priority: 'P2', status: 'awaiting_partner' },
    next: "on Confluent's desk: Confluent never answers, so its 90-minute acknowledgement window runs and the ladder climbs",
  },
  {
    key: 'demo-mongodb-staging',
    customer: 'ada@globex.example',
    submission: {
      subject: 'Atlas cluster refuses connections from the staging VPC',
      description: 'Our staging services on GKE time out connecting to the MongoDB Atlas cluster over VPC peering since this morning. Nothing changed on our side.',
      product: 'MongoDB Atlas',
      vendor: 'MongoDB',
      priority: 'P1',
      environment: 'non_production',
    },
    lands: { approach: 'collaborative', rule: 'vendor_is_partner', matched: 'mongodb', partnerId: 'mongodb', queue: 'partner-mongodb', priority: 'P2', status: 'awaiting_partner' },
    next: 'a P1 outside production, so triage made it P2; MongoDB acknowledges after 2 minutes',
  },
  {
    key: 'demo-postgresql-replica',
    customer: 'ada@globex.example',
    submission: {
      subject: 'PostgreSQL replica on GKE falls hours behind',
      description: 'A streaming replica of our self-managed PostgreSQL 16 on GKE (a StatefulSet on pd-ssd) falls hours behind its primary during the nightly load.',
      product: 'PostgreSQL 16',
      vendor: 'PostgreSQL Global Development Group',
      priority: 'P3',
      environment: 'production',
    },
    lands: { approach: 'workload', rule: 'product_in_workload_catalog', matched: 'postgresql', partnerId: null, queue: 'workload-databases', priority: 'P3', status: 'in_progress' },
    next: 'for the Databases queue: Customer Care handles it in house',
  },
  {
    key: 'demo-grafana-question',
    customer: 'gavin@hooli.example',
    submission: {
      subject: 'Can Grafana Enterprise read Cloud Monitoring metrics across projects?',
      description: 'We would like one Grafana Enterprise dashboard over the metrics of our 40 projects. Is there a supported way to do this with the Cloud Monitoring data source?',
      product: 'Grafana Enterprise',
      vendor: 'Grafana Labs',
      priority: 'P4',
      environment: 'non_production',
    },
    lands: { approach: 'third_party_vendor', rule: 'no_partner_or_workload_match', matched: null, partnerId: null, queue: 'third-party-vendor', priority: 'P4', status: 'in_progress' },
    next: 'no partner or catalog entry: commercially reasonable effort, then an engineer may refer it to Grafana Labs',
  },
];

export interface OpenedDemoCase {
  demo: DemoCase;
  caseId: string;
  /** Its status when the stack started: `lands.status` once triage is done. */
  status: CaseStatus;
}

export type DemoCasesOutcome = { opened: OpenedDemoCase[] } | { skipped: string } | { failed: string };

/**
 * Opens the demo cases unless the project already has a case, then waits (up to `settleMs`) for
 * each to reach the status triage should give it, so that the banner can say where each landed.
 */
export async function openDemoCases(options: {
  url: string;
  db: Firestore;
  authHost: string;
  projectId: string;
  cases?: readonly DemoCase[];
  settleMs?: number;
}): Promise<DemoCasesOutcome> {
  const { url, db, authHost, projectId, cases = DEMO_CASES, settleMs = 20_000 } = options;
  if (!(await db.collection('cases').limit(1).get()).empty) return { skipped: 'the project already has cases' };

  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (email: string) => {
    if (!tokens.has(email)) tokens.set(email, idTokenFor({ authHost, projectId, email }).then((signedIn) => signedIn.idToken));
    return tokens.get(email)!;
  };
  const opened: { demo: DemoCase; caseId: string }[] = [];
  // One after another: the cases' order of arrival is the order of this list.
  for (const demo of cases) {
    const response = await fetch(`${url}/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokenOf(demo.customer)}`, 'idempotency-key': demo.key },
      // A customer leaves out the org and the contact: intake takes both from the token.
      body: JSON.stringify(demo.submission),
    });
    const body = (await response.json().catch(() => ({}))) as { caseId?: string; error?: { code?: string; message?: string } };
    if (!response.ok || !body.caseId) {
      return { failed: `intake answered ${response.status} ${body.error?.code ?? ''} for the demo case ${demo.key} (${demo.customer}): ${body.error?.message ?? 'no caseId'}` };
    }
    opened.push({ demo, caseId: body.caseId });
  }

  const statusOf = async (caseId: string) => ((await db.collection('cases').doc(caseId).get()).data() as Case | undefined)?.status ?? 'received';
  await eventually(async () => ((await Promise.all(opened.map(async ({ demo, caseId }) => (await statusOf(caseId)) === demo.lands.status))).every(Boolean) ? true : undefined), settleMs).catch(() => {
    // Not landed in time: the banner shows each case's status as it is.
  });
  return { opened: await Promise.all(opened.map(async ({ demo, caseId }) => ({ demo, caseId, status: await statusOf(caseId) }))) };
}

const APPROACH_NAMES: Record<Approach, string> = { collaborative: 'collaborative', workload: 'workload', third_party_vendor: 'third-party vendor' };

/** The banner's lines for the demo cases: who opened each, where it landed, what comes next, its page. */
export function demoCasesBanner(outcome: DemoCasesOutcome, url: string): string {
  if ('skipped' in outcome) return `Demo cases: none opened (${outcome.skipped}).`;
  if ('failed' in outcome) return `Demo cases: could not be opened: ${outcome.failed}`;
  const lines = outcome.opened.map(({ demo, caseId, status }) => {
    const landed = status === demo.lands.status ? status : `${status}, on its way to ${demo.lands.status}`;
    const user = DEMO_USERS.find((u) => u.email === demo.customer);
    const org = user?.claims.role === 'customer' ? DEMO_ORGS[user.claims.org]?.name : undefined;
    return [
      `  ${demo.lands.priority} ${demo.submission.subject}`,
      `     by ${user?.name ?? demo.customer}${org ? ` of ${org}` : ''} (${demo.customer}); ${APPROACH_NAMES[demo.lands.approach]}, queue ${demo.lands.queue}, ${landed}: ${demo.next}`,
      `     ${url}/app/cases/${caseId}`,
    ].join('\n');
  });
  return `Demo cases, opened through POST /cases as their customers (sign in as the customer, an engineer or the partner):\n${lines.join('\n')}`;
}
