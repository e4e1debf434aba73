import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import type { Config } from '../config.js';
import { SYSTEM, TIMELINE_EVENT_TYPES, TimelineEvent, type Case } from '../domain/case-model.js';
import { justChange } from '../domain/case-change.js';
import type { IdentifiedEvent, Notice, NoticeContext } from '../domain/notices.js';
import { noticesFor } from '../domain/notification-policy.js';
import { renderChatCard, renderEmail } from '../domain/notification-templates.js';
import type { NoticeOutcome } from '../ports/case-store.js';
import { isDeliveryFailed, type ChatChannel, type MailAddress, type Mailer } from '../ports/notification-channels.js';
import { pubsubStep } from './pubsub-step.js';
import type { StepDeps } from './step-deps.js';

/** What notify needs: a step's dependencies, and the two channels it tells people through. */
export interface NotifyDeps extends Omit<StepDeps, 'config'> {
  config: Pick<Config, 'firstResponseMinutes' | 'publicUrl'>;
  mailer: Mailer;
  chat: ChatChannel;
}

/**
 * How long a claim holds a notice: longer than the function's 60 s timeout (terraform/functions.tf),
 * so only a delivery that died lets another take the notice over.
 */
export const NOTICE_LEASE_MS = 90_000;

/** `case-updated` as the store derives it (domain/outbox.ts `caseUpdatedMessage`): public events whole, internal ones by ID and type. */
const CaseUpdated = z.object({
  version: z.number().int().positive(),
  // Public events come whole (domain/outbox.ts); internal ones by ID, to be read.
  events: z.array(z.looseObject({ id: z.string().min(1), type: z.string(), internal: z.boolean() })).default([]),
});

export const caseUrlOf = (publicUrl: string, caseId: string): string => `${publicUrl}/app/cases/${encodeURIComponent(caseId)}`;

/** Google Chat's client-assigned message IDs: `client-`, then lower-case letters, digits and hyphens, 63 characters at most. */
export const chatMessageId = (raw: string): string => `client-${raw.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`.slice(0, 63);

type Channel = 'email' | 'chat';

interface Attempt {
  notice: Notice;
  channel: Channel;
  outcome: NoticeOutcome;
  /** Set for a transient failure: the delivery is retried. */
  error?: unknown;
}

/**
 * `case-updated` → the notices of the notification policy for the events it names, each sent once:
 * claimed in the delivery ledger (cases/{id}/notifications/{noticeId}) before it is sent, settled
 * after. A redelivery finds its notices sent and sends nothing; a concurrent one finds them claimed.
 * A permanent refusal is settled `failed` and written on the timeline (`notification_failed`,
 * internal); a transient one is settled `retry` and thrown, so Pub/Sub redelivers.
 */
export function notifyHandler(deps: NotifyDeps): CloudEventFunction {
  return pubsubStep('notify', deps.log, async ({ caseId, data, outboxId }) => {
    const parsed = CaseUpdated.safeParse(data);
    if (!parsed.success) return { kind: 'skipped', reason: 'not a case-updated message (no version or events)' };
    const carried = parsed.data.events.flatMap(({ id, ...rest }) => {
      const event = rest.internal ? undefined : TimelineEvent.safeParse(rest).data;
      return event ? [{ ...event, id }] : [];
    });
    const toRead = parsed.data.events.filter((e) => !carried.some((c) => c.id === e.id)).map((e) => e.id);
    const read: IdentifiedEvent[] = toRead.length ? await deps.store.events(caseId, toRead) : [];
    const events = parsed.data.events.flatMap((e) => [...carried, ...read].filter((x) => x.id === e.id));
    const update = { caseId, version: parsed.data.version, events };
    const claim = await deps.store.claimNotices(caseId, { consumes: outboxId, now: deps.clock.now(), leaseMs: NOTICE_LEASE_MS }, (c) => noticesFor(update, c));
    if (!claim.case) return { kind: 'unknown_case' };
    if (claim.claimed.length === 0) {
      if (claim.inFlight > 0) return { kind: 'skipped', reason: `${claim.inFlight} notice(s) held by another delivery` };
      if (claim.alreadyDone > 0) return { kind: 'already_applied' };
      return { kind: 'applied', detail: { notices: 0 } };
    }
    const current = claim.case;
    const ctx = await contextFor(deps, caseId, current);
    const needsEngineer = claim.claimed.some((n) => n.audience === 'engineer');
    const engineerAddress = needsEngineer ? await engineerRecipient(deps, caseId, current) : undefined;
    const attempts = await Promise.all(
      claim.claimed.map((notice) => deliver(deps, notice, { ...ctx, event: events.find((e) => e.id === notice.eventId)! }, engineerAddress)),
    );
    await deps.store.settleNotices(caseId, attempts.map((a) => a.outcome));
    const failed = attempts.filter((a) => a.outcome.state === 'failed');
    if (failed.length > 0) await recordFailures(deps, caseId, failed);
    const retrying = attempts.filter((a) => a.outcome.state === 'retry');
    if (retrying.length > 0) {
      const first = retrying[0]!.error;
      throw new Error(`${retrying.length} notice(s) could not be sent yet (${retrying.map((a) => a.notice.id).join(', ')}): ${first instanceof Error ? first.message : String(first)}`, { cause: first });
    }
    return { kind: 'applied', detail: { sent: attempts.length - failed.length, failed: failed.length, alreadyDone: claim.alreadyDone, inFlight: claim.inFlight } };
  });
}

async function contextFor(deps: NotifyDeps, caseId: string, current: Case): Promise<Omit<NoticeContext, 'event'>> {
  const partner = current.partnerId ? await deps.registry.partner(current.partnerId) : null;
  return { caseId, caseUrl: caseUrlOf(deps.config.publicUrl, caseId), case: current, ...(partner ? { partnerName: partner.name } : {}) };
}

/** The assigned engineer's address, else the case's queue's; undefined when there is neither. */
async function engineerRecipient(deps: NotifyDeps, caseId: string, current: Case): Promise<MailAddress | undefined> {
  const assignee = (await deps.store.engineering(caseId))?.assignee;
  if (assignee?.email) return { address: assignee.email, name: assignee.name };
  const queue = current.queue ? await deps.registry.queue(current.queue) : null;
  return queue ? { address: queue.email, name: queue.name } : undefined;
}

async function deliver(deps: NotifyDeps, notice: Notice, ctx: NoticeContext, engineer: MailAddress | undefined): Promise<Attempt> {
  const channel: Channel = notice.audience === 'duty' ? 'chat' : 'email';
  const at = () => deps.clock.now().toISOString();
  try {
    if (channel === 'chat') {
      await deps.chat.post({ threadKey: ctx.caseId, body: renderChatCard(notice, ctx), messageId: chatMessageId(`${ctx.caseId}-${notice.id}`) });
    } else {
      const to = notice.audience === 'customer' ? { address: ctx.case.contact.email, name: ctx.case.contact.name } : engineer;
      if (!to) return { notice, channel, outcome: { id: notice.id, state: 'failed', detail: 'no recipient: the case has no assignee with an address and no queue address', at: at() } };
      const email = renderEmail(notice, { ...ctx, ...(to.name ? { recipientName: to.name } : {}) });
      await deps.mailer.send({ to, ...email, messageId: `<${ctx.caseId}.${notice.id}@tandem>`, references: [`<${ctx.caseId}@tandem>`] });
    }
    return { notice, channel, outcome: { id: notice.id, state: 'sent', at: at() } };
  } catch (error) {
    const reason = error instanceof Error ? [error.message, isDeliveryFailed(error) ? error.detail : undefined].filter(Boolean).join(': ') : String(error);
    if (isDeliveryFailed(error) && error.permanent) return { notice, channel, outcome: { id: notice.id, state: 'failed', detail: reason, at: at() } };
    deps.log.warn('notice not sent; it is retried', { noticeId: notice.id, channel, error });
    return { notice, channel, outcome: { id: notice.id, state: 'retry', detail: reason, at: at() }, error };
  }
}

/** The notices that failed for good, on the timeline (internal): engineers see who was not told. */
async function recordFailures(deps: NotifyDeps, caseId: string, failed: Attempt[]): Promise<void> {
  const at = deps.clock.now().toISOString();
  const events: TimelineEvent[] = failed.map(({ notice, channel, outcome }) => ({
    type: 'notification_failed' satisfies keyof typeof TIMELINE_EVENT_TYPES,
    at,
    actor: SYSTEM,
    internal: true,
    data: { noticeId: notice.id, audience: notice.audience, kind: notice.kind, channel, reason: outcome.detail ?? 'refused' },
  }));
  await deps.store.updateCase(caseId, () => justChange({ patch: {}, events }));
  for (const { notice, channel, outcome } of failed) deps.log.warn('notice refused for good; not retried', { noticeId: notice.id, channel, reason: outcome.detail });
}
