import type { CloudEventFunction } from '@google-cloud/functions-framework';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { DeadLetter } from '../domain/notices.js';
import { renderDeadLetterCard } from '../domain/notification-templates.js';
import { fail, ok } from '../domain/result.js';
import type { Logger } from '../ports/logger.js';
import type { ChatChannel } from '../ports/notification-channels.js';
import { caseUrlOf, chatMessageId } from './notify.js';
import { decodePush, pubsubFunction } from './pubsub-step.js';

export interface AlertDeadLetterDeps {
  config: Pick<Config, 'publicUrl'>;
  chat: ChatChannel;
  log: Logger;
}

/** The thread of the dead letters that name no case. */
export const DEAD_LETTERS_THREAD = 'dead-letters';

const DEAD_LETTER_SUFFIX = '-dead-letter';
const Attributes = z.object({ message: z.object({ attributes: z.record(z.string(), z.string()).nullish() }) });

/** `//pubsub.googleapis.com/projects/P/topics/T-dead-letter` → `T`; the Functions Framework sets `source` from the push path. */
export function sourceTopicOf(source: string): string | undefined {
  const topic = /\/topics\/([^/]+)$/.exec(source)?.[1];
  return topic?.endsWith(DEAD_LETTER_SUFFIX) ? topic.slice(0, -DEAD_LETTER_SUFFIX.length) : topic;
}

/**
 * A message on a `<topic>-dead-letter` topic (its step failed every delivery) → a card in the duty
 * channel: in the case's thread when the message names a case, else in {@link DEAD_LETTERS_THREAD}.
 * A card that cannot be posted is thrown, so Pub/Sub redelivers; the dead-letter subscriptions have
 * no dead letter of their own (function-triggers.ts `deadLetterSubscriptions`).
 */
export function alertDeadLetterHandler(deps: AlertDeadLetterDeps): CloudEventFunction {
  return pubsubFunction(
    'alertDeadLetter',
    deps.log,
    (event) => {
      // Whatever its payload: a dead letter may be there because its data was not what the step expected.
      const pushed = decodePush(event, 'null');
      const json = pushed.ok ? pushed.value.json : null;
      const attributes = Attributes.safeParse(event.data);
      if (!attributes.success) return fail('not a Pub/Sub message');
      const attrs = attributes.data.message.attributes ?? {};
      const caseId = typeof (json as { caseId?: unknown } | null)?.caseId === 'string' ? (json as { caseId: string }).caseId : undefined;
      const deadLetter: DeadLetter = {
        topic: sourceTopicOf(event.source) ?? 'unknown',
        messageId: pushed.ok ? pushed.value.messageId : event.id,
        attempts: Number(attrs.CloudPubSubDeadLetterSourceDeliveryCount ?? 0) || 0,
        ...(caseId ? { caseId, caseUrl: caseUrlOf(deps.config.publicUrl, caseId) } : {}),
      };
      return ok({ message: deadLetter, logFields: { caseId, messageId: deadLetter.messageId, topic: deadLetter.topic } });
    },
    async (dl) => {
      await deps.chat.post({
        threadKey: dl.caseId ?? DEAD_LETTERS_THREAD,
        body: renderDeadLetterCard(dl),
        messageId: chatMessageId(`dead-letter-${dl.messageId}`),
      });
      return { kind: 'applied', detail: { alerted: dl.topic, attempts: dl.attempts } };
    },
  );
}
