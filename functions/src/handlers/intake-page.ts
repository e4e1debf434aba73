import { randomUUID } from 'node:crypto';
import { PRIORITIES } from '../domain/case-model.js';
import type { FieldIssue } from '../domain/result.js';
import { formFieldForPath } from '../domain/case-intake.js';

/**
 * The intake form and its confirmation page: plain HTML, no script, so it works in any browser and
 * a failed submission comes back as the same form with the values kept and each error by its field.
 */

const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

interface FieldSpec {
  name: string;
  label: string;
  kind: 'text' | 'email' | 'textarea' | 'select';
  options?: readonly { value: string; label: string }[];
  hint?: string;
  optional?: boolean;
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'orgId', label: 'Organization ID', kind: 'text' },
  { name: 'contactName', label: 'Your name', kind: 'text' },
  { name: 'contactEmail', label: 'Your email', kind: 'email' },
  { name: 'product', label: 'Product', kind: 'text', hint: 'For example: NetApp Cloud Volumes ONTAP' },
  { name: 'vendor', label: 'Vendor', kind: 'text', hint: 'For example: NetApp' },
  {
    name: 'priority',
    label: 'Priority',
    kind: 'select',
    options: PRIORITIES.map((p, i) => ({
      value: p,
      label: `${p} — ${['critical: production unusable', 'high: severely impaired', 'medium: partially impaired', 'low: usable, a question'][i]}`,
    })),
  },
  {
    name: 'environment',
    label: 'Environment',
    kind: 'select',
    options: [
      { value: 'production', label: 'Production' },
      { value: 'non_production', label: 'Not production' },
    ],
  },
  { name: 'googleCloudProjectId', label: 'Google Cloud project ID', kind: 'text', optional: true },
  { name: 'subject', label: 'Subject', kind: 'text' },
  { name: 'description', label: 'What is happening?', kind: 'textarea' },
];

export interface FormState {
  values?: Record<string, unknown>;
  issues?: FieldIssue[];
  /** An error that belongs to no field (not entitled, unknown org, conflict). */
  message?: string;
}

export function renderIntakeForm(state: FormState = {}): string {
  const values = state.values ?? {};
  const byField = new Map<string, string[]>();
  for (const issue of state.issues ?? []) {
    const field = formFieldForPath(issue.path);
    byField.set(field, [...(byField.get(field) ?? []), issue.message]);
  }
  const known = new Set(FIELDS.map((f) => f.name));
  const stray = [...byField.entries()].filter(([field]) => !known.has(field)).flatMap(([, messages]) => messages);
  const fieldProblems = [...byField.entries()].filter(([field]) => known.has(field)).length;
  // A summary first, so a screen reader announces that the page came back with problems.
  const summary = fieldProblems ? `There ${fieldProblems === 1 ? 'is a problem' : `are ${fieldProblems} problems`} with the case: see the fields marked below.` : undefined;
  const banner = [state.message, summary, ...stray].filter(Boolean);
  const idempotencyKey = typeof values.idempotencyKey === 'string' ? values.idempotencyKey : randomUUID();

  const fields = FIELDS.map((field) => renderField(field, values[field.name], byField.get(field.name) ?? [])).join('\n');
  return page(
    banner.length ? 'Fix the problems — open a third-party technology case' : 'Open a third-party technology case',
    `<h1>Open a third-party technology case</h1>
<p>For customers on Enhanced, Premium or Partner Premium Support.</p>
${banner.length ? `<div class="alert" role="alert">${banner.map((m) => `<p>${escapeHtml(m)}</p>`).join('')}</div>` : ''}
<form method="post" action="/cases" accept-charset="utf-8" novalidate>
<input type="hidden" name="idempotencyKey" value="${escapeHtml(idempotencyKey)}">
${fields}
<button type="submit">Open the case</button>
</form>`,
  );
}

function renderField(field: FieldSpec, value: unknown, errors: string[]): string {
  const id = `field-${field.name}`;
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  // The hint and the error are both the control's description, so a screen reader reads them with it.
  const describedBy = [field.hint ? hintId : '', errors.length ? errorId : ''].filter(Boolean).join(' ');
  const aria = `${errors.length ? ' aria-invalid="true"' : ''}${describedBy ? ` aria-describedby="${describedBy}"` : ''}`;
  const common = `id="${id}" name="${field.name}"${aria}`;
  let control: string;
  if (field.kind === 'textarea') control = `<textarea ${common} rows="8">${escapeHtml(value)}</textarea>`;
  else if (field.kind === 'select') {
    const options = (field.options ?? [])
      .map((o) => `<option value="${o.value}"${o.value === value ? ' selected' : ''}>${escapeHtml(o.label)}</option>`)
      .join('');
    control = `<select ${common}><option value="">Choose…</option>${options}</select>`;
  } else control = `<input type="${field.kind}" ${common} value="${escapeHtml(value)}">`;
  const hint = field.hint ? `<small id="${hintId}">${escapeHtml(field.hint)}</small>` : '';
  const error = errors.length ? `<p class="error" id="${errorId}">${errors.map(escapeHtml).join('; ')}</p>` : '';
  const optional = field.optional ? ' <span class="optional">(optional)</span>' : '';
  return `<div class="field${errors.length ? ' has-error' : ''}"><label for="${id}">${escapeHtml(field.label)}${optional}</label>${hint}${control}${error}</div>`;
}

/** No link to the case itself: reading a case in the browser is not built yet, and a dead link is worse than none. */
export function renderConfirmation(caseId: string): string {
  return page(
    'Case opened',
    `<h1>Case opened</h1>
<p>Your case <strong id="case-id">${escapeHtml(caseId)}</strong> has been received. We are triaging it now; keep this case ID for any follow-up.</p>
<p><a href="/">Open another case</a></p>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Tandem</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#202124}
.field{margin:0 0 1rem}label{display:block;font-weight:600}small{display:block;color:#5f6368}
input,select,textarea{width:100%;box-sizing:border-box;padding:.4rem;font:inherit}
.has-error input,.has-error select,.has-error textarea{border:2px solid #d93025}
.error{color:#d93025;margin:.2rem 0 0}.alert{border:2px solid #d93025;padding:0 1rem;margin:0 0 1rem}
.optional{font-weight:400;color:#5f6368}button{font:inherit;padding:.5rem 1rem}
</style></head><body>
${body}
</body></html>`;
}
