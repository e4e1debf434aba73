import type { CloudEvent, CloudEventFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import type { Logger } from '../ports/logger.js';

/** What a triage step gets from a Pub/Sub push, decoded. */
export interface StepMessage {
  caseId: string;
  type: string;
  trace?: string;
  messageId: string;
  data: Record<string, unknown>;
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
  | { kind: 'skipped'; reason: string };

const PushedMessage = z.object({
  message: z.object({
    data: z.string().optional(),
    attributes: z.record(z.string(), z.string()).nullish(),
    messageId: z.string().optional(),
  }),
});
const MessageData = z.looseObject({ caseId: z.string().min(1).max(128) });

/** Decodes the CloudEvent the Functions Framework makes of a push; a malformed one is a value, not a throw. */
export function decodeStepMessage(event: CloudEvent<unknown>): { ok: true; value: StepMessage } | { ok: false; reason: string } {
  const pushed = PushedMessage.safeParse(event.data);
  if (!pushed.success) return { ok: false, reason: 'not a Pub/Sub message' };
  const { message } = pushed.data;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(message.data ?? '', 'base64').toString('utf8'));
  } catch {
    return { ok: false, reason: 'data is not JSON' };
  }
  const data = MessageData.safeParse(json);
  if (!data.success) return { ok: false, reason: `data has no valid caseId: ${z.prettifyError(data.error)}` };
  return {
    ok: true,
    value: {
      caseId: data.data.caseId,
      type: message.attributes?.type ?? 'unknown',
      trace: message.attributes?.trace,
      messageId: message.messageId ?? event.id,
      data: data.data,
    },
  };
}

/**
 * The one place a Pub/Sub step's result becomes ack-or-retry. A malformed message is logged and
 * acknowledged (retrying cannot fix it); an expected outcome is logged and acknowledged; an
 * unexpected error (Firestore contention, the emulator down) is logged and rethrown, so the
 * framework answers 500 and Pub/Sub redelivers.
 */
export function pubsubStep(step: string, log: Logger, run: (message: StepMessage, log: Logger) => Promise<StepOutcome>): CloudEventFunction {
  return async (event) => {
    const decoded = decodeStepMessage(event);
    if (!decoded.ok) {
      log.error('malformed message acknowledged without processing', { step, messageId: event.id, reason: decoded.reason });
      return;
    }
    const message = decoded.value;
    const stepLog = log.with({ step, caseId: message.caseId, trace: message.trace, messageId: message.messageId });
    const started = performance.now();
    const elapsed = () => ({ durationMs: Math.round((performance.now() - started) * 10) / 10 });
    let outcome: StepOutcome;
    try {
      outcome = await run(message, stepLog);
    } catch (error) {
      stepLog.error('step failed; Pub/Sub will redeliver', { error, ...elapsed() });
      throw error;
    }
    if (outcome.kind === 'unknown_case') stepLog.warn('message for an unknown case acknowledged', elapsed());
    else if (outcome.kind === 'skipped') stepLog.warn('message acknowledged without action', { reason: outcome.reason, ...elapsed() });
    else if (outcome.kind === 'already_applied') stepLog.info('already applied; output re-published', elapsed());
    else stepLog.info('step applied', { ...outcome.detail, ...elapsed() });
  };
}
