/**
 * The one table of how each function is reached: HTTP functions by their routes on the one public
 * origin, Pub/Sub functions through a push subscription to their topic. Everything else is derived
 * from it:
 *
 * - the local stack (dev/router.ts, dev/pubsub-topology.ts) and the integration harness route HTTP and
 *   create the push subscriptions from it;
 * - terraform/function-table.json is its rendering for Terraform (`npm run generate`; a unit test fails
 *   when the checked-in file is stale), from which terraform/ derives the functions, topics, push
 *   subscriptions and Firebase Hosting rewrites;
 * - ports/event-bus.ts exports {@link TOPICS} as the topics the code may publish to.
 *
 * Keys are entry points: the names the functions are registered under with the Functions Framework.
 */

/** The Pub/Sub topics of DESIGN.md ("Events"). Each has a `<topic>-dead-letter` topic beside it. */
export const TOPICS = [
  'case-received',
  'case-classified',
  'case-prioritized',
  'escalation-requested',
  'case-updated',
  'followup-tick',
] as const;
export type Topic = (typeof TOPICS)[number];

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** An OpenAPI-style route: `{name}` stands for one path segment. */
export interface Route {
  readonly method: HttpMethod;
  readonly path: string;
}

/** How Pub/Sub delivers a topic's messages to its function. */
export interface PushSubscription {
  /** `<topic>-<deployed name>`, the same in production and in the emulator. */
  readonly name: string;
  /** How long Pub/Sub waits for the function to answer a push before it counts the delivery as failed. */
  readonly ackDeadlineSeconds: number;
  /** Exponential backoff between redeliveries of a message the function failed (non-2xx or timeout). */
  readonly minimumBackoffSeconds: number;
  readonly maximumBackoffSeconds: number;
  /** After this many failed deliveries the message goes to `<topic>-dead-letter`. */
  readonly maxDeliveryAttempts: number;
}

export interface HttpFunction {
  readonly kind: 'http';
  /** The deployed name (Cloud Run service names are lower-case: kebab-case of the entry point). */
  readonly name: string;
  /** Public functions take traffic from the internet through Firebase Hosting; the others are internal. */
  readonly public: boolean;
  readonly routes: readonly Route[];
}

export interface PubSubFunction {
  readonly kind: 'pubsub';
  readonly name: string;
  /** Pub/Sub functions are only ever called by their push subscription (with an OIDC token). */
  readonly public: false;
  readonly topic: Topic;
  readonly subscription: PushSubscription;
}

/**
 * A function fed by every `<topic>-dead-letter` topic: one push subscription on each, named
 * `<topic>-dead-letter-<deployed name>` ({@link deadLetterSubscriptions}). Those subscriptions have no
 * dead letter of their own: a message it fails is retried until it expires.
 */
export interface DeadLetterFunction {
  readonly kind: 'dead-letters';
  readonly name: string;
  readonly public: false;
  /** Which dead-letter topics feed it: all of them. */
  readonly deadLetterOf: 'all';
  readonly delivery: Omit<PushSubscription, 'name' | 'maxDeliveryAttempts'>;
}

export type FunctionSpec = HttpFunction | PubSubFunction | DeadLetterFunction;

/**
 * One set of delivery settings for every push subscription, in production and locally (the local
 * stack used 60 s / 1–60 s before; production's values are the better defaults):
 *
 * - 120 s ack deadline: longer than the functions' 60 s timeout (terraform/functions.tf), so Pub/Sub
 *   does not redeliver a message the function is still working on. Every step is idempotent, so such
 *   a duplicate is harmless, but it is wasted work; 60 s equals the timeout and races it.
 * - 10–600 s retry backoff: a failing step usually means a dependency is down (Firestore, Workflows);
 *   retrying after 1 s hammers what is trying to recover, and with 1–60 s the five attempts are spent
 *   within about 15 s, dead-lettering messages over a short outage. From 10 s they span minutes.
 * - 5 delivery attempts: DESIGN.md's "<topic>-dead-letter: Pub/Sub after 5 failed deliveries" (the
 *   smallest value Pub/Sub accepts).
 *
 * No local override: the tests do not need one. The Pub/Sub emulator redelivers a failed message the
 * first time after about a second whatever the backoff (later redeliveries honour it), and no test
 * waits for a second redelivery. Should one ever need it, scale the backoff down here, as a named
 * local field of the subscription, not in dev/.
 */
export const PUSH_DELIVERY = {
  ackDeadlineSeconds: 120,
  minimumBackoffSeconds: 10,
  maximumBackoffSeconds: 600,
  maxDeliveryAttempts: 5,
} as const satisfies Omit<PushSubscription, 'name'>;

export const FUNCTION_TRIGGERS = {
  intake: {
    kind: 'http',
    name: 'intake',
    public: true,
    // GET /cases lives here, beside POST /cases, because Firebase Hosting rewrites by path alone: one
    // function owns a path (docs/design-notes.md).
    routes: [
      { method: 'POST', path: '/cases' },
      { method: 'GET', path: '/cases' },
    ],
  },
  caseActions: {
    kind: 'http',
    name: 'case-actions',
    public: true,
    routes: [{ method: 'POST', path: '/cases/{caseId}/actions' }],
  },
  caseApi: {
    kind: 'http',
    name: 'case-api',
    public: true,
    routes: [
      { method: 'GET', path: '/cases/{caseId}' },
      { method: 'GET', path: '/cases/{caseId}/events' },
    ],
  },
  partnerCallback: {
    kind: 'http',
    name: 'partner-callback',
    public: true,
    routes: [{ method: 'POST', path: '/partners/{partnerId}/callbacks' }],
  },
  // Called by the escalation workflow only (OIDC, on its own run.app URL); never on the internet. The
  // local stack serves it on the one base URL.
  escalationSteps: {
    kind: 'http',
    name: 'escalation-steps',
    public: false,
    routes: [
      { method: 'POST', path: '/escalations/{caseId}/start' },
      { method: 'POST', path: '/escalations/{caseId}/notify' },
      { method: 'POST', path: '/escalations/{caseId}/ack-timeout' },
    ],
  },
  classify: { kind: 'pubsub', name: 'classify', public: false, topic: 'case-received', subscription: { name: 'case-received-classify', ...PUSH_DELIVERY } },
  prioritize: { kind: 'pubsub', name: 'prioritize', public: false, topic: 'case-classified', subscription: { name: 'case-classified-prioritize', ...PUSH_DELIVERY } },
  route: { kind: 'pubsub', name: 'route', public: false, topic: 'case-prioritized', subscription: { name: 'case-prioritized-route', ...PUSH_DELIVERY } },
  escalate: { kind: 'pubsub', name: 'escalate', public: false, topic: 'escalation-requested', subscription: { name: 'escalation-requested-escalate', ...PUSH_DELIVERY } },
  followups: { kind: 'pubsub', name: 'followups', public: false, topic: 'followup-tick', subscription: { name: 'followup-tick-followups', ...PUSH_DELIVERY } },
  notify: { kind: 'pubsub', name: 'notify', public: false, topic: 'case-updated', subscription: { name: 'case-updated-notify', ...PUSH_DELIVERY } },
  // The duty channel hears of every dead letter (DESIGN.md: "<topic>-dead-letter → an alerting subscription").
  alertDeadLetter: {
    kind: 'dead-letters',
    name: 'alert-dead-letter',
    public: false,
    deadLetterOf: 'all',
    delivery: { ackDeadlineSeconds: PUSH_DELIVERY.ackDeadlineSeconds, minimumBackoffSeconds: PUSH_DELIVERY.minimumBackoffSeconds, maximumBackoffSeconds: PUSH_DELIVERY.maximumBackoffSeconds },
  },
} as const satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof FUNCTION_TRIGGERS;
export type PubSubFunctionName = { [K in FunctionName]: (typeof FUNCTION_TRIGGERS)[K] extends PubSubFunction ? K : never }[FunctionName];
export type DeadLetterFunctionName = { [K in FunctionName]: (typeof FUNCTION_TRIGGERS)[K] extends DeadLetterFunction ? K : never }[FunctionName];
export type HttpFunctionName = Exclude<FunctionName, PubSubFunctionName | DeadLetterFunctionName>;

/** Every function with its entry point, in table order. */
export const functionEntries = (): [FunctionName, FunctionSpec][] => Object.entries(FUNCTION_TRIGGERS) as [FunctionName, FunctionSpec][];

/** The Pub/Sub functions (all, or the ones named), with their topic and push subscription. */
export function pubsubFunctions(only?: readonly FunctionName[]): [PubSubFunctionName, PubSubFunction][] {
  return functionEntries().filter(
    (entry): entry is [PubSubFunctionName, PubSubFunction] => entry[1].kind === 'pubsub' && (!only || only.includes(entry[0])),
  );
}

/** One push subscription of a dead-letter function on one `<topic>-dead-letter` topic. */
export interface DeadLetterSubscription extends Omit<PushSubscription, 'maxDeliveryAttempts'> {
  functionName: DeadLetterFunctionName;
  /** The topic whose dead letters it receives. */
  sourceTopic: Topic;
  /** `<sourceTopic>-dead-letter`. */
  topic: string;
}

/** The push subscriptions of the dead-letter functions (all, or the ones named): one per function and dead-letter topic. */
export function deadLetterSubscriptions(only?: readonly FunctionName[]): DeadLetterSubscription[] {
  return functionEntries().flatMap(([functionName, spec]) =>
    spec.kind === 'dead-letters' && (!only || only.includes(functionName))
      ? TOPICS.map((sourceTopic) => ({
          functionName: functionName as DeadLetterFunctionName,
          sourceTopic,
          topic: `${sourceTopic}-dead-letter`,
          name: `${sourceTopic}-dead-letter-${spec.name}`,
          ...spec.delivery,
        }))
      : [],
  );
}

/** A route of the table with its matcher. */
export interface HttpRoute extends Route {
  functionName: HttpFunctionName;
  /** `public` of the function: whether the route is on the internet (Firebase Hosting) or internal. */
  public: boolean;
  /** The anchored regular expression of the path (JavaScript and RE2 alike; Hosting's rewrites use it). */
  regex: string;
  /** The path's parameters when `pathname` is this route's path, else undefined. */
  match(pathname: string): Record<string, string> | undefined;
}

/** The routes of the HTTP functions (all, or the ones named), in table order. */
export function httpRoutes(only?: readonly FunctionName[]): HttpRoute[] {
  return functionEntries().flatMap(([functionName, spec]) =>
    spec.kind === 'http' && (!only || only.includes(functionName))
      ? spec.routes.map((route) => ({
          ...route,
          functionName: functionName as HttpFunctionName,
          public: spec.public,
          regex: pathTemplateRegex(route.path),
          match: pathTemplateMatcher(route.path),
        }))
      : [],
  );
}

const PARAMETER = /^\{([A-Za-z][A-Za-z0-9]*)\}$/;
const LITERAL = /^[A-Za-z0-9_~-]+(\.[A-Za-z0-9_~-]+)*$/;

/**
 * The anchored regular expression of a path template: `/partners/{partnerId}/callbacks` →
 * `^/partners/([^/]+)/callbacks/?$`. A parameter is one non-empty segment; one trailing slash is
 * accepted (the handlers accept it too). Only constructs that JavaScript and RE2 (Firebase Hosting)
 * read the same way are produced, and a template with anything else throws.
 */
export function pathTemplateRegex(template: string): string {
  if (template === '/') return '^/$';
  const segments = template.split('/');
  if (segments[0] !== '' || segments.length < 2) throw new Error(`path template ${JSON.stringify(template)} must start with /`);
  const parts = segments.slice(1).map((segment) => {
    if (PARAMETER.test(segment)) return '([^/]+)';
    if (LITERAL.test(segment)) return segment.replaceAll('.', '\\.');
    throw new Error(`path template ${JSON.stringify(template)}: segment ${JSON.stringify(segment)} is neither a literal nor a {parameter}`);
  });
  return `^/${parts.join('/')}/?$`;
}

/**
 * A matcher for a path template: the template's parameters (still percent-encoded, as in the path)
 * when a path is the template's, else undefined.
 */
export function pathTemplateMatcher(template: string): (pathname: string) => Record<string, string> | undefined {
  const names = template.split('/').flatMap((segment) => PARAMETER.exec(segment)?.[1] ?? []);
  const regex = new RegExp(pathTemplateRegex(template));
  return (pathname) => {
    const match = regex.exec(pathname);
    return match ? Object.fromEntries(names.map((name, i) => [name, match[i + 1]!])) : undefined;
  };
}
