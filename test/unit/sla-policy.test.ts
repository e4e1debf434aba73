import { describe, expect, it } from 'vitest';
import { DEFAULT_FIRST_RESPONSE_MINUTES, partnerAckMinutes, slaWarningAt, startSla } from '../../functions/src/domain/sla-policy.js';

const raised = new Date('2026-11-23T10:00:00.000Z');

describe('first-response targets (DESIGN.md table)', () => {
  it.each([
    ['enhanced', 'P1', 60], ['enhanced', 'P2', 240], ['enhanced', 'P3', 480], ['enhanced', 'P4', 480],
    ['premium', 'P1', 15], ['premium', 'P2', 120], ['premium', 'P3', 240], ['premium', 'P4', 480],
    ['partner_premium', 'P1', 15], ['partner_premium', 'P2', 120], ['partner_premium', 'P3', 240], ['partner_premium', 'P4', 480],
  ] as const)('%s %s is due after %i minutes', (plan, priority, minutes) => {
    const sla = startSla(DEFAULT_FIRST_RESPONSE_MINUTES, plan, priority, raised);
    expect(sla?.firstResponseDueAt).toBe(new Date(raised.getTime() + minutes * 60_000).toISOString());
  });

  it.each(['basic', 'standard'] as const)('%s has no target', (plan) => {
    expect(startSla(DEFAULT_FIRST_RESPONSE_MINUTES, plan, 'P1', raised)).toBeUndefined();
  });

  it('the table is data: another table gives other due times', () => {
    expect(startSla({ premium: { P1: 5 } }, 'premium', 'P1', raised)?.firstResponseDueAt).toBe('2026-11-23T10:05:00.000Z');
  });

  it('warns at 75 % of the target', () => {
    const sla = startSla(DEFAULT_FIRST_RESPONSE_MINUTES, 'enhanced', 'P1', raised)!;
    expect(slaWarningAt(sla).toISOString()).toBe('2026-11-23T10:45:00.000Z');
  });

  it('partner acknowledgement targets default per priority and a partner may override them', () => {
    expect(['P1', 'P2', 'P3', 'P4'].map((p) => partnerAckMinutes(p as 'P1'))).toEqual([60, 120, 480, 1440]);
    expect(partnerAckMinutes('P1', { P1: 30 })).toBe(30);
  });
});
