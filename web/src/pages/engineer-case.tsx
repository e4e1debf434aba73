import type { Org, Queue } from '../../../functions/src/domain/case-model.js';
import { useApp } from '../app-context.js';
import type { Person } from '../firebase.js';
import { useNow } from '../live.js';
import { APPROACH_SHORT, PRIORITY_WORDS, statusWords } from '../model/words.js';
import { BASE, Link } from '../router.js';
import { EngineerActions } from '../ui/engineer-actions.js';
import { CaseFacts } from '../ui/engineer-case-facts.js';
import { engineeringPath, queueName, useDocument, type Assignee, type PartnerRecord } from '../ui/engineer-data.js';
import { PartnerClockView } from '../ui/engineer-partner-clock.js';
import { SlaClock } from '../ui/engineer-sla-clock.js';
import { PageHeading, Shell } from '../ui/shell.js';
import { Timeline } from '../ui/timeline.js';
import { useCasePage } from './case-page-data.js';

/**
 * The engineer's case page: the case and its people, why triage routed it where it did, the
 * first-response clock and the partner's clock drawn, the whole timeline (internal entries set
 * apart), and every action the case allows now. Everything on it is live: a customer's reply or a
 * partner's acknowledgement appears without a reload.
 */
export function EngineerCasePage(props: { person: Person; onSignOut: () => void; caseId: string }) {
  const { person } = useApp();
  const now = useNow(15_000);
  const { caseRecord, timeline } = useCasePage(props.caseId);
  const c = caseRecord.state === 'ready' ? caseRecord.value : null;
  // Every read is made on each render (hooks), with null paths until the case says what to read.
  const org = useDocument<Org>(c ? `orgs/${c.orgId}` : null);
  const queue = useDocument<Queue>(c?.queue ? `queues/${c.queue}` : null);
  const partner = useDocument<Omit<PartnerRecord, 'id'>>(c?.partnerId ? `partners/${c.partnerId}` : null);
  const engineering = useDocument<{ assignee?: Assignee | null }>(engineeringPath(props.caseId));

  if (caseRecord.state !== 'ready') {
    return (
      <Shell {...props} title="Case">
        {caseRecord.state === 'failed' ? <p role="alert">{caseRecord.message}</p> : <p class="loading">Loading the case…</p>}
      </Shell>
    );
  }
  if (!c) {
    return (
      <Shell {...props} title="No such case">
        <PageHeading>No such case</PageHeading>
        <p>
          There is no case {props.caseId}. <Link href={`${BASE}/`}>Back to the cases</Link>.
        </p>
      </Shell>
    );
  }
  const entries = timeline.state === 'ready' ? timeline.value : [];
  const assignee = engineering.state === 'ready' ? (engineering.value?.assignee ?? null) : undefined;
  const queues = new Map(queue.state === 'ready' && queue.value && c.queue ? [[`queues/${c.queue}`, queue.value]] : []);
  // Until they arrive, the org and queue show an ellipsis rather than a raw ID that then changes.
  const orgValue = org.state === 'ready' ? org.value : org.state === 'loading' ? undefined : null;
  const queueText = !c.queue ? null : queue.state === 'loading' ? '…' : queueName(c.queue, queues);
  const partnerRecord = partner.state === 'ready' && partner.value && c.partnerId ? { ...partner.value, id: c.partnerId } : null;

  return (
    <Shell {...props} title={c.subject}>
      <p class="back">
        <Link href={`${BASE}/`}>← All cases</Link>
      </p>
      <PageHeading>{c.subject}</PageHeading>
      <p class="case-summary">
        <span class={`status status--${c.status}`}>{statusWords(c.status, person.role)}</span>
        <span>{PRIORITY_WORDS[c.priority]}</span>
        {c.approach && <span>{APPROACH_SHORT[c.approach]}</span>}
      </p>
      <div class="case-layout">
        <div class="case-layout__main">
          <CaseFacts c={c} org={orgValue} queueName={queueText} assignee={assignee} me={person.uid} now={now} />
          <SlaClock c={c} entries={entries} now={now} />
          <PartnerClockView c={c} partner={partnerRecord} partnerLoading={partner.state === 'loading'} entries={entries} now={now} />
          <section class="panel" aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <p class="note">Oldest first. Entries marked Internal are for Customer Care only: the customer and the partner never see them.</p>
            {timeline.state === 'failed' && <p role="alert">{timeline.message}</p>}
            {timeline.state === 'loading' && <p class="loading">Loading the timeline…</p>}
            {timeline.state === 'ready' && <Timeline entries={entries} viewer={person.role} now={now} />}
          </section>
        </div>
        <div class="case-layout__side">
          <EngineerActions c={c} person={person} assignee={assignee} />
        </div>
      </div>
    </Shell>
  );
}
