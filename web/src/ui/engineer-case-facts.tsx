import type { ComponentChildren } from 'preact';
import type { Org, Triage } from '../../../functions/src/domain/case-model.js';
import type { TRIAGE_RULES } from '../../../functions/src/domain/triage-classification.js';
import type { CaseRecord } from '../firebase.js';
import { APPROACH_WORDS, priorityShort, timeWords } from '../model/words.js';
import type { Assignee } from './engineer-data.js';

type TriageRule = (typeof TRIAGE_RULES)[keyof typeof TRIAGE_RULES];

/** Why triage chose the approach, in a sentence for each of its rules (triage-classification.ts). */
const RULE_WORDS: Record<TriageRule, (c: CaseRecord, matched: string) => string> = {
  vendor_is_partner: (c, m) => `The vendor, “${c.vendor}”, is ${m}: a technology partner with a collaboration agreement.`,
  product_is_partner_product: (c, m) => `The product, “${c.product}”, is one of ${m}’s: a technology partner with a collaboration agreement.`,
  product_in_workload_catalog: (c, m) => `The product, “${c.product}”, is ${m}: a workload technology Customer Care supports in house.`,
  vendor_in_workload_catalog: (c, m) => `The vendor, “${c.vendor}”, names ${m}: a workload technology Customer Care supports in house.`,
  no_partner_or_workload_match: (c) =>
    `Neither a technology partner nor a workload technology matched “${c.product}” by “${c.vendor}”: commercially reasonable effort, and a referral to the vendor if the problem lies in their product.`,
};

export function triageWords(c: CaseRecord, triage: Triage | null): string {
  if (!triage) return 'Triage has not decided yet.';
  const words = RULE_WORDS[triage.rule as TriageRule];
  return words ? words(c, triage.matched?.name ?? 'the match') : `Triage’s rule: ${triage.rule.replaceAll('_', ' ')}.`;
}

const PRIORITY_REASONS: Record<string, string> = {
  p1_outside_production: 'P1 is for production: triage lowered it outside production',
};

/** The case's people, product and routing, as a definition list. */
export function CaseFacts(props: { c: CaseRecord; org: Org | null | undefined; queueName: string | null; assignee: Assignee | null | undefined; me: string; now: Date }) {
  const { c, now } = props;
  const lowered = c.requestedPriority !== c.priority ? ` (the customer asked for ${c.requestedPriority}${c.environment === 'production' ? '' : `; ${PRIORITY_REASONS.p1_outside_production}`})` : '';
  const facts: [string, ComponentChildren][] = [
    ['Organization', props.org === undefined ? '…' : props.org ? `${props.org.name} (${props.org.supportPlan.replaceAll('_', ' ')} plan)` : c.orgId],
    [
      'Contact',
      <>
        {c.contact.name} · <a href={`mailto:${c.contact.email}`}>{c.contact.email}</a>
      </>,
    ],
    ['Product', `${c.product}, by ${c.vendor}`],
    ['Environment', `${c.environment === 'production' ? 'Production' : 'Not production'}${c.googleCloudProjectId ? `, project ${c.googleCloudProjectId}` : ''}`],
    ['Priority', `${priorityShort(c.priority)}${lowered}`],
    ['Queue', props.queueName ?? 'Not routed yet'],
    ['Assigned to', props.assignee === undefined ? '…' : props.assignee ? `${props.assignee.uid === props.me ? 'You, ' : ''}${props.assignee.name}${props.assignee.email ? ` (${props.assignee.email})` : ''}` : 'Nobody yet'],
    ['Opened', <time dateTime={c.createdAt}>{timeWords(c.createdAt, now)}</time>],
    ['Case ID', <code class="case-id">{c.id}</code>],
  ];
  return (
    <section class="panel" aria-labelledby="facts-title">
      <h2 id="facts-title">About the case</h2>
      <dl class="facts">
        {facts.map(([term, value]) => (
          <div key={term} class="facts__item">
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <h3>The problem, as the customer put it</h3>
      <p class="case-description">{c.description}</p>
      <h3>Triage</h3>
      <p>
        <strong>{c.approach ? APPROACH_WORDS[c.approach] : 'Not triaged yet'}.</strong> {triageWords(c, c.triage)}
      </p>
    </section>
  );
}
