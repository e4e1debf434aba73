import type { Person } from '../firebase.js';
import { useApp } from '../app-context.js';
import { useNow } from '../live.js';
import { partnerNameOf, partnerStatusWords } from '../model/partner-status.js';
import { statusWords } from '../model/words.js';
import { BASE, Link } from '../router.js';
import { caseRows, Facts, withPartnerName } from '../ui/portal-facts.js';
import { CustomerActions } from '../ui/portal-actions.js';
import { latestQuestion, PartnerStatusPanel, QuestionPanel, ReferralPanel } from '../ui/portal-panels.js';
import { PageHeading, Shell } from '../ui/shell.js';
import { Timeline } from '../ui/timeline.js';
import { useCasePage } from './case-page-data.js';

/**
 * A customer's case: its status in their words, where the technology partner stands, the question
 * waiting for them or the vendor to contact, the public timeline, and what they can do. Everything
 * follows the case live: a partner's answer shows up here without a reload.
 */
export function CustomerCasePage(props: { person: Person; onSignOut: () => void; caseId: string }) {
  const { person } = useApp();
  const now = useNow();
  const { caseRecord, timeline } = useCasePage(props.caseId);
  const back = (
    <p class="back">
      <Link href={`${BASE}/`}>← Your organization’s cases</Link>
    </p>
  );
  if (caseRecord.state !== 'ready' || !caseRecord.value) {
    const title = caseRecord.state === 'loading' ? 'Loading the case' : caseRecord.state === 'failed' ? 'Case not available' : 'Case not found';
    return (
      <Shell {...props} title={title}>
        {back}
        {caseRecord.state === 'loading' ? (
          <p class="loading">Loading the case…</p>
        ) : (
          <>
            <PageHeading>{title}</PageHeading>
            <p>{caseRecord.state === 'failed' ? caseRecord.message : `There is no case ${props.caseId}.`}</p>
          </>
        )}
      </Shell>
    );
  }
  const c = caseRecord.value;
  const partnerName = partnerNameOf(c);
  const entries = timeline.state === 'ready' ? withPartnerName(timeline.value, partnerName) : [];
  const question = c.status === 'awaiting_customer' ? latestQuestion(entries) : null;
  return (
    <Shell {...props} title={c.subject}>
      {back}
      <PageHeading>{c.subject}</PageHeading>
      <p class="status-line">
        Status: <strong data-testid="case-status">{statusWords(c.status, 'customer')}</strong>
      </p>
      <PartnerStatusPanel words={partnerStatusWords(c, partnerName, now)} />
      {question && <QuestionPanel question={question} viewer="customer" now={now} />}
      {c.referral && c.status !== 'closed' && <ReferralPanel referral={c.referral} />}
      <div class="case-layout">
        <div class="case-layout__main">
          <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">What has happened</h2>
            {timeline.state === 'ready' && <Timeline entries={entries} viewer={person.role} now={now} />}
            {timeline.state === 'loading' && <p class="loading">Loading the timeline…</p>}
            {timeline.state === 'failed' && <p role="alert">{timeline.message}</p>}
          </section>
          <CustomerActions caseRecord={c} />
          {c.status === 'closed' && (
            <p class="note">
              This case is closed. If you need help again, <Link href={`${BASE}/cases/new`}>open a new case</Link> and mention this one ({c.id}).
            </p>
          )}
        </div>
        <div class="case-layout__side">
          <Facts id="facts-title" title="About this case" rows={[['Opened by', c.contact.name], ...caseRows(c, now)]} />
          <section class="facts" aria-labelledby="description-title">
            <h2 id="description-title">Your description</h2>
            <p class="description">{c.description}</p>
          </section>
        </div>
      </div>
    </Shell>
  );
}
