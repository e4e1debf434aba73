import type { Topic } from './ports/event-bus.js';

/**
 * How each function is reached: HTTP functions by path on the public base URL, Pub/Sub functions
 * through a push subscription to their topic. The local stack builds its router and subscriptions
 * from this table; terraform/ deploys the same names.
 */
export const FUNCTION_TRIGGERS = {
  intake: { kind: 'http', public: true },
  classify: { kind: 'pubsub', topic: 'case-received' },
  prioritize: { kind: 'pubsub', topic: 'case-classified' },
  route: { kind: 'pubsub', topic: 'case-prioritized' },
  escalate: { kind: 'pubsub', topic: 'escalation-requested' },
  partnerCallback: { kind: 'http', public: true },
  // Called by the escalation workflow only (OIDC); never on the internet.
  escalationSteps: { kind: 'http', public: false },
  followups: { kind: 'pubsub', topic: 'followup-tick' },
} as const satisfies Record<string, { kind: 'http'; public: boolean } | { kind: 'pubsub'; topic: Topic }>;
export type FunctionName = keyof typeof FUNCTION_TRIGGERS;
