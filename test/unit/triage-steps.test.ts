import { describe, expect, it } from 'vitest';
import type { CaseChange } from '../../functions/src/domain/case-change.js';
import type { Case } from '../../functions/src/domain/case-model.js';
import { DEFAULT_FOLLOWUP_PERIODS, nextActionAt } from '../../functions/src/domain/followup-policy.js';
import { DEFAULT_FIRST_RESPONSE_MINUTES } from '../../functions/src/domain/sla-policy.js';
import { classifyStep, decidePriority, prioritizeStep, queueFor, routeStep } from '../../functions/src/domain/triage-steps.js';
import type { Classification } from '../../functions/src/domain/triage-classification.js';
import { aCaseIn } from '../builders.js';

const raised = new Date('2026-11-23T10:00:00.000Z');
const later = new Date('2026-11-23T10:00:05.000Z');

/** A premium P1 case just opened at `raised`, in production, as intake stores it (version 1, the step deadline two minutes on). */
const received = (overrides: Partial<Case> = {}): Case =>
  aCaseIn('received', {
    plan: 'premium', priority: 'P1', environment: 'production', createdAt: raised.toISOString(), nextActionAt: '2026-11-23T10:02:00.000Z', version: 1,
    ...overrides,
  });

const collaborative: Classification = {
  approach: 'collaborative',
  triage: { rule: 'vendor_is_partner', matched: { kind: 'partner', id: 'netapp', name: 'NetApp' } },
  partnerId: 'netapp',
};

/**
 * Applies a step's change the way the store does: the patch, then the next version, `updatedAt` and
 * `nextActionAt` (derived from the case as written), which only the store writes.
 */
const apply = (c: Case, change: CaseChange | null | undefined, at = later): Case => {
  const written = { ...c, ...change?.patch, version: c.version + 1, updatedAt: at.toISOString() };
  return { ...written, nextActionAt: nextActionAt(written, DEFAULT_FOLLOWUP_PERIODS) };
};

describe('classify', () => {
  it('records the approach, the rule and the match, and appends one event; stored, the route step is next', () => {
    const change = classifyStep(received(), collaborative, later)!;
    expect(change.patch).toEqual({ approach: 'collaborative', partnerId: 'netapp', triage: collaborative.triage });
    expect(apply(received(), change)).toMatchObject({ version: 2, nextActionAt: '2026-11-23T10:02:05.000Z' });
    expect(change.events).toEqual([expect.objectContaining({ type: 'case_classified', data: expect.objectContaining({ rule: 'vendor_is_partner' }) })]);
  });

  it('does nothing when the case is already classified (a redelivered message)', () => {
    const once = apply(received(), classifyStep(received(), collaborative, later));
    expect(classifyStep(once, collaborative, later)).toBeNull();
  });

  it('does nothing for a case withdrawn before classification', () => {
    expect(classifyStep(received({ status: 'closed' }), collaborative, later)).toBeNull();
  });
});

describe('prioritize', () => {
  it.each([
    ['P1', 'production', 'P1', 'as_requested'],
    ['P1', 'non_production', 'P2', 'p1_outside_production'],
    ['P2', 'non_production', 'P2', 'as_requested'],
    ['P3', 'production', 'P3', 'as_requested'],
    ['P4', 'non_production', 'P4', 'as_requested'],
  ] as const)('%s in %s becomes %s (%s)', (requested, environment, priority, reason) => {
    expect(decidePriority(requested, environment)).toEqual({ priority, reason });
  });

  const classified = apply(received(), classifyStep(received(), collaborative, later));

  it('starts the first-response clock from when the case was raised, per plan and priority', () => {
    const result = prioritizeStep(classified, DEFAULT_FIRST_RESPONSE_MINUTES, later);
    expect(result.ok).toBe(true);
    const change = result.ok ? result.value.change : undefined;
    expect(change?.patch.sla).toMatchObject({ targetMinutes: 15, firstResponseDueAt: '2026-11-23T10:15:00.000Z' });
    expect(apply(classified, change).version).toBe(3);
  });

  it('stored, schedules the earlier of the step deadline and the 75 % warning', () => {
    const p1 = prioritizeStep(classified, DEFAULT_FIRST_RESPONSE_MINUTES, later);
    // premium P1: 15 min target, warning at 11m15s; the step deadline (+2 min) comes first.
    expect(p1.ok && apply(classified, p1.value.change).nextActionAt).toBe('2026-11-23T10:02:05.000Z');
    const tight = prioritizeStep(classified, { premium: { P1: 2 } }, later);
    expect(tight.ok && apply(classified, tight.value.change).nextActionAt).toBe('2026-11-23T10:01:30.000Z');
  });

  it('lowers a P1 outside production and says why on the timeline', () => {
    const nonProd = apply(received({ environment: 'non_production' }), classifyStep(received(), collaborative, later));
    const result = prioritizeStep(nonProd, DEFAULT_FIRST_RESPONSE_MINUTES, later);
    expect(result.ok && result.value.change?.patch.priority).toBe('P2');
    expect(result.ok && result.value.change?.events[0]?.data).toMatchObject({ priority: 'P2', requestedPriority: 'P1', reason: 'p1_outside_production', targetMinutes: 120 });
  });

  it('does nothing when already prioritized, and refuses an unclassified case', () => {
    const result = prioritizeStep(classified, DEFAULT_FIRST_RESPONSE_MINUTES, later);
    const prioritized = apply(classified, result.ok ? result.value.change : null);
    expect(prioritizeStep(prioritized, DEFAULT_FIRST_RESPONSE_MINUTES, later)).toEqual({ ok: true, value: { change: null } });
    const refused = prioritizeStep(received(), DEFAULT_FIRST_RESPONSE_MINUTES, later);
    expect(refused.ok ? null : refused.error.code).toBe('not_ready');
  });

  it('refuses a plan the SLA table has no target for', () => {
    const result = prioritizeStep({ ...classified, plan: 'basic' }, DEFAULT_FIRST_RESPONSE_MINUTES, later);
    expect(result.ok ? null : result.error.code).toBe('no_sla_target');
  });
});

describe('route', () => {
  const prioritizedAs = (classification: Classification): Case => {
    const c1 = apply(received(), classifyStep(received(), classification, later));
    const p = prioritizeStep(c1, DEFAULT_FIRST_RESPONSE_MINUTES, later);
    return apply(c1, p.ok ? p.value.change : null);
  };

  it.each([
    [collaborative, null, 'partner-netapp'],
    [{ approach: 'workload', triage: { rule: 'r', matched: { kind: 'workload', id: 'postgresql', name: 'PostgreSQL' } }, partnerId: null }, 'workload-databases', 'workload-databases'],
    [{ approach: 'workload', triage: { rule: 'r', matched: null }, partnerId: null }, null, 'workload-general'],
    [{ approach: 'third_party_vendor', triage: { rule: 'r', matched: null }, partnerId: null }, null, 'third-party-vendor'],
  ] as const)('queues a %o case in %s', (classification, workloadQueue, queue) => {
    expect(queueFor(prioritizedAs(classification as Classification), workloadQueue)).toBe(queue);
  });

  it('moves a collaborative case to triaged and asks for the escalation', () => {
    const result = routeStep(prioritizedAs(collaborative), 'partner-netapp', later);
    const routing = result.ok ? result.value : undefined;
    expect(routing?.change?.patch).toMatchObject({ status: 'triaged', queue: 'partner-netapp' });
    expect(apply(prioritizedAs(collaborative), routing?.change)).toMatchObject({ version: 4, nextActionAt: '2026-11-23T10:02:05.000Z' });
    expect(routing?.moves).toEqual([{ from: 'received', to: 'triaged' }]);
    expect(routing?.escalate).toBe(true);
    expect(routing?.change?.events.map((e) => e.data)).toEqual([expect.objectContaining({ from: 'received', to: 'triaged', reason: 'triage_complete' })]);
  });

  it.each(['workload', 'third_party_vendor'] as const)('moves a %s case through triaged to in_progress in one change', (approach) => {
    const c = prioritizedAs({ approach, triage: { rule: 'r', matched: null }, partnerId: null });
    const result = routeStep(c, 'q', later);
    const routing = result.ok ? result.value : undefined;
    expect(routing?.change?.patch).toMatchObject({ status: 'in_progress' });
    // Two moves, one commit: one version.
    expect(apply(c, routing?.change)).toMatchObject({ version: 4, nextActionAt: '2026-11-23T10:11:15.000Z' });
    expect(routing?.moves).toEqual([{ from: 'received', to: 'triaged' }, { from: 'triaged', to: 'in_progress' }]);
    expect(routing?.change?.events).toHaveLength(2);
    expect(routing?.escalate).toBe(false);
  });

  it('does nothing once routed, and refuses a case that was not prioritized', () => {
    const c = prioritizedAs(collaborative);
    const routed = routeStep(c, 'partner-netapp', later);
    expect(routeStep(apply(c, routed.ok ? routed.value.change : null), 'partner-netapp', later)).toEqual({ ok: true, value: { change: null, moves: [], escalate: false } });
    const refused = routeStep(received(), 'q', later);
    expect(refused.ok ? null : refused.error.code).toBe('not_ready');
  });
});
