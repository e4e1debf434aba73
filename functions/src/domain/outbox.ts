import { z } from 'zod';

/**
 * The outbox: the messages a commit promised to publish, written in that same commit on the case
 * document, so a crash (or Pub/Sub down) between the commit and the publish loses nothing.
 *
 * An entry is published right after its commit, and it stays until the step that consumes the
 * message discharges it in its own commit (classify discharges `case-received`, notify discharges
 * `case-updated`, …): "published" is proven by "taken up". An entry still there a minute after it
 * was recorded (or after its last attempt, backing off) is published again by the follow-up sweep.
 * Consumers are idempotent, so a message published twice changes nothing.
 */

/** How long an entry may wait to be taken up before the sweep publishes it again (DESIGN.md: within two minutes). */
export const OUTBOX_REDELIVERY_MS = 60_000;
/** Redeliveries back off, doubling from {@link OUTBOX_REDELIVERY_MS}, up to this. */
export const OUTBOX_MAX_BACKOFF_MS = 30 * 60_000;
/**
 * After this many republications an entry is left alone: its consumer fails it every time (each round
 * also dead-letters it, which the duty channel hears of), so publishing it again only repeats the alarm.
 * It stays on the case for an engineer to see, and is no longer due.
 */
export const OUTBOX_MAX_ATTEMPTS = 8;

// case-model.ts holds the outbox in the case, so nothing of it is imported here (no cycle): the same IsoTime.
const IsoTime = z.iso.datetime();

export const OutboxEntry = z.object({
  topic: z.string(),
  /** The message's `type` attribute. */
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
  trace: z.string().optional(),
  recordedAt: IsoTime,
  /** How many times the sweep published it again. */
  attempts: z.number().int().nonnegative(),
  lastAttemptAt: IsoTime.nullable(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

export const Outbox = z.record(z.string(), OutboxEntry);
export type Outbox = z.infer<typeof Outbox>;

/** A message a decision asks to publish once its change is committed (topics: function-triggers.ts). */
export interface OutgoingMessage {
  topic: string;
  type: string;
  data: Record<string, unknown>;
  trace?: string;
}

/**
 * `v000007_case_classified`: the version that recorded it and its topic (a commit publishes at most
 * one message per topic). Letters, digits and `_` only, so it is a plain Firestore field name.
 */
export const outboxEntryId = (version: number, topic: string): string => `v${String(version).padStart(6, '0')}_${topic.replace(/[^A-Za-z0-9]/g, '_')}`;

/** When an entry is next due for the sweep (never, once it was republished {@link OUTBOX_MAX_ATTEMPTS} times). */
export function entryDueAt(entry: OutboxEntry): number {
  if (entry.attempts >= OUTBOX_MAX_ATTEMPTS) return Number.POSITIVE_INFINITY;
  const since = Date.parse(entry.lastAttemptAt ?? entry.recordedAt);
  return since + Math.min(OUTBOX_REDELIVERY_MS * 2 ** entry.attempts, OUTBOX_MAX_BACKOFF_MS);
}

/** The earliest moment an entry of `outbox` is due, or null when it is empty. */
export function outboxDueAt(outbox: Outbox): string | null {
  const due = Object.values(outbox).map(entryDueAt).filter(Number.isFinite);
  return due.length ? new Date(Math.min(...due)).toISOString() : null;
}

/** The IDs of entries due at `now`: recorded (or last tried) long enough ago that nobody took them up. */
export const dueEntries = (outbox: Outbox, now: Date): string[] =>
  Object.entries(outbox)
    .filter(([, entry]) => entryDueAt(entry) <= now.getTime())
    .map(([id]) => id)
    .sort();

/** The earlier of two optional ISO times. */
export const earliest = (a: string | null, b: string | null): string | null => (a === null ? b : b === null ? a : a < b ? a : b);

/**
 * Timeline entries notify may act on: `case-updated` is published for a commit that changes the
 * status or appends one of these (domain/notification-policy.ts tells people about no other).
 */
export const ANNOUNCED_EVENT_TYPES: ReadonlySet<string> = new Set([
  'case_received',
  'status_changed',
  'reply_posted',
  'partner_updated',
  'sla_warning',
  'sla_breached',
  'customer_reminded',
]);

/**
 * The `case-updated` message of one commit, when it has one: the status it left, and the events it
 * appended: a public event whole (notify then needs no read of it), an internal one by ID and type
 * only (the outbox sits on the case document, which customers may read, and an internal event's
 * content is not theirs).
 */
export function caseUpdatedMessage(
  before: { status: string } | null,
  after: { status: string; version: number },
  caseId: string,
  events: readonly { id: string; type: string; internal: boolean; at?: string; actor?: unknown; data?: unknown }[],
): OutgoingMessage | null {
  const moved = before === null || before.status !== after.status;
  if (!moved && !events.some((event) => ANNOUNCED_EVENT_TYPES.has(event.type))) return null;
  return {
    topic: 'case-updated',
    type: moved ? 'case.status_changed' : `case.${events.find((e) => ANNOUNCED_EVENT_TYPES.has(e.type))!.type}`,
    data: {
      caseId,
      version: after.version,
      status: after.status,
      ...(before && moved ? { from: before.status } : {}),
      events: events.map(({ id, type, internal, at, actor, data }) => (internal ? { id, type, internal } : { id, type, internal, at, actor, data })),
    },
  };
}
