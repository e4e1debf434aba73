import { availableActions } from '../../../functions/src/domain/action-availability.js';
import type { CaseRecord } from '../firebase.js';
import { ActionForm } from './action-form.js';

/**
 * What a customer can do on their case, as the availability table allows in its status: reply
 * (answer a question), say whether a resolution solved it (confirm or reopen), and withdraw. Each
 * is one ActionForm, so a case that moved on while they wrote is explained, not overwritten.
 */
export function CustomerActions(props: { caseRecord: CaseRecord }) {
  const c = props.caseRecord;
  const actions = new Set(availableActions('customer', c.status));
  if (!actions.size) return null;
  const waitingForYou = c.status === 'awaiting_customer';
  return (
    <section class="case-actions" aria-labelledby="customer-actions-title">
      <h2 id="customer-actions-title">What you can do</h2>
      {actions.has('confirm_resolution') && (
        <div class="case-actions__pair">
          <ActionForm
            caseRecord={c}
            action="confirm_resolution"
            title="It is solved"
            intro={<p>If the resolution works for you, confirm it and we close the case.</p>}
            fields={[{ name: 'message', label: 'Anything you want to add', kind: 'textarea', optional: true, rows: 3 }]}
            submitLabel="Confirm and close the case"
            accepted="Thank you. The case is closed."
          />
          <ActionForm
            caseRecord={c}
            action="reopen"
            title="It is not solved"
            intro={<p>Reopen the case and Customer Care will pick it up again.</p>}
            fields={[{ name: 'message', label: 'What is still wrong?', kind: 'textarea', rows: 3 }]}
            submitLabel="Reopen the case"
            accepted="The case is open again."
          />
        </div>
      )}
      {actions.has('reply') && (
        <ActionForm
          caseRecord={c}
          action="reply"
          title={waitingForYou ? 'Answer the question' : 'Write to Customer Care'}
          fields={[
            {
              name: 'message',
              label: waitingForYou ? 'Your answer' : 'Your message',
              kind: 'textarea',
              hint: 'Customer Care reads it, and so does the technology partner when one is working on the case.',
              rows: 5,
            },
          ]}
          submitLabel={waitingForYou ? 'Send your answer' : 'Send the message'}
          accepted="Sent. It is on the case below."
        />
      )}
      {actions.has('withdraw') && (
        <details class="danger-zone">
          <summary>Withdraw this case</summary>
          <ActionForm
            caseRecord={c}
            action="withdraw"
            title="Withdraw this case?"
            intro={<p>Withdrawing closes the case at once, and it cannot be reopened. If you need help again later, open a new case.</p>}
            fields={[{ name: 'message', label: 'Why are you withdrawing it?', kind: 'textarea', optional: true, rows: 3 }]}
            submitLabel="Yes, withdraw and close the case"
            accepted="The case is withdrawn and closed."
          />
        </details>
      )}
    </section>
  );
}
