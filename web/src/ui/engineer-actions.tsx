import type { ComponentChildren } from 'preact';
import { availableActions, type CaseActionName } from '../../../functions/src/domain/action-availability.js';
import type { Priority } from '../../../functions/src/domain/case-model.js';
import type { CaseRecord, Person } from '../firebase.js';
import { PRIORITY_WORDS } from '../model/words.js';
import { ActionForm } from './action-form.js';
import { usePartners, type Assignee } from './engineer-data.js';
import type { FieldSpec } from './form.js';

/**
 * Every action an engineer may take on the case as it stands (`availableActions('engineer', status)`),
 * grouped as a console groups them: answering the customer first and open, handing the case on,
 * then Customer Care's own (notes, assignment, priority), each behind a disclosure so the page is
 * not a wall of forms. Problems land beside their fields (`vendorContact.url`), and a form based on
 * an older version of the case says so instead of overwriting what changed.
 */
export function EngineerActions(props: { c: CaseRecord; person: Person; assignee: Assignee | null | undefined }) {
  const { c } = props;
  const can = new Set(availableActions('engineer', c.status));
  const form = (action: CaseActionName, element: ComponentChildren) => (can.has(action) ? element : null);
  const answer = [
    form('request_info', <Disclosure key="request_info" summary="Ask the customer for information"><RequestInfo c={c} /></Disclosure>),
    form('resolve', <Disclosure key="resolve" summary="Resolve the case"><Resolve c={c} /></Disclosure>),
  ].filter(Boolean);
  const handOn = [
    form('refer_to_vendor', <Disclosure key="refer" summary="Refer the customer to the vendor"><ReferToVendor c={c} /></Disclosure>),
    form('escalate_to_partner', <Disclosure key="escalate" summary="Escalate to a technology partner"><Escalate c={c} /></Disclosure>),
  ].filter(Boolean);
  const internal = [
    form('add_note', <Disclosure key="note" summary="Write an internal note"><Note c={c} /></Disclosure>),
    form('assign', <Disclosure key="assign" summary="Assign the case"><Assign c={c} person={props.person} assignee={props.assignee} /></Disclosure>),
    form('set_priority', <Disclosure key="priority" summary="Change the priority"><SetPriority c={c} /></Disclosure>),
  ].filter(Boolean);

  return (
    <div class="actions">
      {(can.has('reply') || answer.length > 0) && (
        <section class="action-group" aria-labelledby="answer-title">
          <h2 id="answer-title">Answer the customer</h2>
          {can.has('reply') && <Reply c={c} />}
          {answer}
        </section>
      )}
      {handOn.length > 0 && (
        <section class="action-group" aria-labelledby="hand-on-title">
          <h2 id="hand-on-title">Hand it on</h2>
          {handOn}
        </section>
      )}
      {internal.length > 0 && (
        <section class="action-group" aria-labelledby="internal-title">
          <h2 id="internal-title">For Customer Care only</h2>
          {internal}
        </section>
      )}
    </div>
  );
}

/** A closed section with the action's name; its form's own heading is then only for screen readers. */
function Disclosure(props: { summary: string; children: ComponentChildren }) {
  return (
    <details class="disclosure">
      <summary>{props.summary}</summary>
      <div class="disclosure__body">{props.children}</div>
    </details>
  );
}

const message = (label: string, hint: string, rows = 4): FieldSpec => ({ name: 'message', label, hint, kind: 'textarea', rows });

function Reply(props: { c: CaseRecord }) {
  const first = props.c.sla && !props.c.sla.firstRespondedAt;
  return (
    <ActionForm
      caseRecord={props.c}
      action="reply"
      title="Reply to the customer"
      fields={[message('Your reply', `The customer sees it and is told by email.${first ? ' It is the first response: it stops the first-response clock.' : ''}`, 5)]}
      submitLabel="Send the reply"
      accepted="Your reply is sent and on the timeline."
    />
  );
}

const RequestInfo = (props: { c: CaseRecord }) => (
  <ActionForm
    caseRecord={props.c}
    action="request_info"
    title="Ask the customer for information"
    fields={[message('Your question', 'The case then waits for the customer; the time waiting does not count against the clocks.')]}
    submitLabel="Ask the customer"
    accepted="Your question is sent: the case waits for the customer."
  />
);

const Resolve = (props: { c: CaseRecord }) => (
  <ActionForm
    caseRecord={props.c}
    action="resolve"
    title="Resolve the case"
    fields={[message('The resolution', 'What fixed it, in the customer’s words. They can confirm it or reopen the case.')]}
    submitLabel="Resolve the case"
    accepted="The case is resolved."
  />
);

const ReferToVendor = (props: { c: CaseRecord }) => (
  <ActionForm
    caseRecord={props.c}
    action="refer_to_vendor"
    title="Refer the customer to the vendor"
    intro={<p class="field__hint">For a problem in the vendor’s own product. The customer gets the vendor’s contact and your message; the case closes 3 days later.</p>}
    fields={[
      { name: 'vendorContact.name', label: 'Vendor', kind: 'text', initial: props.c.vendor, autocomplete: 'organization' },
      { name: 'vendorContact.url', label: 'Vendor support page', kind: 'url', optional: true, hint: 'A full address, like https://support.example.com' },
      { name: 'vendorContact.email', label: 'Vendor support email', kind: 'email', optional: true },
      { name: 'vendorContact.phone', label: 'Vendor support phone', kind: 'tel', optional: true },
      message('What to tell the customer', 'Why the vendor is the one to fix it, and what to give them.'),
    ]}
    submitLabel="Refer to the vendor"
    accepted="The customer is referred to the vendor."
  />
);

function Escalate(props: { c: CaseRecord }) {
  const partners = usePartners();
  const matched = props.c.triage?.matched?.kind === 'partner' ? props.c.triage.matched : null;
  if (partners.state !== 'ready') return <p class="loading">{partners.state === 'failed' ? partners.message : 'Loading the partners…'}</p>;
  const options = partners.value.map((p) => ({ value: p.id, label: p.name })).sort((a, b) => a.label.localeCompare(b.label));
  return (
    <ActionForm
      caseRecord={props.c}
      action="escalate_to_partner"
      title="Escalate to a technology partner"
      fields={[
        {
          name: 'partnerId',
          label: 'Partner',
          kind: 'select',
          options,
          initial: matched?.id ?? props.c.partnerId ?? '',
          hint: matched ? `Triage matched ${matched.name}.` : 'Triage matched no partner: choose the one whose product is involved.',
        },
        { name: 'message', label: 'Why escalate', kind: 'textarea', rows: 3, optional: true, hint: 'An internal note: the partner does not see it.' },
      ]}
      submitLabel="Escalate to the partner"
      accepted="The escalation is on its way: the partner is asked, and its clock starts."
    />
  );
}

const Note = (props: { c: CaseRecord }) => (
  <ActionForm
    caseRecord={props.c}
    action="add_note"
    title="Write an internal note"
    fields={[message('Note', 'Only Customer Care sees notes: never the customer or the partner.')]}
    submitLabel="Add the note"
    accepted="The note is on the timeline."
  />
);

function Assign(props: { c: CaseRecord; person: Person; assignee: Assignee | null | undefined }) {
  const mine = props.assignee?.uid === props.person.uid;
  return (
    <>
      <p>{props.assignee ? `Assigned to ${mine ? 'you' : props.assignee.name}.` : 'Nobody is assigned yet: notices go to the queue.'}</p>
      {!mine && (
        <ActionForm caseRecord={props.c} action="assign" formId="action-assign-me" title="Take the case yourself" fields={[]} submitLabel="Assign to me" accepted="The case is yours." />
      )}
      <ActionForm
        caseRecord={props.c}
        action="assign"
        formId="action-assign-other"
        title="Give it to another engineer"
        fields={[
          { name: 'assignee.name', label: 'Engineer’s name', kind: 'text', autocomplete: 'off' },
          { name: 'assignee.email', label: 'Engineer’s email', kind: 'email', optional: true, autocomplete: 'off', hint: 'Tandem tells them about the case there; without it, notices go to the queue.' },
        ]}
        // The app has no directory of engineers to pick an ID from: the email (else the name) names the person.
        prepare={(body) => {
          const given = (body.assignee ?? {}) as { name?: string; email?: string };
          const uid = (given.email ?? given.name ?? '').trim().toLowerCase() || 'unnamed';
          return { ...body, assignee: { ...given, uid } };
        }}
        submitLabel="Assign"
        accepted="The case is assigned."
      />
    </>
  );
}

const SetPriority = (props: { c: CaseRecord }) => (
  <ActionForm
    caseRecord={props.c}
    action="set_priority"
    title="Change the priority"
    fields={[
      { name: 'priority', label: 'Priority', kind: 'select', initial: props.c.priority, options: (Object.keys(PRIORITY_WORDS) as Priority[]).map((p) => ({ value: p, label: PRIORITY_WORDS[p] })) },
      message('Why', 'The customer sees the new priority and your reason. The first-response due time is worked out again from when the case was opened.', 3),
    ]}
    submitLabel="Change the priority"
    accepted="The priority is changed."
  />
);
