import { availableActions } from '../../../functions/src/domain/action-availability.js';
import type { CaseRecord } from '../firebase.js';
import type { FieldSpec } from './form.js';
import { ActionForm } from './action-form.js';

/**
 * What a partner can do on a case escalated to it, as the availability table allows: the same
 * answers its integration would send as signed callbacks (the server decides both the same way).
 */
const TICKET: FieldSpec = {
  name: 'partnerTicketId',
  label: 'Your ticket number',
  kind: 'text',
  optional: true,
  hint: 'The case’s number in your own system, like CONF-1234. The customer sees it.',
};

export function PartnerActions(props: { caseRecord: CaseRecord }) {
  const c = props.caseRecord;
  const actions = new Set(availableActions('partner', c.status));
  if (!actions.size) return <p class="note">There is nothing for you to do on this case now.</p>;
  const ticket = { ...TICKET, initial: c.escalation?.partnerTicketId ?? '' };
  return (
    <section class="case-actions" aria-labelledby="partner-actions-title">
      <h2 id="partner-actions-title">Your answer</h2>
      {actions.has('acknowledge') && (
        <ActionForm
          caseRecord={c}
          action="acknowledge"
          title="Acknowledge the case"
          intro={<p>Tell the customer and Customer Care you have taken the case up. The acknowledgement deadline no longer applies once you have.</p>}
          fields={[ticket, { name: 'message', label: 'Message for the customer and Customer Care', kind: 'textarea', optional: true, rows: 3 }]}
          submitLabel="Acknowledge"
          accepted="Acknowledged. The customer can see it now."
        />
      )}
      {actions.has('update') && (
        <ActionForm
          caseRecord={c}
          action="update"
          title="Send an update"
          fields={[{ name: 'message', label: 'Your update', kind: 'textarea', rows: 4, hint: 'What you found or did, and what happens next.' }, ticket]}
          submitLabel="Send the update"
          accepted="Sent. It is on the case below."
        />
      )}
      {actions.has('request_info') && (
        <ActionForm
          caseRecord={c}
          action="request_info"
          title="Ask the customer a question"
          fields={[{ name: 'message', label: 'Your question', kind: 'textarea', rows: 3, hint: 'The customer is told at once; the case waits for their reply.' }]}
          submitLabel="Send the question"
          accepted="Sent. The case now waits for the customer’s reply."
        />
      )}
      {actions.has('resolve') && (
        <ActionForm
          caseRecord={c}
          action="resolve"
          title="Resolve the case"
          fields={[{ name: 'message', label: 'The resolution', kind: 'textarea', rows: 4, hint: 'What fixed it, so the customer can check and confirm it.' }]}
          submitLabel="Resolve"
          accepted="Resolved. The customer is asked to confirm."
        />
      )}
      {actions.has('decline') && (
        <details class="danger-zone">
          <summary>Decline this case</summary>
          <ActionForm
            caseRecord={c}
            action="decline"
            title="Decline this case?"
            intro={<p>Declining hands the case back to Customer Care, who carry on without you, and it leaves your desk: you can no longer open it.</p>}
            fields={[{ name: 'message', label: 'Why are you declining it?', kind: 'textarea', rows: 3, hint: 'Customer Care and the customer read it.' }]}
            submitLabel="Yes, decline the case"
            accepted="Declined. The case is back with Customer Care."
          />
        </details>
      )}
    </section>
  );
}
