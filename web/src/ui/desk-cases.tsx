import type { ComponentChildren } from 'preact';
import type { CaseRecord } from '../firebase.js';
import { ackDeadlineWords } from '../model/partner-status.js';
import { priorityShort, statusWords, timeWords } from '../model/words.js';
import { casePath, Link } from '../router.js';

/**
 * The partner desk's list of cases: each subject links to its page. The partner is "you" here, so
 * statuses read in the desk's words; a deadline that passed says "Overdue" in words, and its mark
 * only repeats that.
 */
export function DeskTable(props: { cases: readonly CaseRecord[]; now: Date; caption: string; empty: string; awaitingAck?: boolean }) {
  if (!props.cases.length) return <p class="empty">{props.empty}</p>;
  const columns: { header: string; cell: (c: CaseRecord) => ComponentChildren }[] = [
    props.awaitingAck
      ? { header: 'Acknowledge', cell: (c) => <Deadline ackDueAt={c.escalation?.ackDueAt} now={props.now} /> }
      : { header: 'Status', cell: (c) => statusWords(c.status, 'partner') },
    { header: 'Priority', cell: (c) => priorityShort(c.priority) },
    { header: 'Customer', cell: (c) => customerWords(c) },
    ...(props.awaitingAck ? [] : [{ header: 'Your ticket', cell: (c: CaseRecord) => c.escalation?.partnerTicketId ?? '—' }]),
    { header: 'Updated', cell: (c) => <time dateTime={c.updatedAt}>{timeWords(c.updatedAt, props.now)}</time> },
  ];
  return (
    <table class="cases">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Case</th>
          {columns.map((column) => (
            <th scope="col" key={column.header}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.cases.map((c) => (
          <tr key={c.id}>
            <th scope="row">
              <Link href={casePath(c.id)}>{c.subject}</Link>
              <span class="cases__product">{c.product}</span>
            </th>
            {columns.map((column) => (
              <td key={column.header}>{column.cell(c)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The acknowledgement deadline in words; overdue is said, not only coloured. */
export function Deadline(props: { ackDueAt: string | null | undefined; now: Date }) {
  const words = ackDeadlineWords(props.ackDueAt, props.now);
  if (!words) return <span>—</span>;
  const overdue = Date.parse(props.ackDueAt!) < props.now.getTime();
  return (
    <time class={overdue ? 'deadline deadline--overdue' : 'deadline'} dateTime={props.ackDueAt!}>
      {words}
    </time>
  );
}

/**
 * Who the customer is, from what the case holds: partners may not read `orgs/{id}`, so the org is
 * named by its ID, with the contact's name (what the escalation webhook tells the partner too).
 */
export const customerWords = (c: CaseRecord): string => `${c.contact.name}, ${c.orgId}`;
