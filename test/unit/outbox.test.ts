import { describe, expect, it } from 'vitest';
import { caseUpdatedMessage, dueEntries, earliest, entryDueAt, outboxDueAt, outboxEntryId, OUTBOX_MAX_ATTEMPTS, OUTBOX_MAX_BACKOFF_MS, OUTBOX_REDELIVERY_MS, type OutboxEntry } from '../../functions/src/domain/outbox.js';

const entry = (recordedAt: string, attempts = 0, lastAttemptAt: string | null = null): OutboxEntry => ({ topic: 'case-updated', type: 'case.status_changed', data: {}, recordedAt, attempts, lastAttemptAt });
const T = '2026-11-23T09:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T) + ms).toISOString();

describe('outbox entry IDs', () => {
  it.each([
    [7, 'case-classified', 'v000007_case_classified'],
    [1, 'case-updated', 'v000001_case_updated'],
    [123456, 'escalation-requested', 'v123456_escalation_requested'],
  ])('version %i, topic %s → %s (a plain Firestore field name)', (version, topic, id) => {
    expect(outboxEntryId(version, topic)).toBe(id);
    expect(id).toMatch(/^[A-Za-z0-9_]+$/);
  });
});

describe('when the sweep publishes an entry again', () => {
  it.each([
    { name: 'a minute after it was recorded', e: entry(T), due: at(OUTBOX_REDELIVERY_MS) },
    { name: 'two minutes after the first attempt', e: entry(T, 1, at(60_000)), due: at(60_000 + 2 * OUTBOX_REDELIVERY_MS) },
    { name: 'four minutes after the second', e: entry(T, 2, at(180_000)), due: at(180_000 + 4 * OUTBOX_REDELIVERY_MS) },
    { name: 'never more than 30 minutes apart', e: entry(T, OUTBOX_MAX_ATTEMPTS - 1, at(0)), due: at(OUTBOX_MAX_BACKOFF_MS) },
  ])('$name', ({ e, due }) => {
    expect(new Date(entryDueAt(e)).toISOString()).toBe(due);
  });

  it(`leaves an entry alone after ${OUTBOX_MAX_ATTEMPTS} republications: it is no longer due, and does not hold the case's schedule`, () => {
    const given = entry(T, OUTBOX_MAX_ATTEMPTS, at(0));
    expect(entryDueAt(given)).toBe(Number.POSITIVE_INFINITY);
    expect(dueEntries({ v000001_case_received: given }, new Date(at(365 * 24 * 3600_000)))).toEqual([]);
    expect(outboxDueAt({ v000001_case_received: given })).toBeNull();
    expect(outboxDueAt({ v000001_case_received: given, v000002_case_updated: entry(T) })).toBe(at(60_000));
  });

  it('is due for the earliest of the case’s entries, and only for those whose time has come', () => {
    const outbox = { v000002_case_updated: entry(at(120_000)), v000001_case_received: entry(T) };
    expect(outboxDueAt(outbox)).toBe(at(60_000));
    expect(outboxDueAt({})).toBeNull();
    expect(dueEntries(outbox, new Date(at(59_999)))).toEqual([]);
    expect(dueEntries(outbox, new Date(at(60_000)))).toEqual(['v000001_case_received']);
    expect(dueEntries(outbox, new Date(at(180_000)))).toEqual(['v000001_case_received', 'v000002_case_updated']);
  });

  it.each([
    [null, null, null],
    [T, null, T],
    [null, T, T],
    [T, at(1), T],
    [at(1), T, T],
  ])('earliest(%s, %s) is %s', (a, b, expected) => {
    expect(earliest(a, b)).toBe(expected);
  });
});

describe('case-updated for a commit', () => {
  const publicEvent = { id: 'v000003-00', type: 'reply_posted', internal: false, at: T, actor: { kind: 'engineer', id: 'u-1' }, data: { message: 'Try this.' } };
  const internalEvent = { id: 'v000003-01', type: 'sla_breached', internal: true, at: T, actor: { kind: 'system', id: 'tandem' }, data: { escalatedTo: 'duty_manager' } };

  it('announces a status move, with where it came from', () => {
    expect(caseUpdatedMessage({ status: 'in_progress' }, { status: 'resolved', version: 3 }, 'c-1', [])).toEqual({
      topic: 'case-updated', type: 'case.status_changed', data: { caseId: 'c-1', version: 3, status: 'resolved', from: 'in_progress', events: [] },
    });
  });

  it('announces a new case (no status before it), without a from', () => {
    expect(caseUpdatedMessage(null, { status: 'received', version: 1 }, 'c-1', [])?.data).toEqual({ caseId: 'c-1', version: 1, status: 'received', events: [] });
  });

  it('carries a public event whole and an internal one by ID and type only (the case document is readable by customers)', () => {
    const message = caseUpdatedMessage({ status: 'in_progress' }, { status: 'in_progress', version: 3 }, 'c-1', [publicEvent, internalEvent]);
    expect(message?.type).toBe('case.reply_posted');
    expect(message?.data.events).toEqual([publicEvent, { id: 'v000003-01', type: 'sla_breached', internal: true }]);
    expect(JSON.stringify(message)).not.toContain('duty_manager');
  });

  it.each(['note_added', 'case_assigned', 'case_classified', 'partner_nudged', 'step_redriven', 'notification_failed'])('announces nothing for a commit that only appends %s and keeps the status', (type) => {
    expect(caseUpdatedMessage({ status: 'in_progress' }, { status: 'in_progress', version: 4 }, 'c-1', [{ id: 'v000004-00', type, internal: true }])).toBeNull();
  });
});
