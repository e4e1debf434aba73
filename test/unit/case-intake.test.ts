import { describe, expect, it } from 'vitest';
import { openCase, parseSubmission, submissionFor } from '../../functions/src/domain/case-intake.js';
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

describe('submissionFor: the signed-in person opening the case', () => {
  const customer = { uid: 'u-ada', role: 'customer', orgId: 'org-premium', partnerId: null, name: 'Ada Lovelace', email: 'ada@example.com' } as const;
  const engineer = { uid: 'u-grace', role: 'engineer', orgId: null, partnerId: null, name: 'Grace Hopper', email: 'grace@tandem.example' } as const;
  const partner = { uid: 'u-netapp', role: 'partner', orgId: null, partnerId: 'netapp', name: 'NetApp desk', email: null } as const;
  const { orgId: _org, contact: _contact, ...fields } = valid;

  it("a customer's case is their org's, with themselves as contact unless they name another", () => {
    expect(submissionFor(fields, customer)).toMatchObject({ ok: true, value: { orgId: 'org-premium', contact: { name: 'Ada Lovelace', email: 'ada@example.com' } } });
    const other = { name: 'Bob', email: 'bob@example.com' };
    expect(submissionFor({ ...fields, contact: other }, customer)).toMatchObject({ ok: true, value: { contact: other } });
    expect(submissionFor({ ...fields, orgId: 'org-premium' }, customer).ok).toBe(true);
  });

  it("a customer naming another org is forbidden", () => {
    expect(submissionFor({ ...fields, orgId: 'org-other' }, customer)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('an engineer names the org and the contact, reported together when missing', () => {
    expect(submissionFor(valid, engineer)).toMatchObject({ ok: true, value: { orgId: 'org-premium' } });
    const missing = submissionFor(fields, engineer);
    if (missing.ok) throw new Error('expected problems');
    expect(missing.error.issues?.map((i) => i.path).sort()).toEqual(['contact', 'orgId']);
  });

  it('a partner opens no case', () => {
    expect(submissionFor(valid, partner)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });
});

describe('openCase', () => {
  const submission = valid as CaseSubmission;

  it.each(['basic', 'standard'] as const)('refuses an org on %s, naming its plan and the plans that qualify', (plan) => {
    const result = openCase(submission, anOrg({ name: 'Acme', supportPlan: plan }), at, { kind: 'customer', id: 'u-ada', name: 'Ada Lovelace' });
    if (result.ok) throw new Error('expected a refusal');
    expect(result.error).toMatchObject({ code: 'not_entitled', details: { plan, qualifyingPlans: ['enhanced', 'premium', 'partner_premium'] } });
    expect(result.error.message).toMatch(/Enhanced, Premium and Partner Premium Support/);
  });

  it.each(['enhanced', 'premium', 'partner_premium'] as const)('opens a received case for an org on %s, with the plan taken from the org', (plan) => {
    const result = openCase(submission, anOrg({ name: 'Acme', supportPlan: plan }), at, { kind: 'customer', id: 'u-ada', name: 'Ada Lovelace' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.case).toMatchObject({ status: 'received', plan, createdAt: at.toISOString() });
    // Version, updatedAt and nextActionAt are the store's to write (test/integration/intake.test.ts).
    for (const owned of ['version', 'updatedAt', 'nextActionAt']) expect(result.value.case).not.toHaveProperty(owned);
    expect(result.value.event).toMatchObject({ type: 'case_received', at: at.toISOString(), actor: { kind: 'customer', id: 'u-ada', name: 'Ada Lovelace' } });
  });
});
