import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { newIdempotencyKey, UNREACHABLE, type Answer, type ApiError } from '../api.js';
import { bodyOf, problemsFor, type Problems } from '../model/form-values.js';

/**
 * Every form of the app, built the way GOV.UK's design system builds them: a label tied to each
 * field, its hint and its error inside the field's group and in its accessible description, and on a
 * refused submission a summary at the top that takes the focus and links to each field with a
 * problem. All problems arrive at once, from the server, in its words. One Idempotency-Key per
 * filled-in form, kept until it is accepted, so sending it twice opens one case or takes one action.
 */

export interface FieldSpec {
  /** The value's path in the request body: `message`, `vendorContact.url`. */
  name: string;
  label: string;
  kind: 'text' | 'email' | 'url' | 'tel' | 'textarea' | 'select';
  hint?: string;
  optional?: boolean;
  options?: readonly { value: string; label: string }[];
  /** The value a fresh form starts with. */
  initial?: string;
  rows?: number;
  autocomplete?: string;
}

export interface FormProps<T> {
  /** Unique on the page: field IDs are `<id>-<field name>`. */
  id: string;
  title: string;
  /** The heading level of the form's title within its page. */
  headingLevel?: 2 | 3;
  intro?: ComponentChildren;
  fields: readonly FieldSpec[];
  submitLabel: string;
  /** Sends the form. `body` holds the values by path; the key stays the same until an answer is accepted. */
  send: (body: Record<string, unknown>, idempotencyKey: string) => Promise<Answer<T>>;
  /** After an accepted answer: the form is emptied for the next one, unless this returns false. */
  onAccepted?: (value: T) => string | void;
  /** Turns a refusal that is not about a field into words for this form (a version conflict). */
  explain?: (error: ApiError) => string | undefined;
  /** What else the request carries beyond the fields (a case action's expectedVersion): part of what one key stands for. */
  fingerprint?: () => string;
  /** Called when the person first changes a field (a case page remembers which version they were answering). */
  onStartEditing?: () => void;
  disabled?: boolean;
}

const fieldId = (formId: string, name: string) => `${formId}-${name.replace(/\./g, '-')}`;
const initialValues = (fields: readonly FieldSpec[]) => Object.fromEntries(fields.map((f) => [f.name, f.initial ?? '']));

export function Form<T>(props: FormProps<T>) {
  const { id, fields } = props;
  const [values, setValues] = useState<Record<string, string>>(() => initialValues(fields));
  const [problems, setProblems] = useState<Problems | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const key = useRef(newIdempotencyKey());
  const sentContent = useRef<string | null>(null);
  const summary = useRef<HTMLDivElement>(null);
  const editing = useRef(false);
  const optional = useMemo(() => new Set(fields.filter((f) => f.optional).map((f) => f.name)), [fields]);
  const names = useMemo(() => fields.map((f) => f.name), [fields]);

  // A refused form moves the focus to its summary, so a keyboard or screen-reader user hears what to fix.
  // A layout effect: the focus moves in the same frame the summary appears, never a paint later.
  useLayoutEffect(() => {
    if (problems) summary.current?.focus();
  }, [problems]);

  const change = (name: string, value: string) => {
    if (!editing.current) {
      editing.current = true;
      props.onStartEditing?.();
    }
    setDone(null);
    setValues((current) => ({ ...current, [name]: value }));
  };

  const submit = async (event: Event) => {
    event.preventDefault();
    if (pending) return;
    setPending(true);
    setDone(null);
    const body = bodyOf(values, optional);
    // One key for one request: a resend of the same content keeps it (a lost answer is not a second
    // case), but content that changed since the last send is a new request and gets a new key, or the
    // server would refuse it as the key's reuse.
    const content = JSON.stringify(body) + (props.fingerprint?.() ?? '');
    if (sentContent.current !== null && sentContent.current !== content) key.current = newIdempotencyKey();
    sentContent.current = content;
    let answer: Answer<T>;
    try {
      answer = await props.send(body, key.current);
    } catch {
      answer = { ok: false, httpStatus: 0, error: UNREACHABLE };
    } finally {
      setPending(false);
    }
    if (answer.ok) {
      setProblems(null);
      key.current = newIdempotencyKey();
      sentContent.current = null;
      editing.current = false;
      setValues(initialValues(fields));
      setDone(props.onAccepted?.(answer.value) ?? 'Done.');
      return;
    }
    const sorted = problemsFor(answer.error.issues ?? [], names);
    const explained = props.explain?.(answer.error);
    // A refusal about the request as a whole (not entitled, a stale page) says so once, above the fields.
    if (!answer.error.issues?.length || sorted.general.length) sorted.general.unshift(explained ?? answer.error.message);
    setProblems(sorted);
  };

  // In the order of the form, not of the server's list, so the summary reads as the fields below it.
  const fieldProblems = problems ? names.flatMap((name) => (problems.byField[name] ? [[name, problems.byField[name]] as const] : [])) : [];
  const Heading = props.headingLevel === 3 ? 'h3' : 'h2';
  return (
    <form id={id} class="form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <Heading id={`${id}-title`}>{props.title}</Heading>
      {props.intro}
      {problems && (
        <div class="error-summary" role="alert" tabIndex={-1} ref={summary} aria-labelledby={`${id}-problems`}>
          <h3 id={`${id}-problems`} class="error-summary__title">
            {fieldProblems.length + problems.general.length === 1 ? 'There is a problem' : 'There are problems'}
          </h3>
          <ul>
            {problems.general.map((message) => (
              <li key={message}>{message}</li>
            ))}
            {fieldProblems.map(([name, messages]) => (
              <li key={name}>
                <a href={`#${fieldId(id, name)}`}>{messages.join('. ')}</a>
              </li>
            ))}
          </ul>
        </div>
      )}
      {fields.map((field) => (
        <Field key={field.name} formId={id} field={field} value={values[field.name] ?? ''} errors={problems?.byField[field.name] ?? []} onInput={change} disabled={props.disabled} />
      ))}
      <div class="form__actions">
        <button type="submit" class="button" disabled={props.disabled} aria-disabled={pending}>
          {pending ? 'Sending…' : props.submitLabel}
        </button>
        <p class="form__done" role="status">
          {done}
        </p>
      </div>
    </form>
  );
}

function Field(props: { formId: string; field: FieldSpec; value: string; errors: string[]; onInput: (name: string, value: string) => void; disabled?: boolean }) {
  const { field, errors } = props;
  const id = fieldId(props.formId, field.name);
  const described = [field.hint ? `${id}-hint` : '', errors.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    name: field.name,
    value: props.value,
    disabled: props.disabled,
    'aria-invalid': errors.length ? ('true' as const) : undefined,
    'aria-describedby': described,
    onInput: (event: Event) => props.onInput(field.name, (event.currentTarget as HTMLInputElement).value),
  };
  let control;
  if (field.kind === 'textarea') control = <textarea {...common} rows={field.rows ?? 5} />;
  else if (field.kind === 'select')
    control = (
      <select {...common} onChange={common.onInput}>
        {!field.initial && <option value="">Choose…</option>}
        {field.options?.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  else control = <input {...common} type={field.kind} autocomplete={field.autocomplete} />;
  return (
    <div class={errors.length ? 'field field--error' : 'field'}>
      <label for={id}>
        {field.label}
        {field.optional && <span class="field__optional"> (optional)</span>}
      </label>
      {field.hint && (
        <p class="field__hint" id={`${id}-hint`}>
          {field.hint}
        </p>
      )}
      {errors.length > 0 && (
        <p class="field__error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {errors.join('. ')}
        </p>
      )}
      {control}
    </div>
  );
}
