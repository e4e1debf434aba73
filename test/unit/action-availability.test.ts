import { describe, expect, it } from 'vitest';
import { actionApplies, availableActions, CASE_ACTION_NAMES } from '../../functions/src/domain/action-availability.js';
import { CASE_ACTIONS } from '../../functions/src/domain/case-actions.js';
import { ACTIONS, TABLE } from '../case-actions-table.js';

/**
 * What the web app offers is what the server accepts: the availability table against the contract's
 * table of every role × action × status (test/case-actions-table.ts, written from DESIGN.md), the
 * same table decideAction is tested against.
 */
describe('which actions a person is offered', () => {
  it('names every action the request schema takes, and no other', () => {
    expect([...CASE_ACTION_NAMES].sort()).toEqual([...CASE_ACTIONS].sort());
    expect([...CASE_ACTION_NAMES].sort()).toEqual([...ACTIONS].sort());
  });

  it.each(TABLE)('a %s is offered %s on a %s case exactly when the contract applies it (%j)', (role, action, status, expected) => {
    expect(actionApplies(role, action, status)).toBe(expected !== 'forbidden' && expected !== 'invalid_transition');
  });

  it('lists them in the table order', () => {
    expect(availableActions('customer', 'resolved')).toEqual(['reply', 'withdraw', 'confirm_resolution', 'reopen']);
    expect(availableActions('partner', 'awaiting_partner')).toEqual(['request_info', 'acknowledge', 'decline']);
    expect(availableActions('engineer', 'closed')).toEqual(['add_note']);
  });
});
