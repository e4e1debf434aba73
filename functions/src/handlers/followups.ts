import type { CloudEvent, CloudEventFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { fail, ok, type Result } from '../domain/result.js';
import type { Config } from '../config.js';
import type { Case } from '../domain/case-model.js';
import { decideFollowups, dueFollowups, partnerNudge, type NudgeDelivery, type RedriveTopic } from '../domain/followup-policy.js';
import type { DueCase, DueCursor } from '../ports/case-store.js';
import type { Logger } from '../ports/logger.js';
import type { PartnerNotifier } from '../ports/partner-notifier.js';
import { decodePush, pubsubFunction, type Decoded } from './pubsub-step.js';
import type { StepDeps } from './step-deps.js';
import { publishing } from '../domain/case-change.js';
import { dueEntries } from '../domain/outbox.js';

export interface FollowupsDeps extends Omit<StepDeps, 'config'> {
  config: Pick<Config, 'followupPeriods' | 'publicUrl'>;
  notifier: PartnerNotifier;
}

/** How much one tick may do. Whatever is left stays due, and the next tick (a minute later) continues. */
export interface SweepLimits {
  pageSize: number;
  maxPages: number;
  /** No new page is started after this long (the function's timeout is 60 s). */
  budgetMs: number;
  /** Cases followed up at once within a page. */
  concurrency: number;
}

export const DEFAULT_SWEEP_LIMITS: SweepLimits = { pageSize: 100, maxPages: 10, budgetMs: 30_000, concurrency: 8 };

export interface SweepReport {
  /** Due cases read. */
  due: number;
  /** Cases with at least one follow-up applied. */
  acted: number;
  /** Cases found due with nothing to do (another tick got there first, or a retryable nudge failed). */
  idle: number;
  /** Cases that are not valid records: logged and skipped. */
  skipped: number;
  /** Cases that failed with an unexpected (transient) error: the tick is retried. */
  failed: number;
  pages: number;
  /** False when the limits stopped the sweep with more due cases left. */
  complete: boolean;
}

const REDRIVE_TYPES: Record<RedriveTopic, string> = {
  'case-received': 'case.received',
  'case-classified': 'case.classified',
  'case-prioritized': 'case.prioritized',
  'escalation-requested': 'escalation.requested',
};

/**
 * `followup-tick` → follow up every case whose `nextActionAt` has come: SLA warnings and breaches,
 * customer reminders, automatic closures, partner nudges, and re-driving stuck pipeline steps
 * (domain/followup-policy.ts). The tick carries no case: any JSON object is a tick. A case that is not
 * a valid record is logged and skipped; an unexpected error is logged, the other cases are still
 * followed up, and then the tick throws so that Pub/Sub redelivers it (pubsub-step.ts decides).
 */
export function followupsHandler(deps: FollowupsDeps, limits: SweepLimits = DEFAULT_SWEEP_LIMITS): CloudEventFunction {
  return pubsubFunction('followups', deps.log, decodeTick, async (_tick, log) => {
    const report = await sweepFollowups(deps, limits, log);
    return report.complete ? { kind: 'applied', detail: { ...report } } : { kind: 'partial', detail: { ...report } };
  });
}

/** Cloud Scheduler sends `{"source": "cloud-scheduler"}`; any JSON object (or nothing) is a tick. */
export function decodeTick(event: CloudEvent<unknown>): Result<Decoded<null>, string> {
  const pushed = decodePush(event, '{}');
  if (!pushed.ok) return pushed;
  const { json, messageId, trace } = pushed.value;
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('data is not a JSON object');
  return ok({ message: null, logFields: { messageId, trace } });
}

/**
 * One sweep: pages of due cases, earliest first, each followed up in its own transaction. Bounded
 * by `limits`; a case acted on leaves the due range, so the cursor only has to skip what stays
 * (a nudge to a partner that did not answer, a bad record).
 */
export async function sweepFollowups(deps: FollowupsDeps, limits: SweepLimits = DEFAULT_SWEEP_LIMITS, log: Logger = deps.log): Promise<SweepReport> {
  const started = performance.now();
  const now = deps.clock.now();
  const report: SweepReport = { due: 0, acted: 0, idle: 0, skipped: 0, failed: 0, pages: 0, complete: false };
  const errors: unknown[] = [];
  let cursor: DueCursor | undefined;
  while (report.pages < limits.maxPages && performance.now() - started < limits.budgetMs) {
    const page = await deps.store.dueCases(now, limits.pageSize, cursor);
    report.pages += 1;
    report.due += page.cases.length;
    await forEachAtMost(limits.concurrency, page.cases, async (due) => {
      const caseLog = log.with({ caseId: due.caseId });
      try {
        report[(await followUp(deps, due, caseLog)) ? 'acted' : 'idle'] += 1;
      } catch (error) {
        if (error instanceof BadCase || error instanceof z.ZodError) {
          caseLog.error('case is not a valid record; skipped', { error });
          report.skipped += 1;
        } else {
          caseLog.error('follow-up failed; the tick will be retried', { error });
          report.failed += 1;
          errors.push(error);
        }
      }
    });
    if (!page.next) {
      report.complete = true;
      break;
    }
    cursor = page.next;
  }
  if (errors.length) throw errors[0];
  return report;
}

class BadCase extends Error {
  override name = 'BadCase';
}

/** Follows up one due case; true when something was done (not only `nextActionAt` brought up to date). */
async function followUp(deps: FollowupsDeps, due: DueCase, log: Logger): Promise<boolean> {
  if (!due.case) throw new BadCase(due.problem ?? 'unreadable case');
  const periods = deps.config.followupPeriods;
  const at = deps.clock.now();
  // The nudge goes out before the transaction records it: a partner that does not answer is tried again next tick.
  // Messages committed earlier that nobody took up in time: published again (their consumers are idempotent).
  const republished = dueEntries(due.case.outbox, at).length ? await deps.store.flushOutbox(due.caseId, at) : 0;
  if (republished) log.warn('outbox messages published again: they were not taken up in time', { republished });
  const nudge = dueFollowups(due.case, at, periods).some((f) => f.kind === 'partner_nudged') ? await sendNudge(deps, due.caseId, due.case, at, log) : undefined;
  const { caseId } = due;
  const result = await deps.store.updateCase(caseId, (current) => {
    const decision = decideFollowups(current, at, periods, { nudge });
    const redrive = decision?.redrive;
    // What the follow-ups moved or noticed is announced by the case-updated the store derives; a re-drive is this step's own message.
    const message = redrive && { topic: redrive, type: REDRIVE_TYPES[redrive], data: { caseId, ...(redrive === 'escalation-requested' ? { partnerId: current.partnerId } : {}) } };
    return { change: message ? publishing(decision.change, message) : (decision?.change ?? null), result: decision };
  });
  if (!result.found || !result.changed || !result.result) return republished > 0;
  const applied = result.result;
  const { status } = result.case;
  if (applied.applied.length === 0) return republished > 0;
  log.info('follow-ups applied', { applied: applied.applied, status, nextActionAt: result.case.nextActionAt });
  return true;
}

/** Signs and sends the nudge. 0, 429 and 5xx are retryable: the nudge stays due. */
async function sendNudge(deps: FollowupsDeps, caseId: string, current: Case, at: Date, log: Logger): Promise<NudgeDelivery | undefined> {
  const partnerId = current.partnerId;
  const [partner, org] = await Promise.all([partnerId ? deps.registry.partner(partnerId) : null, deps.registry.org(current.orgId)]);
  const callbackUrl = `${deps.config.publicUrl}/partners/${encodeURIComponent(partnerId ?? '')}/callbacks`;
  const nudge = partnerNudge(current, caseId, org?.name ?? current.orgId, callbackUrl, at, deps.config.followupPeriods);
  if (!nudge) return undefined;
  if (!partner || !partnerId) return { webhookId: nudge.webhookId, status: 0, retryable: false, reason: 'unknown_partner' };
  const delivery = await deps.notifier.send({ partnerId, url: partner.webhookUrl, webhookId: nudge.webhookId, body: nudge.body });
  const retryable = delivery.status === 0 || delivery.status === 429 || delivery.status >= 500;
  if (retryable) log.warn('partner nudge not delivered; the next tick tries again', { partnerId, status: delivery.status, webhookId: nudge.webhookId });
  return { webhookId: nudge.webhookId, status: delivery.status, retryable };
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function forEachAtMost<T>(limit: number, items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
