import { describe, expect, it } from 'vitest';
import { SYSTEM, TIMELINE_EVENT_TYPES, type TimelineEventType } from '../../functions/src/domain/case-model.js';
import { CaseActionRequest } from '../../functions/src/domain/case-actions.js';
import { isWebAddress } from '../../web/src/model/web-address.js';
import { bodyOf, problemsFor } from '../../web/src/model/form-values.js';
import { routeOf } from '../../web/src/model/routes.js';
import { actorWords, entryWords } from '../../web/src/model/timeline-words.js';
import { durationWords, priorityShort, statusWords } from '../../web/src/model/words.js';

/** The web app's pure parts: how a form's values become a body, where the server's problems land, paths, words. */

describe('a form’s body', () => {
  it.each<{ name: string; values: Record<string, string>; optional: string[]; body: unknown }>([
    { name: 'a plain field', values: { message: 'Hello' }, optional: [], body: { message: 'Hello' } },
    { name: 'dotted names nest', values: { 'vendorContact.name': 'Acme', 'vendorContact.url': 'https://acme.example' }, optional: [], body: { vendorContact: { name: 'Acme', url: 'https://acme.example' } } },
    { name: 'an empty optional field is left out', values: { message: 'x', googleCloudProjectId: '  ' }, optional: ['googleCloudProjectId'], body: { message: 'x' } },
    { name: 'an empty required field is sent, so the server names it', values: { subject: '' }, optional: [], body: { subject: '' } },
    { name: 'an empty optional field of a group leaves the rest of the group', values: { 'vendorContact.name': 'Acme', 'vendorContact.email': '' }, optional: ['vendorContact.email'], body: { vendorContact: { name: 'Acme' } } },
  ])('$name', ({ values, optional, body }) => {
    expect(bodyOf(values, new Set(optional))).toEqual(body);
  });
});

describe('where the server’s problems go', () => {
  const fields = ['subject', 'vendorContact.name', 'vendorContact.url'];
  it('each beside its field, a group’s to its first field, and the rest above the form', () => {
    const problems = problemsFor(
      [
        { path: 'subject', message: 'Enter a subject' },
        { path: 'subject', message: 'Keep the subject to 200 characters' },
        { path: 'vendorContact', message: 'Say who the vendor is' },
        { path: 'vendorContact.url', message: 'Enter the vendor support page as a full address, https://…' },
        { path: 'orgId', message: 'Enter your organization ID' },
      ],
      fields,
    );
    expect(problems.byField).toEqual({
      subject: ['Enter a subject', 'Keep the subject to 200 characters'],
      'vendorContact.name': ['Say who the vendor is'],
      'vendorContact.url': ['Enter the vendor support page as a full address, https://…'],
    });
    expect(problems.general).toEqual(['Enter your organization ID']);
  });
});

describe('the app’s paths', () => {
  it.each([
    ['/app', { page: 'home' }],
    ['/app/', { page: 'home' }],
    ['/app/cases/new', { page: 'new-case' }],
    ['/app/cases/3f2a9c', { page: 'case', caseId: '3f2a9c' }],
    ['/app/cases/3f2a9c/', { page: 'case', caseId: '3f2a9c' }],
    ['/app/cases/a%2Fb', { page: 'not-found', path: '/app/cases/a%2Fb' }],
    ['/app/elsewhere', { page: 'not-found', path: '/app/elsewhere' }],
  ])('%s → %j', (path, route) => {
    expect(routeOf(path)).toEqual(route);
  });
});

describe('words', () => {
  it('a customer reads their own words for a case waiting on them; others read the status', () => {
    expect(statusWords('awaiting_customer', 'customer')).toBe('Waiting for your reply');
    expect(statusWords('awaiting_customer', 'engineer')).toBe('Waiting for the customer');
    expect(priorityShort('P1')).toBe('P1 Critical');
  });

  it.each([
    [45 * 60_000, '45 min'],
    [60 * 60_000, '1 h'],
    [200 * 60_000, '3 h 20 min'],
    [52 * 3_600_000, '2 d 4 h'],
    [-30 * 60_000, '30 min'],
  ])('%d ms reads %s', (ms, words) => {
    expect(durationWords(ms)).toBe(words);
  });

  it('every kind of timeline entry has a title in words, and names who acted', () => {
    for (const type of Object.keys(TIMELINE_EVENT_TYPES) as TimelineEventType[]) {
      const words = entryWords({ type, at: '2026-03-02T09:00:00.000Z', actor: { kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' }, data: { from: 'P3', to: 'P2', approach: 'collaborative' }, internal: false }, 'engineer');
      expect(words.title, type).toMatch(/^[A-Z]/);
      expect(words.title, type).not.toMatch(/undefined|null|\[object/);
    }
    expect(actorWords(SYSTEM, 'customer')).toBe('Tandem');
    expect(actorWords({ kind: 'engineer', id: 'u-grace', name: 'Grace Hopper' }, 'customer')).toBe('Grace Hopper (Customer Care)');
  });

  it('a partner’s ticket and a vendor’s contact are shown with the entry', () => {
    const words = entryWords(
      { type: 'status_changed', at: '2026-03-02T09:00:00.000Z', actor: SYSTEM, data: { from: 'in_progress', to: 'referred_to_vendor', message: 'Acme supports WidgetDB.', vendorContact: { name: 'Acme support', url: 'https://acme.example/support' } }, internal: false },
      'customer',
    );
    expect(words).toMatchObject({ title: 'Referred to the vendor', message: 'Acme supports WidgetDB.', details: ['Vendor: Acme support · https://acme.example/support'] });
  });
});

describe('a status change on the timeline', () => {
  const change = (data: Record<string, unknown>, actor: Parameters<typeof actorWords>[0]) => entryWords({ type: 'status_changed', at: '2026-03-02T09:00:00.000Z', actor, data, internal: false }, 'engineer').title;
  it('names who moved it, unless Tandem did; a customer’s answer reads as their reply', () => {
    expect(change({ from: 'in_progress', to: 'awaiting_customer', reason: 'information_requested' }, { kind: 'engineer', id: 'u', name: 'Grace Hopper' })).toBe('Waiting for the customer — Grace Hopper');
    expect(change({ from: 'triaged', to: 'in_progress', reason: 'triage_complete' }, SYSTEM)).toBe('In progress');
    expect(change({ from: 'awaiting_customer', to: 'in_progress', reason: 'customer_replied' }, { kind: 'customer', id: 'c', name: 'Ada Novak' })).toBe('Ada Novak replied');
  });
});

describe('a vendor’s support page', () => {
  it.each([
    ['https://acme.example/support', true],
    ['http://acme.example', true],
    ['javascript:alert(1)', false],
    ['JAVASCRIPT:alert(1)', false],
    ['data:text/html,<script>alert(1)</script>', false],
    ['not a url', false],
  ])('%s is linked: %s', (url, linked) => {
    expect(isWebAddress(url)).toBe(linked);
    // The server refuses what the page would not link.
    expect(CaseActionRequest.safeParse({ action: 'refer_to_vendor', vendorContact: { name: 'Acme', url }, message: 'Acme supports it.' }).success).toBe(linked);
  });
});
