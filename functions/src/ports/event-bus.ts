import type { Topic } from '../function-triggers.js';

/** The Pub/Sub topics of DESIGN.md: the function table's list (functions/src/function-triggers.ts). */
export { TOPICS, type Topic } from '../function-triggers.js';

export const deadLetterTopic = (topic: Topic): string => `${topic}-dead-letter`;

/** A message on a topic: JSON data with at least the case, and a `type` attribute naming the event. */
export interface BusMessage {
  type: string;
  data: { caseId?: string } & Record<string, unknown>;
  /** The trace of the request that started this work (`projects/P/traces/T`), carried from step to step. */
  trace?: string;
}

export interface EventBus {
  /** Resolves once the message is accepted by Pub/Sub; rejects otherwise (callers decide to retry). */
  publish(topic: Topic, message: BusMessage): Promise<void>;
}
