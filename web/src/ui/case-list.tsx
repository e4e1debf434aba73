import type { ComponentChildren } from 'preact';
import type { CaseRecord, Role } from '../firebase.js';
import { priorityShort, statusWords, timeWords } from '../model/words.js';
import { casePath, Link } from '../router.js';

/** A table of cases: each subject links to its page. `extra` adds columns (the console's SLA clock). */
export function CaseTable(props: {
  cases: readonly CaseRecord[];
  viewer: Role;
  now: Date;
  caption: string;
  empty: string;
  extra?: { header: string; cell: (c: CaseRecord) => ComponentChildren }[];
}) {
  if (!props.cases.length) return <p class="empty">{props.empty}</p>;
  return (
    <table class="cases">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Case</th>
          <th scope="col">Status</th>
          <th scope="col">Priority</th>
          {props.extra?.map((column) => (
            <th scope="col" key={column.header}>
              {column.header}
            </th>
          ))}
          <th scope="col">Updated</th>
        </tr>
      </thead>
      <tbody>
        {props.cases.map((c) => (
          <tr key={c.id}>
            <th scope="row">
              <Link href={casePath(c.id)}>{c.subject}</Link>
              <span class="cases__product">{c.product}</span>
            </th>
            <td>{statusWords(c.status, props.viewer)}</td>
            <td>{priorityShort(c.priority)}</td>
            {props.extra?.map((column) => <td key={column.header}>{column.cell(c)}</td>)}
            <td>
              <time dateTime={c.updatedAt}>{timeWords(c.updatedAt, props.now)}</time>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
