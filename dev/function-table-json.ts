import { fileURLToPath } from 'node:url';
import { FUNCTION_TRIGGERS, TOPICS, deadLetterSubscriptions, pathTemplateRegex, type FunctionSpec } from '../functions/src/function-triggers.js';

/** Where the rendering is checked in: terraform/ reads it with jsondecode(file(...)). */
export const FUNCTION_TABLE_JSON = fileURLToPath(new URL('../terraform/function-table.json', import.meta.url));

/**
 * The function table (functions/src/function-triggers.ts) as terraform/ reads it: snake_case, every
 * function with the same keys (null or empty where they do not apply), and each route with the
 * anchored regular expression of its path (RE2, for Firebase Hosting's rewrites), so that Terraform
 * derives everything with plain expressions and converts nothing itself.
 */
export function renderFunctionTableJson(): string {
  const functions = Object.fromEntries(Object.entries(FUNCTION_TRIGGERS).map(([entryPoint, spec]) => [entryPoint, renderFunction(spec)]));
  const table = {
    comment: 'Generated from functions/src/function-triggers.ts by `npm run generate`. Do not edit: test/unit/function-table.test.ts fails when this file is stale.',
    topics: TOPICS,
    functions,
    // The dead-letter functions' push subscriptions, one per function and dead-letter topic, keyed by name.
    dead_letter_subscriptions: Object.fromEntries(
      deadLetterSubscriptions().map((d) => [
        d.name,
        {
          name: d.name,
          function: d.functionName,
          source_topic: d.sourceTopic,
          topic: d.topic,
          ack_deadline_seconds: d.ackDeadlineSeconds,
          minimum_backoff_seconds: d.minimumBackoffSeconds,
          maximum_backoff_seconds: d.maximumBackoffSeconds,
        },
      ]),
    ),
  };
  return `${JSON.stringify(table, null, 2)}\n`;
}

function renderFunction(spec: FunctionSpec) {
  return {
    name: spec.name,
    kind: spec.kind,
    public: spec.public,
    topic: spec.kind === 'pubsub' ? spec.topic : null,
    subscription:
      spec.kind === 'pubsub'
        ? {
            name: spec.subscription.name,
            ack_deadline_seconds: spec.subscription.ackDeadlineSeconds,
            minimum_backoff_seconds: spec.subscription.minimumBackoffSeconds,
            maximum_backoff_seconds: spec.subscription.maximumBackoffSeconds,
            max_delivery_attempts: spec.subscription.maxDeliveryAttempts,
          }
        : null,
    routes: spec.kind === 'http' ? spec.routes.map((route) => ({ method: route.method, path: route.path, regex: pathTemplateRegex(route.path) })) : [],
  };
}
