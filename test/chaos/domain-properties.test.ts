import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { afterAction, CaseActionRequest, decideAction, type ActionContext } from '../../functions/src/domain/case-actions.js';
import type { Caller, Role } from '../../functions/src/domain/caller.js';
import { CASE_STATUSES, type Case } from '../../functions/src/domain/case-model.js';
import { allowedTargets } from '../../functions/src/domain/case-state-machine.js';
import { DEFAULT_FIRST_RESPONSE_MINUTES } from '../../functions/src/domain/sla-policy.js';
import { minutesAfter } from '../builders.js';
import { ACTIONS, BODIES, netappCase, ROLES } from '../case-actions-table.js';
import { callerOf, PEOPLE } from '../tokens.js';
import { recordChaos } from './report.js';

/**
 * Property tests of the case actions (pure: no I/O). fast-check draws a starting status and a
 * sequence of actions by any role at random moments; whatever is drawn, the case never leaves the
 * state machine's table, every applied action writes at least one timeline event as its one new
 * version, and the SLA clock's paused minutes never exceed the time
 * the case really spent awaiting the customer. Seeded: a failure prints the seed and the shrunk
 * sequence, and `FC_SEED=<seed>` replays it.
 */

const ACTORS: Record<Role, Caller & { role: Role }> = { customer: callerOf(PEOPLE.ada), engineer: callerOf(PEOPLE.grace), partner: callerOf(PEOPLE.netapp) };
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
const RUNS = 1_000;

const step = fc.record({ role: fc.constantFrom(...ROLES), action: fc.constantFrom(...ACTIONS), minutesLater: fc.integer({ min: 0, max: 600 }) });
const script = fc.record({ start: fc.constantFrom(...CASE_STATUSES), steps: fc.array(step, { minLength: 1, maxLength: 30 }) });

describe('random sequences of actions on a case', () => {
  it(`stay in the state machine's table, write one version per applied action, and never pause the clock longer than the case waited (${RUNS} sequences, seed ${SEED})`, () => {
    const started = Date.now();
    let actionsTried = 0;
    fc.assert(
      fc.property(script, ({ start, steps }) => {
        let current: Case = netappCase(start);
        let at = Date.parse(minutesAfter(30));
        // A case drawn awaiting the customer has waited since its clock paused, before the first step.
        const pausedSince = current.sla?.pausedSince;
        let awaitedMinutes = pausedSince ? (at - Date.parse(pausedSince)) / 60_000 : 0;
        let versions = 0;
        let events = 0;
        const paused = (c: Case) => c.sla?.pausedMinutes ?? 0;
        const pausedAtStart = paused(current);
        for (const { role, action, minutesLater } of steps) {
          actionsTried += 1;
          if (current.status === 'awaiting_customer') awaitedMinutes += minutesLater;
          at += minutesLater * 60_000;
          const ctx: ActionContext = { caller: ACTORS[role], at: new Date(at), firstResponseMinutes: DEFAULT_FIRST_RESPONSE_MINUTES, partnerExists: (id) => id === 'netapp', actionId: `a-${actionsTried}` };
          const result = decideAction(current, CaseActionRequest.parse(BODIES[action]), ctx);
          if (!result.ok) continue;
          const before = current;
          for (const move of result.value.moves) expect(allowedTargets(move.from, before.resumeStatus ?? null)).toContain(move.to);
          if (result.value.moves.length > 0) expect(result.value.moves[0]!.from).toBe(before.status);
          expect(result.value.change.events.length).toBeGreaterThan(0);
          current = { ...afterAction(before, result.value), version: before.version + 1 };
          versions += 1;
          events += result.value.change.events.length;
          expect(CASE_STATUSES).toContain(current.status);
          expect(paused(current) - pausedAtStart).toBeLessThanOrEqual(awaitedMinutes + 1e-9);
        }
        expect(events).toBeGreaterThanOrEqual(versions);
        expect(current.version - netappCase(start).version).toBe(versions);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    recordChaos({ suite: 'domain: random action sequences', inputs: actionsTried, faults: 0, casesChecked: RUNS, lost: 0, duplicated: 0, ms: Date.now() - started, extra: { seed: SEED } });
  });
});
