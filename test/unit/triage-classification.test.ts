import { describe, expect, it } from 'vitest';
import { companyKey, containsName, sameCompany } from '../../functions/src/domain/name-matching.js';
import { classifyCase, TRIAGE_RULES } from '../../functions/src/domain/triage-classification.js';
import { DEMO_WORKLOADS, demoPartners } from '../../dev/seed-data.js';
import { aPartner } from '../builders.js';

const partners = Object.entries(demoPartners('http://partners.test')).map(([id, record]) => ({ id, record }));
const workloads = Object.entries(DEMO_WORKLOADS).map(([id, record]) => ({ id, record }));

describe('companyKey drops case, punctuation and legal forms', () => {
  it.each([
    ['NetApp, Inc.', 'netapp'],
    ['NETAPP INC', 'netapp'],
    ['netapp', 'netapp'],
    ['Palo Alto Networks, Inc.', 'palo alto networks'],
    ['SAP SE', 'sap'],
    ['Elastic N.V.', 'elastic'],
    ['Elasticsearch B.V.', 'elasticsearch'],
    ['Confluent, Inc.', 'confluent'],
    ['MongoDB Inc', 'mongodb'],
    ['Société Générale S.A.', 'societe generale'],
    ['AT&T', 'at and t'],
    ['Co', 'co'],
  ])('%s → %s', (name, key) => expect(companyKey(name)).toBe(key));
});

describe('sameCompany', () => {
  it.each([
    ['NetApp, Inc.', 'netapp', true],
    ['Net App', 'NetApp', true],
    ['Mongo DB, Inc.', 'MongoDB', true],
    ['NetApp', 'NetApps', false],
    ['SAP', 'SAS', false],
    ['', '', false],
  ])('%s vs %s → %s', (a, b, same) => expect(sameCompany(a, b)).toBe(same));
});

describe('containsName matches whole words in order', () => {
  it.each([
    ['NetApp Cloud Volumes ONTAP 9.14', 'Cloud Volumes ONTAP', true],
    ['cloud-volumes-ontap', 'Cloud Volumes ONTAP', true],
    ['Apache Spark 3.5 on Dataproc', 'Spark', true],
    ['Sparkle CRM', 'Spark', false],
    ['Self-managed Postgres 15', 'Postgres', true],
    ['PostgreSQL', 'Postgres', false],
    ['Mongo DB Atlas', 'MongoDB Atlas', true],
    ['Atlas MongoDB', 'MongoDB Atlas', false],
    ['anything', '', false],
  ])('%s contains %s → %s', (haystack, needle, found) => expect(containsName(haystack, needle)).toBe(found));
});

describe('classifyCase with the demo registry', () => {
  it.each([
    // vendor spellings a customer really types
    ['NetApp, Inc.', 'Cloud Volumes ONTAP', 'collaborative', TRIAGE_RULES.partnerVendor, 'netapp'],
    ['netapp', 'something else', 'collaborative', TRIAGE_RULES.partnerVendor, 'netapp'],
    ['NETAPP INC', 'ONTAP', 'collaborative', TRIAGE_RULES.partnerVendor, 'netapp'],
    ['Palo Alto Networks, Inc.', 'VM-Series firewall', 'collaborative', TRIAGE_RULES.partnerVendor, 'palo-alto-networks'],
    ['PANW', 'NGFW', 'collaborative', TRIAGE_RULES.partnerVendor, 'palo-alto-networks'],
    ['Elasticsearch B.V.', 'Elastic Cloud', 'collaborative', TRIAGE_RULES.partnerVendor, 'elastic'],
    ['SAP SE', 'S/4HANA', 'collaborative', TRIAGE_RULES.partnerVendor, 'sap'],
    // the vendor field is wrong or a reseller, the product names a partner product
    ['Our reseller Ltd', 'MongoDB Atlas M30', 'collaborative', TRIAGE_RULES.partnerProduct, 'mongodb'],
    ['unknown', 'confluent platform 7.6', 'collaborative', TRIAGE_RULES.partnerProduct, 'confluent'],
    // in-house workload expertise
    ['The PostgreSQL Global Development Group', 'Postgres 15 on Compute Engine', 'workload', TRIAGE_RULES.workloadProduct, 'postgresql'],
    ['Open source', 'ingress-nginx controller', 'workload', TRIAGE_RULES.workloadProduct, 'nginx'],
    ['Microsoft Corporation', 'SQL Server 2022 Enterprise', 'workload', TRIAGE_RULES.workloadProduct, 'sql-server'],
    ['Red Hat, Inc.', 'RHEL 9', 'workload', TRIAGE_RULES.workloadProduct, 'red-hat-enterprise-linux'],
    ['PostgreSQL', 'our database', 'workload', TRIAGE_RULES.workloadVendor, 'postgresql'],
  ] as const)('vendor %s, product %s → %s by %s (%s)', (vendor, product, approach, rule, id) => {
    const result = classifyCase({ vendor, product }, partners, workloads);
    expect(result.approach).toBe(approach);
    expect(result.triage.rule).toBe(rule);
    expect(result.triage.matched?.id).toBe(id);
    expect(result.partnerId).toBe(approach === 'collaborative' ? id : null);
  });

  it.each([
    ['Acme Widgets GmbH', 'WidgetDB 3'],
    ['Microsoft', 'Dynamics 365'],
    ['Sparkle Inc.', 'Sparkle CRM'],
  ])('falls back to third-party vendor support for %s %s, with nothing matched', (vendor, product) => {
    expect(classifyCase({ vendor, product }, partners, workloads)).toEqual({
      approach: 'third_party_vendor',
      triage: { rule: TRIAGE_RULES.fallback, matched: null },
      partnerId: null,
    });
  });

  it('prefers the partner over in-house expertise when both match', () => {
    const withKafkaPartner = [...partners, { id: 'kafka-co', record: aPartner({ name: 'Kafka Co', vendors: ['Kafka Co'], products: ['Apache Kafka'] }) }];
    expect(classifyCase({ vendor: 'Apache', product: 'Apache Kafka 3.7' }, withKafkaPartner, workloads).approach).toBe('collaborative');
  });
});
