import type { Org, Partner, Queue, WorkloadTechnology } from '../functions/src/domain/case-model.js';
import type { TandemClaims } from './claims.js';

/**
 * The demo data `npm start` seeds: an org on every plan, technology partners with collaboration
 * agreements, the workload catalog and (at the end of this file) the demo users. IDs are stable so the
 * README can name them.
 */
export const DEMO_ORGS: Record<string, Org> = {
  'org-acme-basic': { name: 'Acme Retail', supportPlan: 'basic' },
  'org-umbrella-standard': { name: 'Umbrella Logistics', supportPlan: 'standard' },
  'org-globex-enhanced': { name: 'Globex Manufacturing', supportPlan: 'enhanced' },
  'org-initech-premium': { name: 'Initech Bank', supportPlan: 'premium' },
  'org-hooli-partner-premium': { name: 'Hooli Media', supportPlan: 'partner_premium' },
};

/** Partner webhooks point at the partner simulator the local stack serves. */
export function demoPartners(baseUrl: string): Record<string, Partner> {
  const webhook = (id: string) => `${baseUrl}/_dev/partner-simulator/${id}/webhook`;
  const ladder = (domain: string) => [
    { name: 'Escalation desk', email: `escalations@${domain}`, role: 'escalation_contact' },
    { name: 'Escalation manager', email: `escalation-manager@${domain}`, role: 'escalation_manager' },
  ];
  return {
    netapp: {
      name: 'NetApp',
      vendors: ['NetApp', 'NetApp Inc.'],
      products: ['Cloud Volumes ONTAP', 'NetApp Volumes', 'ONTAP'],
      webhookUrl: webhook('netapp'),
      ackTargetsMinutes: { P1: 30 },
      escalationLadder: ladder('netapp.example'),
    },
    mongodb: {
      name: 'MongoDB',
      vendors: ['MongoDB', 'MongoDB Inc.'],
      products: ['MongoDB Atlas', 'MongoDB Enterprise Advanced'],
      webhookUrl: webhook('mongodb'),
      ackTargetsMinutes: {},
      escalationLadder: ladder('mongodb.example'),
    },
    confluent: {
      name: 'Confluent',
      vendors: ['Confluent', 'Confluent, Inc.'],
      products: ['Confluent Cloud', 'Confluent Platform'],
      webhookUrl: webhook('confluent'),
      ackTargetsMinutes: { P1: 45, P2: 90 },
      escalationLadder: ladder('confluent.example'),
    },
    elastic: {
      name: 'Elastic',
      vendors: ['Elastic', 'Elastic N.V.', 'Elasticsearch B.V.'],
      products: ['Elastic Cloud', 'Elasticsearch'],
      webhookUrl: webhook('elastic'),
      ackTargetsMinutes: {},
      escalationLadder: ladder('elastic.example').slice(0, 1),
    },
    'palo-alto-networks': {
      name: 'Palo Alto Networks',
      vendors: ['Palo Alto Networks', 'Palo Alto Networks, Inc.', 'PANW'],
      products: ['VM-Series', 'Prisma Cloud'],
      webhookUrl: webhook('palo-alto-networks'),
      ackTargetsMinutes: {},
      escalationLadder: ladder('paloaltonetworks.example'),
    },
    sap: {
      name: 'SAP',
      vendors: ['SAP', 'SAP SE'],
      products: ['SAP HANA', 'SAP S/4HANA'],
      webhookUrl: webhook('sap'),
      ackTargetsMinutes: { P1: 20 },
      escalationLadder: ladder('sap.example'),
    },
  };
}

/** Technologies Customer Care supports in house (the workload-centric approach). */
export const DEMO_WORKLOADS: Record<string, WorkloadTechnology> = {
  postgresql: { name: 'PostgreSQL', aliases: ['Postgres', 'psql', 'PostgreSQL Server'], queue: 'workload-databases' },
  mysql: { name: 'MySQL', aliases: ['MySQL Community Server', 'MariaDB'], vendor: 'Oracle', queue: 'workload-databases' },
  redis: { name: 'Redis', aliases: ['Redis OSS', 'Valkey'], queue: 'workload-databases' },
  kubernetes: { name: 'Kubernetes', aliases: ['k8s', 'Kubernetes Engine', 'kubectl'], queue: 'workload-containers' },
  nginx: { name: 'NGINX', aliases: ['nginx open source', 'ingress-nginx'], queue: 'workload-web' },
  'apache-kafka': { name: 'Apache Kafka', aliases: ['Kafka'], vendor: 'Apache Software Foundation', queue: 'workload-data' },
  'apache-spark': { name: 'Apache Spark', aliases: ['Spark', 'PySpark'], vendor: 'Apache Software Foundation', queue: 'workload-data' },
  'windows-server': { name: 'Windows Server', aliases: ['Microsoft Windows Server'], vendor: 'Microsoft', queue: 'workload-os' },
  'red-hat-enterprise-linux': { name: 'Red Hat Enterprise Linux', aliases: ['RHEL'], vendor: 'Red Hat', queue: 'workload-os' },
  'sql-server': { name: 'Microsoft SQL Server', aliases: ['SQL Server', 'MSSQL'], vendor: 'Microsoft', queue: 'workload-databases' },
  terraform: { name: 'Terraform', aliases: ['HashiCorp Terraform', 'OpenTofu'], vendor: 'HashiCorp', queue: 'workload-devops' },
};

/**
 * Every queue triage can put a demo case in (`queueFor`, functions/src/domain/triage-steps.ts): one per
 * demo partner, each workload queue of the catalog, `workload-general` for a workload case without
 * one, and `third-party-vendor`. A test checks that none is missing.
 */
export function demoQueues(): Record<string, Queue> {
  const queues: Record<string, Queue> = {};
  // The webhook URLs do not matter here: only the partners' IDs and names.
  for (const [id, partner] of Object.entries(demoPartners('http://127.0.0.1'))) {
    queues[`partner-${id}`] = { name: `${partner.name} collaboration`, email: `partner-${id}@support.tandem.example` };
  }
  return { ...queues, ...WORKLOAD_QUEUES };
}

const WORKLOAD_QUEUES: Record<string, Queue> = {
  'workload-databases': { name: 'Databases', email: 'databases@support.tandem.example' },
  'workload-containers': { name: 'Containers and Kubernetes', email: 'containers@support.tandem.example' },
  'workload-web': { name: 'Web servers and ingress', email: 'web@support.tandem.example' },
  'workload-data': { name: 'Data processing and streaming', email: 'data@support.tandem.example' },
  'workload-os': { name: 'Operating systems', email: 'os@support.tandem.example' },
  'workload-devops': { name: 'DevOps tooling', email: 'devops@support.tandem.example' },
  'workload-general': { name: 'Workloads (general)', email: 'workloads@support.tandem.example' },
  'third-party-vendor': { name: 'Third-party vendor support', email: 'vendor-support@support.tandem.example' },
};

/** The password of every demo user: on the Authentication emulator only, never in a real project. */
export const DEMO_PASSWORD = 'tandem-demo';

export interface DemoUser {
  /** Stable, so that tests and documents can name a user's uid. */
  uid: string;
  email: string;
  /** The ID token's `name`: what the timeline shows. */
  name: string;
  claims: TandemClaims;
}

/**
 * The people `npm start` signs in as: a customer of every demo org, two Customer Care engineers and a
 * user of every demo partner. The stack seeds them into the Authentication emulator (dev/auth-emulator-api.ts).
 */
export const DEMO_USERS: readonly DemoUser[] = [
  { uid: 'demo-customer-acme', email: 'ben@acme.example', name: 'Ben Carter', claims: { role: 'customer', org: 'org-acme-basic' } },
  { uid: 'demo-customer-umbrella', email: 'chloe@umbrella.example', name: 'Chloe Reyes', claims: { role: 'customer', org: 'org-umbrella-standard' } },
  { uid: 'demo-customer-globex', email: 'ada@globex.example', name: 'Ada Novak', claims: { role: 'customer', org: 'org-globex-enhanced' } },
  { uid: 'demo-customer-initech', email: 'peter@initech.example', name: 'Peter Gibbons', claims: { role: 'customer', org: 'org-initech-premium' } },
  { uid: 'demo-customer-hooli', email: 'gavin@hooli.example', name: 'Gavin Belson', claims: { role: 'customer', org: 'org-hooli-partner-premium' } },
  { uid: 'demo-engineer-grace', email: 'grace@tandem.example', name: 'Grace Hopper', claims: { role: 'engineer' } },
  { uid: 'demo-engineer-alan', email: 'alan@tandem.example', name: 'Alan Turing', claims: { role: 'engineer' } },
  { uid: 'demo-partner-netapp', email: 'support@netapp.example', name: 'NetApp Support', claims: { role: 'partner', partnerId: 'netapp' } },
  { uid: 'demo-partner-mongodb', email: 'support@mongodb.example', name: 'MongoDB Support', claims: { role: 'partner', partnerId: 'mongodb' } },
  { uid: 'demo-partner-confluent', email: 'support@confluent.example', name: 'Confluent Support', claims: { role: 'partner', partnerId: 'confluent' } },
  { uid: 'demo-partner-elastic', email: 'support@elastic.example', name: 'Elastic Support', claims: { role: 'partner', partnerId: 'elastic' } },
  { uid: 'demo-partner-palo-alto-networks', email: 'support@paloaltonetworks.example', name: 'Palo Alto Networks Support', claims: { role: 'partner', partnerId: 'palo-alto-networks' } },
  { uid: 'demo-partner-sap', email: 'support@sap.example', name: 'SAP Support', claims: { role: 'partner', partnerId: 'sap' } },
];
