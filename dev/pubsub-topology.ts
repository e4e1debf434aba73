import type { PubSub } from '@google-cloud/pubsub';
import { pubsubFunctions, type DeadLetterSubscription, type FunctionName, type PubSubFunctionName, type PushSubscription } from '../functions/src/function-triggers.js';
import { TOPICS, deadLetterTopic, type Topic } from '../functions/src/ports/event-bus.js';

const ALREADY_EXISTS = 6;

/** A Pub/Sub function as the table gives it: fed by `subscription` on `topic`. */
export interface PushTarget {
  functionName: PubSubFunctionName;
  topic: Topic;
  subscription: PushSubscription;
}

/** The push targets of the table's Pub/Sub functions (all, or the ones named). */
export const pushTargets = (only?: readonly FunctionName[]): PushTarget[] =>
  pubsubFunctions(only).map(([functionName, { topic, subscription }]) => ({ functionName, topic, subscription }));

/**
 * The path a push subscription posts to. The Functions Framework recognises `/projects/P/topics/T`
 * anywhere in the path and turns the raw push into a CloudEvent; the prefix routes it to the function.
 */
export const pushPath = (functionName: string, projectId: string, topic: string): string =>
  `/_push/${functionName}/projects/${projectId}/topics/${topic}`;

/**
 * Creates every topic of DESIGN.md with its dead-letter topic and an alerting pull subscription on
 * it, and the push subscription of each target, named and configured as terraform/pubsub.tf does in
 * production (both from the function table), and the push subscriptions of the dead-letter functions
 * on the dead-letter topics (`deadLetters`; no dead letter of their own). Safe to run again: existing
 * topics are kept and existing push subscriptions are pointed at the current base URL.
 */
export async function ensurePubSubTopology(pubsub: PubSub, projectId: string, baseUrl: string, targets: PushTarget[], deadLetters: DeadLetterSubscription[] = []): Promise<void> {
  await Promise.all(TOPICS.flatMap((t) => [ensureTopic(pubsub, t), ensureTopic(pubsub, deadLetterTopic(t))]));
  await Promise.all(TOPICS.map((t) => ensureSubscription(pubsub, deadLetterTopic(t), `${deadLetterTopic(t)}-alerts`, {})));
  await Promise.all(
    targets.map(async ({ functionName, topic, subscription }) => {
      const pushEndpoint = `${baseUrl}${pushPath(functionName, projectId, topic)}`;
      const created = await ensureSubscription(pubsub, topic, subscription.name, {
        pushConfig: { pushEndpoint },
        ackDeadlineSeconds: subscription.ackDeadlineSeconds,
        deadLetterPolicy: { deadLetterTopic: `projects/${projectId}/topics/${deadLetterTopic(topic)}`, maxDeliveryAttempts: subscription.maxDeliveryAttempts },
        retryPolicy: { minimumBackoff: { seconds: subscription.minimumBackoffSeconds }, maximumBackoff: { seconds: subscription.maximumBackoffSeconds } },
      });
      if (!created) await pubsub.subscription(subscription.name).modifyPushConfig({ pushEndpoint });
    }),
  );
  await Promise.all(
    deadLetters.map(async (d) => {
      const pushEndpoint = `${baseUrl}${pushPath(d.functionName, projectId, d.topic)}`;
      const created = await ensureSubscription(pubsub, d.topic, d.name, {
        pushConfig: { pushEndpoint },
        ackDeadlineSeconds: d.ackDeadlineSeconds,
        retryPolicy: { minimumBackoff: { seconds: d.minimumBackoffSeconds }, maximumBackoff: { seconds: d.maximumBackoffSeconds } },
      });
      if (!created) await pubsub.subscription(d.name).modifyPushConfig({ pushEndpoint });
    }),
  );
}

/** Deletes the targets' push subscriptions, so that no later run gets pushes aimed at a server that is gone. */
export async function deletePushSubscriptions(pubsub: PubSub, targets: PushTarget[], deadLetters: DeadLetterSubscription[] = []): Promise<void> {
  await Promise.all([...targets.map((t) => t.subscription.name), ...deadLetters.map((d) => d.name)].map((name) => pubsub.subscription(name).delete()));
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
