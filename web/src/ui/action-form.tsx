import type { ComponentChildren } from 'preact';
import { useRef } from 'preact/hooks';
import type { CaseActionName } from '../../../functions/src/domain/action-availability.js';
import type { CaseStatus } from '../../../functions/src/domain/case-model.js';
import type { AppliedAction } from '../api.js';
import { useApp } from '../app-context.js';
import type { CaseRecord } from '../firebase.js';
import { statusWords } from '../model/words.js';
import { Form, type FieldSpec } from './form.js';

export interface ActionFormProps {
  caseRecord: CaseRecord;
  action: CaseActionName;
  title: string;
  intro?: ComponentChildren;
  fields: readonly FieldSpec[];
  submitLabel: string;
  /** Fixed parts of the body (an assignee chosen by a button, say). */
  extra?: Record<string, unknown>;
  /** What the person is told once it is done. */
  accepted?: string;
  headingLevel?: 2 | 3;
  /** When a page has two forms for one action (assign to me, assign to another): field IDs stay unique. */
  formId?: string;
  /** Shapes the body from the fields before it is sent (an assignee's ID from their email). */
  prepare?: (body: Record<string, unknown>) => Record<string, unknown>;
}

/**
 * One case action as a form. It sends the version of the case the person was looking at when they
 * began (`expectedVersion`): if the case moved on meanwhile (a partner answered, a colleague acted),
 * the server refuses with `version_conflict` and the form says so, keeping what was written; the
 * page has already shown the change live, and sending again goes ahead on the new version.
 */
export function ActionForm(props: ActionFormProps) {
  const { api, person } = useApp();
  const { caseRecord } = props;
  const latest = useRef(caseRecord.version);
  latest.current = caseRecord.version;
  const basedOn = useRef<number | null>(null);

  return (
    <Form<AppliedAction>
      id={props.formId ?? `action-${props.action}`}
      title={props.title}
      headingLevel={props.headingLevel ?? 3}
      intro={props.intro}
      fields={props.fields}
      submitLabel={props.submitLabel}
      onStartEditing={() => (basedOn.current = latest.current)}
      fingerprint={() => String(basedOn.current ?? latest.current)}
      send={(body, key) => {
        // A form nobody typed in is based on the version it was first sent on, so a resend after a lost answer is the same request.
        basedOn.current ??= latest.current;
        return api.act(caseRecord.id, { ...props.extra, ...(props.prepare ? props.prepare(body) : body), action: props.action, expectedVersion: basedOn.current }, key);
      }}
      onAccepted={() => {
        basedOn.current = null;
        return props.accepted ?? 'Done.';
      }}
      explain={(error) => {
        if (error.code === 'version_conflict') {
          // Going ahead is now a choice made on the case as it stands: the next send is based on it.
          basedOn.current = error.version ?? latest.current;
          const now = error.status ? ` Its status now: “${statusWords(error.status as CaseStatus, person.role)}”.` : '';
          return `The case changed while you were writing.${now} Read the latest on this page, then send again if it still applies.`;
        }
        if (error.code === 'invalid_transition' && error.status) {
          return `This can no longer be done: the case is now ${statusWords(error.status as CaseStatus, person.role).toLowerCase()}.`;
        }
        return undefined;
      }}
    />
  );
}
