import { describe, expect, it } from 'vitest';
import { CaseActionRequest } from '../../functions/src/domain/case-actions.js';
import { toFieldIssues } from '../../functions/src/domain/zod-issues.js';
import { IntakeRequest } from '../../functions/src/handlers/intake.js';
import { BODIES } from '../case-actions-table.js';

/**
 * The web app puts each message beside its field, so every one must say what to do in words a
 * person uses: never the schema library's "Invalid input: expected string, received undefined".
 */
const SCHEMA_WORDING = /invalid (input|option|type)|expected|received|undefined|NaN|regex|\bZod\b/i;

const VALID_CASE = {
  subject: 'Volumes go read-only',
  description: 'Since this morning.',
  product: 'Cloud Volumes ONTAP',
  vendor: 'NetApp',
  priority: 'P2',
  environment: 'production',
  contact: { name: 'Ada Novak', email: 'ada@globex.example' },
};
const BAD_VALUES: [string, unknown][] = [
  ['missing', undefined],
  ['empty', ''],
  ['blank', '   '],
  ['a number', 42],
  ['null', null],
  ['a list', ['x']],
];

describe('the intake form’s messages', () => {
  const fields = Object.keys(VALID_CASE).concat('contact.name', 'contact.email', 'googleCloudProjectId', 'orgId');
  const cases = fields.flatMap((field) => BAD_VALUES.map(([how, value]) => [field, how, value] as const));
  it.each(cases)('%s %s gets a message for people', (field, _how, value) => {
    const body: Record<string, unknown> = structuredClone(VALID_CASE);
    const [head, tail] = field.split('.') as [string, string | undefined];
    if (tail) (body[head] as Record<string, unknown>)[tail] = value;
    else body[head] = value;
    if (value === undefined) {
      if (tail) delete (body[head] as Record<string, unknown>)[tail];
      else delete body[head];
    }
    const parsed = IntakeRequest.safeParse(body);
    // Some fields may be left out (the org, the contact, the project): those are accepted.
    if (parsed.success) return expect(['orgId', 'contact', 'googleCloudProjectId']).toContain(head);
    for (const issue of toFieldIssues(parsed.error)) expect(issue.message).not.toMatch(SCHEMA_WORDING);
  });
});

describe('the case actions’ messages', () => {
  const cases = Object.entries(BODIES).flatMap(([action, body]) =>
    Object.keys(body)
      .filter((key) => key !== 'action')
      .flatMap((key) => BAD_VALUES.map(([how, value]) => [action, key, how, value, body] as const)),
  );
  it.each(cases)('%s with %s %s gets a message for people', (_action, key, _how, value, valid) => {
    const body: Record<string, unknown> = { ...valid, [key]: value };
    if (value === undefined) delete body[key];
    const parsed = CaseActionRequest.safeParse(body);
    if (parsed.success) return;
    for (const issue of toFieldIssues(parsed.error)) expect(issue.message).not.toMatch(SCHEMA_WORDING);
  });
});
