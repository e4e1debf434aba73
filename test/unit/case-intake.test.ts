import { describe, expect, it } from 'vitest';
import { formFieldForPath, openCase, parseSubmission, submissionFromForm } from '../../functions/src/domain/case-intake.js';
import type { CaseSubmission } from '../../functions/src/domain/case-model.js';
import { anOrg } from '../builders.js';

const valid = {
  orgId: 'org-premium',
  contact: { name: 'Ada Lovelace', email: 'ada@example.com' },
  subject: 'Volumes offline',
  description: 'All ONTAP volumes went offline after the upgrade.',
  product: 'NetApp Cloud Volumes ONTAP',
  vendor: 'NetApp',
  priority: 'P1',
  environment: 'production',
};
const at = new Date('2026-11-23T10:00:00.000Z');

describe('parseSubmission', () => {
  it('accepts a complete submission', () => {
    expect(parseSubmission(valid)).toMatchObject({ ok: true, value: { orgId: 'org-premium', priority: 'P1' } });
  });

  it('reports every problem at once, each with its path', () => {
    const result = parseSubmission({ ...valid, contact: { name: '', email: 'nope' }, subject: 'x'.repeat(201), priority: 'P9', description: undefined });
    if (result.ok) throw new Error('expected a failure');
    expect(result.error.code).toBe('invalid_request');
    expect(result.error.issues?.map((i) => i.path).sort()).toEqual(['contact.email', 'contact.name', 'description', 'priority', 'subject']);
  });

  it('rejects a body that is not an object', () => {
    const result = parseSubmission('hello');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues).toEqual([expect.objectContaining({ path: '(body)' })]);
  });
});

describe('HTML form mapping', () => {
  it('maps the flat contact fields and drops a blank optional project ID', () => {
    const { contact, ...rest } = valid;
    const body = submissionFromForm({ ...rest, contactName: contact.name, contactEmail: contact.email, googleCloudProjectId: '', idempotencyKey: 'k' });
    expect(body).not.toHaveProperty('googleCloudProjectId');
    expect(parseSubmission(body)).toMatchObject({ ok: true, value: { contact } });
  });

  it('stores a textarea’s CRLF line breaks as LF, as a JSON client sends them', () => {
    expect(submissionFromForm({ description: 'line one\r\nline two\rline three' }).description).toBe('line one\nline two\nline three');
  });

  it.each([
    ['contact.name', 'contactName'],
    ['contact.email', 'contactEmail'],
    ['contact', 'contactName'],
    ['subject', 'subject'],
  ])('an issue at %s shows beside the %s field', (path, field) => {
    expect(formFieldForPath(path)).toBe(field);
  });
});

describe('openCase', () => {
  const submission = valid as CaseSubmission;

  it.each(['basic', 'standard'] as const)('refuses an org on %s, naming its plan and the plans that qualify', (plan) => {
    const result = openCase(submission, anOrg({ name: 'Acme', supportPlan: plan }), at);
    if (result.ok) throw new Error('expected a refusal');
    expect(result.error).toMatchObject({ code: 'not_entitled', details: { plan, qualifyingPlans: ['enhanced', 'premium', 'partner_premium'] } });
    expect(result.error.message).toMatch(/Enhanced, Premium and Partner Premium Support/);
  });

  it.each(['enhanced', 'premium', 'partner_premium'] as const)('opens a received case for an org on %s, with the plan taken from the org', (plan) => {
    const result = openCase(submission, anOrg({ name: 'Acme', supportPlan: plan }), at);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.case).toMatchObject({ status: 'received', plan, createdAt: at.toISOString() });
    // Version, updatedAt and nextActionAt are the store's to write (test/integration/intake.test.ts).
    for (const owned of ['version', 'updatedAt', 'nextActionAt']) expect(result.value.case).not.toHaveProperty(owned);
    expect(result.value.event).toMatchObject({ type: 'case_received', at: at.toISOString(), actor: { kind: 'customer', id: 'ada@example.com' } });
  });
});
