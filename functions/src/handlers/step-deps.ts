import type { Case } from '../domain/case-model.js';
import type { Config } from '../config.js';
import type { CaseStore } from '../ports/case-store.js';
import type { Clock } from '../ports/clock.js';
import type { EventBus } from '../ports/event-bus.js';
import type { Logger } from '../ports/logger.js';
import type { Registry } from '../ports/registry.js';

/** What a Pub/Sub step needs. */
export interface StepDeps {
  config: Pick<Config, 'firstResponseMinutes'>;
  store: CaseStore;
  registry: Registry;
  bus: EventBus;
  clock: Clock;
  log: Logger;
}

/**
 * `case-updated`, once per status change, with the case's version after the commit that made it
 * (a commit that moved the case twice publishes both moves with that version). `(version, status)`
 * lets the consumer drop a copy it has seen: a step that finds itself applied publishes again.
 */
export async function publishCaseUpdated(bus: EventBus, current: Pick<Case, 'status' | 'version'>, caseId: string, trace: string | undefined, from?: Case['status']): Promise<void> {
  await bus.publish('case-updated', {
    type: 'case.status_changed',
    data: { caseId, status: current.status, version: current.version, ...(from ? { from } : {}) },
    trace,
  });
}
