import type { Partner } from '../../../functions/src/domain/case-model.js';
import type { CaseRecord, Person } from '../firebase.js';
import { useApp } from '../app-context.js';
import { useLive, useNow } from '../live.js';
import { DeskTable } from '../ui/desk-cases.js';
import { PageHeading, Shell } from '../ui/shell.js';

const WORKING = new Set<CaseRecord['status']>(['partner_engaged', 'awaiting_customer']);
const dueFirst = (a: CaseRecord, b: CaseRecord) => (a.escalation?.ackDueAt ?? '').localeCompare(b.escalation?.ackDueAt ?? '');

/**
 * The partner desk's home: every case escalated to the partner, live. Those waiting for its
 * acknowledgement come first, the one due soonest at the top; then those it is working on; then
 * the rest (resolved, closed, back with Customer Care) for the record.
 */
export function PartnerDesk(props: { person: Person; onSignOut: () => void }) {
  const { backend, person } = useApp();
  const now = useNow();
  const partnerId = person.partnerId ?? '';
  const partner = useLive<Partner | null>((w) => backend.watchDocument<Partner>(`partners/${partnerId}`, w), `partner:${partnerId}`);
  const cases = useLive<CaseRecord[]>((w) => backend.watchCases({ partnerId }, w), `cases:${partnerId}`);
  const name = partner.state === 'ready' && partner.value ? partner.value.name : null;
  const all = cases.state === 'ready' ? cases.value : [];
  const awaiting = all.filter((c) => c.status === 'awaiting_partner').sort(dueFirst);
  const working = all.filter((c) => WORKING.has(c.status));
  const rest = all.filter((c) => c.status !== 'awaiting_partner' && !WORKING.has(c.status));

  return (
    <Shell {...props} title="Partner desk">
      <PageHeading>{name ? `Cases escalated to ${name}` : 'Cases escalated to you'}</PageHeading>
      <p class="page-head__lead">Google Cloud Customer Care asks for your help on these cases. Your answers reach the customer and Customer Care at once.</p>
      {cases.state === 'loading' && <p class="loading">Loading your cases…</p>}
      {cases.state === 'failed' && <p role="alert">{cases.message}</p>}
      {cases.state === 'ready' && (
        <div class="case-lists">
          <section aria-labelledby="awaiting-title">
            <h2 id="awaiting-title">Waiting for your acknowledgement ({awaiting.length})</h2>
            <DeskTable cases={awaiting} now={now} awaitingAck caption="Cases waiting for your acknowledgement, the one due soonest first" empty="None: every case escalated to you has been acknowledged." />
          </section>
          <section aria-labelledby="working-title">
            <h2 id="working-title">You are working on ({working.length})</h2>
            <DeskTable cases={working} now={now} caption="Cases you are working on, most recently updated first" empty="No cases in progress with you." />
          </section>
          {rest.length > 0 && (
            <section aria-labelledby="rest-title">
              <h2 id="rest-title">Not waiting on you ({rest.length})</h2>
              <DeskTable cases={rest} now={now} caption="Cases not waiting on you: resolved, closed or with Customer Care, most recently updated first" empty="" />
            </section>
          )}
        </div>
      )}
    </Shell>
  );
}
