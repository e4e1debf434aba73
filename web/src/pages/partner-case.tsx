import { useRef } from 'preact/hooks';
import type { Partner } from '../../../functions/src/domain/case-model.js';
import type { CaseRecord, Person } from '../firebase.js';
import { useApp } from '../app-context.js';
import { useLive, useNow } from '../live.js';
import { statusWords, timeWords } from '../model/words.js';
import { BASE, Link } from '../router.js';
import { PartnerActions } from '../ui/desk-actions.js';
import { customerWords, Deadline } from '../ui/desk-cases.js';
import { caseRows, Facts, withPartnerName } from '../ui/portal-facts.js';
import { PageHeading, Shell } from '../ui/shell.js';
import { Timeline } from '../ui/timeline.js';
import { useCasePage } from './case-page-data.js';

/**
 * A case on the partner's desk: what the partner needs to work it (the problem, the product, where
 * it runs, the acknowledgement deadline, its own ticket), the public timeline, and its answers below
 * it, as on the customer's page: read what happened, then answer.
 */
export function PartnerCasePage(props: { person: Person; onSignOut: () => void; caseId: string }) {
  const { backend, person } = useApp();
  const now = useNow();
  const { caseRecord, timeline } = useCasePage(props.caseId);
  const partnerId = person.partnerId ?? '';
  const partner = useLive<Partner | null>((w) => backend.watchDocument<Partner>(`partners/${partnerId}`, w), `partner:${partnerId}`);
  const partnerName = partner.state === 'ready' && partner.value ? partner.value.name : null;
  // A case the partner declined (or Customer Care took back) is no longer readable: say that, not "no access".
  const seen = useRef<CaseRecord | null>(null);
  if (caseRecord.state === 'ready' && caseRecord.value) seen.current = caseRecord.value;

  const back = (
    <p class="back">
      <Link href={`${BASE}/`}>← All cases on your desk</Link>
    </p>
  );
  if (caseRecord.state !== 'ready' || !caseRecord.value) {
    const gone = seen.current && caseRecord.state === 'failed';
    const title = caseRecord.state === 'loading' ? 'Loading the case' : gone ? 'The case is no longer with you' : 'Case not available';
    return (
      <Shell {...props} title={title}>
        {back}
        {caseRecord.state === 'loading' ? (
          <p class="loading">Loading the case…</p>
        ) : (
          <>
            <PageHeading>{title}</PageHeading>
            <p>
              {gone
                ? `“${seen.current!.subject}” is back with Customer Care, so it has left your desk.`
                : caseRecord.state === 'failed'
                  ? `${caseRecord.message} Only cases escalated to you can be opened here.`
                  : `There is no case ${props.caseId}.`}
            </p>
          </>
        )}
      </Shell>
    );
  }
  const c = caseRecord.value;
  const e = c.escalation;
  const entries = timeline.state === 'ready' ? withPartnerName(timeline.value, partnerName) : [];
  return (
    <Shell {...props} title={c.subject}>
      {back}
      <PageHeading>{c.subject}</PageHeading>
      <p class="status-line">
        Status: <strong data-testid="case-status">{statusWords(c.status, 'partner')}</strong>
        {c.status === 'awaiting_partner' && e?.ackDueAt && (
          <>
            {' '}
            · Acknowledge: <Deadline ackDueAt={e.ackDueAt} now={now} />
          </>
        )}
      </p>
      <div class="case-layout">
        <div class="case-layout__main">
          <section class="facts" aria-labelledby="description-title">
            <h2 id="description-title">The customer’s description</h2>
            <p class="description">{c.description}</p>
          </section>
          <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">What has happened</h2>
            {timeline.state === 'ready' && <Timeline entries={entries} viewer={person.role} now={now} />}
            {timeline.state === 'loading' && <p class="loading">Loading the timeline…</p>}
            {timeline.state === 'failed' && <p role="alert">{timeline.message}</p>}
          </section>
          <PartnerActions caseRecord={c} />
        </div>
        <div class="case-layout__side">
          <Facts
            id="facts-title"
            title="About this case"
            rows={[
              ['Customer', customerWords(c)],
              ...caseRows(c, now),
              ['Escalated to you', e ? <time dateTime={e.requestedAt}>{timeWords(e.requestedAt, now)}</time> : null],
              ['Acknowledge', c.status === 'awaiting_partner' ? <Deadline ackDueAt={e?.ackDueAt} now={now} /> : e?.acknowledgedAt ? `Acknowledged at ${timeWords(e.acknowledgedAt, now)}` : null],
              ['Escalation', e && e.level > 0 ? `Escalated to rung ${e.level} of your escalation ladder` : null],
              ['Your ticket', e?.partnerTicketId ?? 'None given yet'],
            ]}
          />
        </div>
      </div>
    </Shell>
  );
}
