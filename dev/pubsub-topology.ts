import type { PubSub } from '@google-cloud/pubsub';
import { TOPICS, deadLetterTopic, type Topic } from '../functions/src/ports/event-bus.js';

const ALREADY_EXISTS = 6;

/** Pub/Sub gives up on a message after this many deliveries and moves it to `<topic>-dead-letter`. */
export const MAX_DELIVERY_ATTEMPTS = 5;

export interface PushTarget {
  /** The function's name: the subscription is `<name>-push`. */
  functionName: string;
  topic: Topic;
}

/**
 * The path a push subscription posts to. The Functions Framework recognises `/projects/P/topics/T`
 * anywhere in the path and turns the raw push into a CloudEvent; the prefix routes it to the function.
 */
export const pushPath = (functionName: string, projectId: string, topic: Topic): string =>
  `/_push/${functionName}/projects/${projectId}/topics/${topic}`;

/**
 * Creates every topic of DESIGN.md with its dead-letter topic and an alerting pull subscription on
 * it, and one push subscription per Pub/Sub function. Safe to run again: existing topics are kept and
 * existing push subscriptions are pointed at the current base URL.
 */
export async function ensurePubSubTopology(pubsub: PubSub, projectId: string, baseUrl: string, targets: PushTarget[]): Promise<void> {
  await Promise.all(TOPICS.flatMap((t) => [ensureTopic(pubsub, t), ensureTopic(pubsub, deadLetterTopic(t))]));
  await Promise.all(TOPICS.map((t) => ensureSubscription(pubsub, deadLetterTopic(t), `${deadLetterTopic(t)}-alerts`, {})));
  await Promise.all(
    targets.map(async ({ functionName, topic }) => {
      const pushEndpoint = `${baseUrl}${pushPath(functionName, projectId, topic)}`;
      const name = `${functionName}-push`;
      const created = await ensureSubscription(pubsub, topic, name, {
        pushConfig: { pushEndpoint },
        ackDeadlineSeconds: 60,
        deadLetterPolicy: { deadLetterTopic: `projects/${projectId}/topics/${deadLetterTopic(topic)}`, maxDeliveryAttempts: MAX_DELIVERY_ATTEMPTS },
        retryPolicy: { minimumBackoff: { seconds: 1 }, maximumBackoff: { seconds: 60 } },
      });
      if (!created) await pubsub.subscription(name).modifyPushConfig({ pushEndpoint });
    }),
  );
}

async function ensureTopic(pubsub: PubSub, name: string): Promise<void> {
  try {
    await pubsub.createTopic(name);
  } catch (error) {
    if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
  }
}

/** Returns false when the subscription was already there. */
async function ensureSubscription(pubsub: PubSub, topic: string, name: string, options: object): Promise<boolean> {
  try {
    await pubsub.topic(topic).createSubscription(name, options);
    return true;
  } catch (error) {
    if ((error as { code?: number }).code !== ALREADY_EXISTS) throw error;
    return false;
  }
}
