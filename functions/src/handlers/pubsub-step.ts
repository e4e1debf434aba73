import type { CloudEvent, CloudEventFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import { fail, ok, type Result } from '../domain/result.js';
import type { LogFields, Logger } from '../ports/logger.js';

/** What a triage step gets from a Pub/Sub push, decoded. */
export interface StepMessage {
  caseId: string;
  type: string;
  trace?: string;
  messageId: string;
  data: Record<string, unknown>;
  /** The outbox entry this message was published from (domain/outbox.ts): the step discharges it. */
  outboxId?: string;
}

/**
 * How a step ended, for the log. Every outcome acknowledges the message; only a thrown error
 * makes Pub/Sub redeliver (and, after 5 attempts, dead-letter it).
 */
export type StepOutcome =
  | { kind: 'applied'; detail?: Record<string, unknown> }
  | { kind: 'already_applied' }
  | { kind: 'unknown_case' }
  /** The message is valid but the case is not where this step expects (never retried: the sweep re-drives). */
  | { kind: 'skipped'; reason: string }
  /** Done as far as one delivery may go; the next message carries on (the follow-up sweep's limits). */
  | { kind: 'partial'; detail: Record<string, unknown> };

/** What every push carries, decoded: the message ID and the trace, and the message's JSON data. */
export interface PushedData {
  messageId: string;
  type: string;
  trace?: string;
  json: unknown;
}

const PushedMessage = z.object({
  message: z.object({
    data: z.string().optional(),
    attributes: z.record(z.string(), z.string()).nullish(),
    messageId: z.string().optional(),
  }),
});
const MessageData = z.looseObject({ caseId: z.string().min(1).max(128) });

/** Decodes the CloudEvent the Functions Framework makes of a push; a malformed one is a value, not a throw. */
export function decodePush(event: CloudEvent<unknown>, emptyData = ''): Result<PushedData, string> {
  const pushed = PushedMessage.safeParse(event.data);
  if (!pushed.success) return fail('not a Pub/Sub message');
  const { message } = pushed.data;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(message.data ?? '', 'base64').toString('utf8') || emptyData);
  } catch {
    return fail('data is not JSON');
  }
  return ok({ messageId: message.messageId ?? event.id, type: message.attributes?.type ?? 'unknown', trace: message.attributes?.trace, json });
}

/** A step's message: the case it is about. */
export function decodeStepMessage(event: CloudEvent<unknown>): Result<StepMessage, string> {
  const pushed = decodePush(event);
  if (!pushed.ok) return pushed;
  const data = MessageData.safeParse(pushed.value.json);
  if (!data.success) return fail(`data has no valid caseId: ${z.prettifyError(data.error)}`);
  const { messageId, type, trace } = pushed.value;
  const outboxId = typeof data.data.outboxId === 'string' ? data.data.outboxId : undefined;
  return ok({ caseId: data.data.caseId, type, trace, messageId, data: data.data, outboxId });
}

/** What a Pub/Sub function's decoder gives the shape: the message, and the fields its log lines carry. */
export interface Decoded<M> {
  message: M;
  logFields: LogFields;
}

/**
 * The one place a Pub/Sub function's result becomes ack-or-retry. A malformed message is logged and
 * acknowledged (retrying cannot fix it); an expected outcome is logged and acknowledged; an
 * unexpected error (Firestore contention, the emulator down) is logged and rethrown, so the
 * framework answers 500 and Pub/Sub redelivers.
 */
export function pubsubFunction<M>(
  step: string,
  log: Logger,
  decode: (event: CloudEvent<unknown>) => Result<Decoded<M>, string>,
  run: (message: M, log: Logger) => Promise<StepOutcome>,
): CloudEventFunction {
  return async (event) => {
    const decoded = decode(event);
    if (!decoded.ok) {
      log.error('malformed message acknowledged without processing', { step, messageId: event.id, reason: decoded.error });
      return;
    }
    const stepLog = log.with({ step, ...decoded.value.logFields });
    const started = performance.now();
    const elapsed = () => ({ durationMs: Math.round((performance.now() - started) * 10) / 10 });
    let outcome: StepOutcome;
    try {
      outcome = await run(decoded.value.message, stepLog);
    } catch (error) {
      stepLog.error('step failed; Pub/Sub will redeliver', { error, ...elapsed() });
      throw error;
    }
    if (outcome.kind === 'unknown_case') stepLog.warn('message for an unknown case acknowledged', elapsed());
    else if (outcome.kind === 'skipped') stepLog.warn('message acknowledged without action', { reason: outcome.reason, ...elapsed() });
    else if (outcome.kind === 'already_applied') stepLog.info('already applied; output re-published', elapsed());
    else if (outcome.kind === 'partial') stepLog.warn('step done as far as one delivery goes; the next one continues', { ...outcome.detail, ...elapsed() });
    else stepLog.info('step applied', { ...outcome.detail, ...elapsed() });
  };
}

/** A triage step: one case per message. */
export function pubsubStep(step: string, log: Logger, run: (message: StepMessage, log: Logger) => Promise<StepOutcome>): CloudEventFunction {
  return pubsubFunction(
    step,
    log,
    (event) => {
      const decoded = decodeStepMessage(event);
      if (!decoded.ok) return decoded;
      const m = decoded.value;
      return ok({ message: m, logFields: { caseId: m.caseId, trace: m.trace, messageId: m.messageId } });
    },
    run,
  );
}
