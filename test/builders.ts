import { z } from 'zod';
import { Case, Escalation, Org, Partner, Sla, TimelineEvent, type Approach, type CaseStatus } from '../functions/src/domain/case-model.js';
import { DEFAULT_FIRST_RESPONSE_MINUTES, firstResponseTargetMinutes, partnerAckMinutes } from '../functions/src/domain/sla-policy.js';
import { TRIAGE_RULES } from '../functions/src/domain/triage-classification.js';

/**
 * Builders for the domain's records, shared by the unit, integration and end-to-end tests and the
 * benchmarks. Each returns a record its zod schema accepts (functions/src/domain/case-model.ts) and
 * parses what it built, so an override that makes an invalid record fails where it is built, naming
 * the builder, instead of somewhere in the code under test. Overrides replace whole fields: a test
 * whose point is a particular value passes it, even when it is the default today.
 *
 * Times default to {@link T0}; the integration harness's frozen clock starts there too.
 */
export const T0 = '2026-11-23T09:00:00.000Z';

/** `minutes` after `from` (default {@link T0}), as the ISO string the records hold. */
export const minutesAfter = (minutes: number, from: string = T0): string => new Date(Date.parse(from) + minutes * 60_000).toISOString();

function valid<S extends z.ZodType>(schema: S, builder: string, value: z.input<S>): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new Error(`${builder}() built an invalid record:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** An org on Premium Support (entitled to third-party technology support). */
export const anOrg = (overrides: Partial<Org> = {}): Org => valid(Org, 'anOrg', { name: 'Globex', supportPlan: 'premium', ...overrides });

/** A technology partner like the demo's NetApp: 30 minutes to acknowledge a P1, a ladder of two contacts. */
export const aPartner = (overrides: Partial<Partner> = {}): Partner =>
  valid(Partner, 'aPartner', {
    name: 'NetApp',
    vendors: ['NetApp'],
    products: ['Cloud Volumes ONTAP'],
    webhookUrl: 'https://netapp.example/tandem',
    ackTargetsMinutes: { P1: 30 },
    escalationLadder: [
      { name: 'Escalation desk', email: 'desk@netapp.example' },
      { name: 'Escalation manager', email: 'manager@netapp.example' },
    ],
    ...overrides,
  });

/**
 * A first-response clock started at `raisedAt`, running: nobody has responded, it is not paused,
 * no warning yet. Premium P2's 120 minutes unless `targetMinutes` says otherwise, and due that long
 * after `raisedAt` unless `firstResponseDueAt` says otherwise.
 */
export function anSla(overrides: Partial<Sla> = {}, raisedAt: string = T0): Sla {
  const targetMinutes = overrides.targetMinutes ?? 120;
  return valid(Sla, 'anSla', {
    targetMinutes,
    firstResponseDueAt: minutesAfter(targetMinutes, raisedAt),
    firstRespondedAt: null,
    pausedMinutes: 0,
    pausedSince: null,
    warned: false,
    breached: false,
    ...overrides,
  });
}

/** One `escalate` delivery's claim (`claim-1`), taken at `at`: no execution has recorded itself yet. */
export function aClaimedEscalation(overrides: Partial<Escalation> = {}, at: string = T0): Escalation {
  return valid(Escalation, 'aClaimedEscalation', {
    claimId: 'claim-1',
    claimedAt: at,
    executionId: null,
    callbackUrl: null,
    level: 0,
    ackDueAt: null,
    partnerTicketId: null,
    requestedAt: at,
    acknowledgedAt: null,
    lastPartnerUpdateAt: null,
    lastNudgedAt: null,
    outcome: null,
    endedAt: null,
    ...overrides,
  });
}

/**
 * An escalation waiting for the partner: claimed at `at`, its execution (`exec-1`) recorded, the
 * partner asked (level 0) and due to acknowledge within the default target for a P2 (120 minutes).
 * No `callbackUrl`, so a partner callback is not forwarded to a workflow: pass one to test that.
 */
export function anEscalation(overrides: Partial<Escalation> = {}, at: string = T0): Escalation {
  return valid(Escalation, 'anEscalation', {
    ...aClaimedEscalation({}, at),
    executionId: 'exec-1',
    ackDueAt: minutesAfter(partnerAckMinutes('P2'), at),
    ...overrides,
  });
}

/** An escalation the partner acknowledged at `at` (ticket `NETAPP-1`): the acknowledgement window is over. */
export function anAcknowledgedEscalation(overrides: Partial<Escalation> = {}, at: string = T0): Escalation {
  return valid(Escalation, 'anAcknowledgedEscalation', {
    ...anEscalation({}, at),
    ackDueAt: null,
    partnerTicketId: 'NETAPP-1',
    acknowledgedAt: at,
    lastPartnerUpdateAt: at,
    outcome: 'acknowledged',
    endedAt: at,
    ...overrides,
  });
}

/** What a case is about, and where triage sent it, by approach. */
type Story = Pick<Case, 'subject' | 'product' | 'vendor' | 'triage' | 'partnerId' | 'queue'>;
const STORIES: Record<Approach, Story> = {
  collaborative: {
    subject: 'Volumes read-only',
    product: 'Cloud Volumes ONTAP',
    vendor: 'NetApp',
    triage: { rule: TRIAGE_RULES.partnerVendor, matched: { kind: 'partner', id: 'netapp', name: 'NetApp' } },
    partnerId: 'netapp',
    queue: 'partner-netapp',
  },
  workload: {
    subject: 'Replication lag on the primary',
    product: 'PostgreSQL',
    vendor: 'PostgreSQL',
    triage: { rule: TRIAGE_RULES.workloadProduct, matched: { kind: 'workload', id: 'postgresql', name: 'PostgreSQL' } },
    partnerId: null,
    queue: 'workload-databases',
  },
  third_party_vendor: {
    subject: 'WidgetDB crashes on start',
    product: 'WidgetDB',
    vendor: 'Acme Widgets GmbH',
    triage: { rule: TRIAGE_RULES.fallback, matched: null },
    partnerId: null,
    queue: 'third-party-vendor',
  },
};

/** The approach of a case that rests in each status: only a collaborative case waits in `triaged`. */
const APPROACH: Record<CaseStatus, Approach | null> = {
  received: null,
  triaged: 'collaborative',
  awaiting_partner: 'collaborative',
  partner_engaged: 'collaborative',
  in_progress: 'workload',
  awaiting_customer: 'workload',
  resolved: 'workload',
  referred_to_vendor: 'third_party_vendor',
  closed: 'workload',
};

/** How many commits got the case there (the store raises the version once per commit): intake, classify, prioritize, route, then one per step. */
const VERSION: Record<CaseStatus, number> = {
  received: 1,
  triaged: 4,
  awaiting_partner: 6,
  partner_engaged: 7,
  in_progress: 4,
  awaiting_customer: 5,
  resolved: 5,
  referred_to_vendor: 5,
  closed: 6,
};

/** Statuses the customer has heard from someone by (DESIGN.md's first responses; a closed case was resolved first). */
const RESPONDED: readonly CaseStatus[] = ['partner_engaged', 'awaiting_customer', 'resolved', 'referred_to_vendor', 'closed'];

function buildCase(builder: string, status: CaseStatus, overrides: Partial<Case>): Case {
  const plan = overrides.plan ?? 'premium';
  const priority = overrides.priority ?? 'P2';
  const createdAt = overrides.createdAt ?? T0;
  const statusChangedAt = overrides.statusChangedAt ?? createdAt;
  const approach = overrides.approach !== undefined ? overrides.approach : APPROACH[status];
  const story = STORIES[approach ?? 'collaborative'];
  const target = firstResponseTargetMinutes(DEFAULT_FIRST_RESPONSE_MINUTES, plan, priority);
  const sla =
    status === 'received' || target === undefined
      ? null
      : anSla(
          {
            targetMinutes: target,
            firstRespondedAt: RESPONDED.includes(status) ? statusChangedAt : null,
            pausedSince: status === 'awaiting_customer' ? statusChangedAt : null,
          },
          createdAt,
        );
  const escalation =
    status === 'awaiting_partner'
      ? anEscalation({ ackDueAt: minutesAfter(partnerAckMinutes(priority), statusChangedAt) }, statusChangedAt)
      : status === 'partner_engaged'
        ? anAcknowledgedEscalation({}, statusChangedAt)
        : null;
  return valid(Case, builder, {
    orgId: 'org-premium',
    plan,
    contact: { name: 'Ada', email: 'ada@globex.example' },
    subject: story.subject,
    description: 'Details.',
    product: story.product,
    vendor: story.vendor,
    priority,
    requestedPriority: priority,
    environment: 'production',
    googleCloudProjectId: null,
    status,
    resumeStatus: status === 'awaiting_customer' ? 'in_progress' : null,
    approach,
    triage: approach === null ? null : story.triage,
    partnerId: approach === null ? null : story.partnerId,
    queue: status === 'received' ? null : story.queue,
    sla,
    escalation,
    // The store sets it on every write (followup-policy.ts); a test that needs it set passes it.
    nextActionAt: null,
    statusChangedAt,
    createdAt,
    updatedAt: statusChangedAt,
    version: VERSION[status],
    ...overrides,
  });
}

/**
 * A case in `status` whose other fields agree with it, as the pipeline would have left it: a
 * received case is unclassified, with no SLA clock; from triage on it has its triage, queue and
 * first-response clock (premium P2 unless `plan` or `priority` says otherwise, started at
 * `createdAt`), stopped once the customer heard from someone and paused while awaiting the customer;
 * an awaiting_partner case has an escalation with its execution and acknowledgement deadline, a
 * partner_engaged one an acknowledged escalation. Triaged and partner cases are NetApp's
 * (collaborative), the others a PostgreSQL workload case, a referred one a third-party vendor's;
 * `approach` picks another. `plan`, `priority`, `createdAt` and `statusChangedAt` overrides move what
 * follows from them; every other override just replaces its field. `nextActionAt` stays `null`.
 */
export const aCaseIn = (status: CaseStatus, overrides: Partial<Case> = {}): Case => buildCase('aCaseIn', status, overrides);

/**
 * The default case, `aCaseIn('in_progress')`, with `overrides` laid over it. A `status` override
 * changes nothing else: this is the builder for a case whose point is an odd combination (another
 * status with an in_progress case's fields, a field removed). For a consistent case use {@link aCaseIn}.
 */
export const aCase = (overrides: Partial<Case> = {}): Case => buildCase('aCase', 'in_progress', overrides);

/** A public timeline entry: the customer's case, received at {@link T0}. */
export const anEvent = (overrides: Partial<TimelineEvent> = {}): TimelineEvent =>
  valid(TimelineEvent, 'anEvent', {
    type: 'case_received',
    at: T0,
    actor: { kind: 'customer', id: 'ada@globex.example' },
    data: {},
    internal: false,
    ...overrides,
  });

/**
 * The first event of a case a test stores itself instead of through intake: internal, by a system
 * actor that is not Tandem's own (`tandem`), so it is not counted among the follow-ups on a timeline.
 */
export const aSeedEvent = (at: string = T0): TimelineEvent => anEvent({ type: 'case_received', at, actor: { kind: 'system', id: 'test' }, internal: true });

/**
 * What a person posts to `POST /cases`: a valid body for Globex's org-premium (JSON, not parsed
 * here: the tests that use it are about what intake makes of it, invalid overrides included).
 */
export const aSubmission = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  orgId: 'org-premium',
  contact: { name: 'Ada Lovelace', email: 'ada@globex.example' },
  subject: 'Volumes go read-only after failover',
  description: 'After a zone failover, CVO volumes mount read-only on the GKE nodes.',
  product: 'NetApp Cloud Volumes ONTAP',
  vendor: 'NetApp',
  priority: 'P1',
  environment: 'production',
  ...overrides,
});
