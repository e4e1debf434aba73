import { parse } from '@cdktf/hcl2json';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FUNCTION_TRIGGERS, TOPICS, deadLetterSubscriptions, httpRoutes, pubsubFunctions } from '../../functions/src/function-triggers.js';
import { APP_CACHE_CONTROL, FIREBASE_JSON, HOSTING_PUBLIC_DIR, HOSTING_REGION, renderFirebaseJson, type FirebaseHostingConfig } from '../../dev/firebase-json.js';
import { DEFAULT_OUT_DIR } from '../../web/build.js';

/**
 * The shape of terraform/ against DESIGN.md, read statically: every *.tf is parsed with hcl2json, and
 * each for_each resource is expanded into its instances by substituting `each.key` / `each.value.*`, so
 * the assertions read as "the push subscription of classify reads case-received" rather than as
 * template strings. The expander understands the for_each forms (and the locals) the module uses and
 * throws on any other, so a new form fails loudly instead of being skipped.
 *
 * What terraform/ must deploy comes from the function table (functions/src/function-triggers.ts), read
 * here directly; terraform/ reads it from its JSON rendering, which test/unit/function-table.test.ts
 * keeps in step with the table.
 */

// The functions the code registers: terraform deploys exactly these.
const TRIGGERS = Object.entries(FUNCTION_TRIGGERS) as [string, (typeof FUNCTION_TRIGGERS)[keyof typeof FUNCTION_TRIGGERS]][];
const PUBSUB_FUNCTIONS = pubsubFunctions().map(([fn, spec]) => [fn, spec.topic] as const);
const PUBLIC_HTTP_FUNCTIONS = TRIGGERS.flatMap(([fn, t]) => (t.kind === 'http' && t.public ? [fn] : []));
const DEAD_LETTER_FUNCTIONS = TRIGGERS.flatMap(([fn, t]) => (t.kind === 'dead-letters' ? [fn] : []));
const DEAD_LETTER_PUSHES = deadLetterSubscriptions().map((d) => [d.sourceTopic, d.functionName, d] as const);
const INTERNAL_FUNCTIONS = TRIGGERS.flatMap(([fn, t]) => (t.kind === 'http' && !t.public ? [fn] : []))
  .concat(PUBSUB_FUNCTIONS.map(([fn]) => fn))
  .concat(DEAD_LETTER_FUNCTIONS);
const CONTRACT_ENV = ['GOOGLE_CLOUD_PROJECT', 'TANDEM_PUBLIC_URL', 'TANDEM_WORKFLOWS_LOCATION', 'TANDEM_WORKFLOW_NAME', 'TANDEM_ESCALATION_STEPS_URL', 'TANDEM_SMTP_URL', 'TANDEM_MAIL_FROM'];
/** Values given to list variables that drive a for_each, so their instances can be expanded. */
const SAMPLE_VARS: Record<string, string[]> = { partner_ids: ['acme-db'] };

/** firebase-tools' own validator of firebase.json (its schema, with ajv), as `firebase deploy` runs it. */
type ConfigValidator = ((config: unknown) => boolean) & { errors?: unknown };
const firebaseConfigValidator = (): ConfigValidator =>
  (createRequire(import.meta.url)('firebase-tools/lib/firebaseConfigValidate.js') as { getValidator: () => ConfigValidator }).getValidator();

type Body = Record<string, unknown>;
/** `each.value` of a for_each over another resource: a reference to one of its instances. */
interface InstanceRef { ref: string }
interface Instance { key: string; body: Body }

const TERRAFORM_DIR = fileURLToPath(new URL('../../terraform/', import.meta.url));
const isObject = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value);
const files = readdirSync(TERRAFORM_DIR).filter((name) => name.endsWith('.tf')).sort();
const sources = files.map((name) => ({ name, text: readFileSync(TERRAFORM_DIR + name, 'utf8') }));
const parsed = await Promise.all(sources.map(async ({ name, text }) => ({ name, json: await parse(name, text) })));

/** `{ type: { name: [body] } }` sections of every file, flattened to `type.name` → body. */
function collect(section: 'resource' | 'data'): Map<string, Body> {
  const out = new Map<string, Body>();
  for (const { json } of parsed) {
    for (const [type, byName] of Object.entries((json[section] ?? {}) as Record<string, Record<string, Body[]>>)) {
      for (const [name, [body]] of Object.entries(byName)) out.set(`${type}.${name}`, body!);
    }
  }
  return out;
}

/** `{ name: [body] }` sections (variable, output). */
function collectNamed(section: 'variable' | 'output'): Map<string, Body> {
  const out = new Map<string, Body>();
  for (const { json } of parsed) {
    for (const [name, [body]] of Object.entries((json[section] ?? {}) as Record<string, Body[]>)) out.set(name, body!);
  }
  return out;
}

const resources = collect('resource');
const dataSources = collect('data');
const variables = collectNamed('variable');
const outputs = collectNamed('output');
const rawLocals: Body = Object.assign({}, ...parsed.flatMap(({ json }) => (json.locals ?? []) as Body[]));

/** A path `a.b.c` into a value, or an error naming what is missing. */
function at(value: unknown, path: string, what: string): unknown {
  return path.split('.').reduce((current, name) => {
    if (!isObject(current) || !(name in current)) throw new Error(`${what}: no ${name} in ${path}`);
    return current[name];
  }, value);
}

const localValues = new Map<string, unknown>();
/**
 * The value of a local: literals as they are, `jsondecode(file("${path.module}/F"))` read from
 * terraform/F, `local.a.b` looked up, the flattened list of routes computed; the for expressions that
 * forEachInstances evaluates stay strings.
 */
function localValue(name: string): unknown {
  if (!(name in rawLocals)) throw new Error(`no local.${name}`);
  if (!localValues.has(name)) localValues.set(name, evaluateLocal(name, rawLocals[name]));
  return localValues.get(name);
}

function evaluateLocal(name: string, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  let match: RegExpMatchArray | null;
  if ((match = raw.match(/^\$\{jsondecode\(file\("\$\{path\.module\}\/([\w.-]+)"\)\)\}$/))) {
    return JSON.parse(readFileSync(TERRAFORM_DIR + match[1]!, 'utf8')) as unknown;
  }
  if ((match = raw.match(/^\$\{local\.(\w+)\.([\w.]+)\}$/))) return at(localValue(match[1]!), match[2]!, `local.${name}`);
  // distinct(flatten([for k, v in local.S : [for r in v.F : { a = k, b = r.x, … }]])): one object per item of each instance's list.
  if ((match = raw.match(/^\$\{distinct\(flatten\(\[for (\w+), (\w+) in local\.(\w+) : \[for (\w+) in \2\.(\w+) : \{ ([^{}]*) \}\]\]\)\)\}$/))) {
    const [, keyName, valueName, source, itemName, listField, attributes] = match;
    const items = [...forEachInstances(localValue(source!))].flatMap(([key, value]) =>
      (at(value, listField!, `local.${name}`) as unknown[]).map((item) =>
        Object.fromEntries(
          attributes!.split(',').map((attribute) => {
            const [field, expression] = attribute.split('=').map((part) => part.trim());
            if (expression === keyName) return [field, key];
            if (expression?.startsWith(`${itemName}.`)) return [field, at(item, expression.slice(itemName!.length + 1), `local.${name}`)];
            throw new Error(`local.${name}: the test does not understand ${attribute} (for ${keyName}, ${valueName})`);
          }),
        ),
      ),
    );
    return items.filter((item, i) => items.findIndex((other) => JSON.stringify(other) === JSON.stringify(item)) === i);
  }
  return raw;
}
const terraformBlocks = parsed.flatMap(({ json }) => (json.terraform ?? []) as Body[]);

/** The one nested block `name` of a body (hcl2json gives every block as a list). */
function block(body: Body, name: string): Body {
  const blocks = body[name];
  expect(blocks, `block ${name}`).toBeInstanceOf(Array);
  expect((blocks as Body[]).length, `one ${name} block`).toBe(1);
  return (blocks as Body[])[0]!;
}

const stringLiterals = (source: string): string[] =>
  [...source.replace(/#.*$/gm, '').matchAll(/"([^"]*)"/g)].map((match) => match[1]!);

/** The instances of a for_each expression, keyed as Terraform keys them. */
function forEachInstances(forEach: unknown): Map<string, unknown> {
  if (isObject(forEach)) return new Map(Object.entries(forEach));
  if (typeof forEach !== 'string') throw new Error(`unsupported for_each ${JSON.stringify(forEach)}`);
  let match: RegExpMatchArray | null;
  if ((match = forEach.match(/^\$\{toset\(local\.(\w+)\)\}$/))) {
    const list = localValue(match[1]!);
    if (!Array.isArray(list)) throw new Error(`local.${match[1]} is not a list literal`);
    return new Map(list.map((item: string) => [item, item]));
  }
  if ((match = forEach.match(/^\$\{toset\(var\.(\w+)\)\}$/))) {
    const sample = SAMPLE_VARS[match[1]!];
    if (!sample) throw new Error(`no sample value for var.${match[1]}`);
    return new Map(sample.map((item) => [item, item]));
  }
  if ((match = forEach.match(/^\$\{toset\(\[([\s\S]*)\]\)\}$/))) {
    return new Map(stringLiterals(match[1]!).map((item) => [item, item]));
  }
  if ((match = forEach.match(/^\$\{local\.(\w+)\}$/))) return forEachInstances(localValue(match[1]!));
  if ((match = forEach.match(/^\$\{\{\s*for (\w+), (\w+) in local\.(\w+) : \1 => \2 if \2\.(\w+)(?: (!=|==) (null|"[^"]*"))?\s*\}\}$/))) {
    const [, , , source, attribute, operator, operand] = match;
    const keep = (field: unknown): boolean => {
      if (!operator) return field === true;
      const equal = operand === 'null' ? field === null || field === undefined : field === JSON.parse(operand!);
      return operator === '==' ? equal : !equal;
    };
    return new Map([...forEachInstances(localValue(source!))].filter(([, value]) => keep((value as Body)[attribute!])));
  }
  if ((match = forEach.match(/^\$\{(google_\w+\.\w+)\}$/))) {
    const target = resources.get(match[1]!);
    if (!target) throw new Error(`for_each over unknown resource ${match[1]}`);
    return new Map([...forEachInstances(target.for_each)].map(([key]) => [key, { ref: `${match![1]}[${JSON.stringify(key)}]` } satisfies InstanceRef]));
  }
  throw new Error(`the test does not understand for_each ${forEach}`);
}

const isRef = (value: unknown): value is InstanceRef => isObject(value) && typeof value.ref === 'string';

/**
 * Substitutes each.key, each.value.* (nested too: each.value.subscription.name) and plain string
 * locals in every string of a body, and expands its dynamic blocks. `iterator` is `each`, or the
 * block's name inside a dynamic block's content. A string that is one `${each.value.*}` becomes the
 * value itself (a number stays a number).
 */
function render(value: unknown, key: string, eachValue: unknown, iterator = 'each'): unknown {
  if (Array.isArray(value)) return value.map((item) => render(item, key, eachValue, iterator));
  if (isObject(value)) {
    const rendered = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, k === 'dynamic' ? v : render(v, key, eachValue, iterator)]));
    return isObject(rendered.dynamic) ? expandDynamic(rendered, key, eachValue, iterator) : rendered;
  }
  if (typeof value !== 'string') return value;
  const field = (path: string): unknown => {
    if (!isObject(eachValue)) throw new Error(`${iterator}.value.${path} is not defined for ${key}`);
    return at(eachValue, path, `${iterator}.value for ${key}`);
  };
  const [keyRef, valueRef] = [`${iterator}\\.key`, `${iterator}\\.value\\.([\\w.]+)`];
  const whole = new RegExp(`^\\$\\{${valueRef}\\}$`).exec(value);
  if (whole && !isRef(eachValue)) return field(whole[1]!);
  let text = value
    .replace(/\$\{local\.(\w+)\}/g, (whole, name: string) => (typeof localValue(name) === 'string' ? (localValue(name) as string) : whole))
    .replace(new RegExp(`\\$\\{${keyRef}\\}`, 'g'), key);
  if (!isRef(eachValue)) text = text.replace(new RegExp(`\\$\\{${valueRef}\\}`, 'g'), (_, path: string) => String(field(path)));
  text = text
    .replace(new RegExp(`\\b${keyRef}\\b`, 'g'), JSON.stringify(key))
    .replace(new RegExp(`\\b${valueRef}\\b`, 'g'), (_, path: string) => (isRef(eachValue) ? `${eachValue.ref}.${path}` : JSON.stringify(field(path))))
    .replace(/^\$\{(true|false) \? ("[^"]*") : ("[^"]*")\}$/, (_, condition: string, then: string, otherwise: string) =>
      JSON.parse(condition === 'true' ? then : otherwise) as string);
  return text;
}

/** `dynamic "name" { for_each, content }` → one `name` block per item, as Terraform generates them. */
function expandDynamic(body: Body, key: string, eachValue: unknown, iterator: string): Body {
  const { dynamic, ...rest } = body;
  const out: Body = rest;
  for (const [name, specs] of Object.entries(dynamic as Record<string, Body[]>)) {
    for (const spec of specs) {
      const forEach = render(spec.for_each, key, eachValue, iterator);
      const items = typeof forEach === 'string' && /^\$\{local\.\w+\}$/.test(forEach) ? localValue(forEach.slice(8, -1)) : forEach;
      const instances = Array.isArray(items) ? new Map(items.map((item, i) => [String(i), item])) : forEachInstances(items);
      const [content] = spec.content as Body[];
      out[name] = [...((out[name] as Body[] | undefined) ?? []), ...[...instances].map(([k, v]) => render(content, k, v, name) as Body)];
    }
  }
  return out;
}

/** The instances of a resource: one for a plain resource, one per key for a for_each resource. */
function instancesOf(address: string): Instance[] {
  const body = resources.get(address);
  if (!body) throw new Error(`no resource ${address}`);
  if (body.for_each === undefined) return [{ key: '', body: render(body, '', undefined) as Body }];
  return [...forEachInstances(body.for_each)].map(([key, value]) => ({ key, body: render(body, key, value) as Body }));
}

/** The body of one instance of a for_each data source (`archive_file.function_source`, key). */
function dataInstance(address: string, key: string): Body {
  const body = dataSources.get(address);
  if (!body) throw new Error(`no data source ${address}`);
  const value = forEachInstances(body.for_each).get(key);
  if (value === undefined) throw new Error(`no instance ${key} of data.${address}`);
  return render(body, key, value) as Body;
}

/** Every instance of every resource of a type, with the address to reference it by. */
function allOfType(type: string): (Instance & { address: string })[] {
  return [...resources.keys()]
    .filter((address) => address.startsWith(`${type}.`))
    .flatMap((address) =>
      instancesOf(address).map((instance) => ({
        ...instance,
        address: resources.get(address)!.for_each === undefined ? address : `${address}[${JSON.stringify(instance.key)}]`,
      })),
    );
}

function findOne(type: string, predicate: (body: Body) => boolean, what: string): Instance & { address: string } {
  const found = allOfType(type).filter(({ body }) => predicate(body));
  expect(found.map(({ address }) => address), what).toHaveLength(1);
  return found[0]!;
}

const topicNamed = (name: string) => findOne('google_pubsub_topic', (body) => body.name === name, `topic ${name}`);
const functionFor = (entryPoint: string) =>
  findOne('google_cloudfunctions2_function', (body) => block(body, 'build_config').entry_point === entryPoint, `function ${entryPoint}`);
const pushSubscriptionOf = (entryPoint: string) => {
  const fn = functionFor(entryPoint);
  return findOne(
    'google_pubsub_subscription',
    (body) => Array.isArray(body.push_config) && String(block(body, 'push_config').push_endpoint).startsWith(`\${${fn.address}.`),
    `push subscription of ${entryPoint}`,
  );
};
const invokersOf = (entryPoint: string) => {
  const fn = functionFor(entryPoint);
  return [...allOfType('google_cloud_run_v2_service_iam_member'), ...allOfType('google_cloudfunctions2_function_iam_member')]
    .filter(({ body }) => /invoker$/.test(String(body.role)))
    .filter(({ body }) => [body.name, body.service, body.cloud_function].some((ref) => String(ref).startsWith(`\${${fn.address}.`)))
    .map(({ body }) => String(body.member));
};
const serviceAccountMember = (emailExpression: string) => `serviceAccount:${emailExpression}`;
const PUBSUB_SERVICE_AGENT = /^serviceAccount:service-.+@gcp-sa-pubsub\.iam\.gserviceaccount\.com$/;

/** Every key and string in a JSON value, for the no-secrets scan. */
function* walk(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* walk(item);
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) { yield key; yield* walk(item); }
}

describe('terraform/ files', () => {
  it('has the files of STYLE.md, one per concern', () => {
    expect(files).toEqual(expect.arrayContaining([
      'versions.tf', 'main.tf', 'variables.tf', 'outputs.tf',
      'pubsub.tf', 'functions.tf', 'workflows.tf', 'firestore.tf', 'scheduler.tf', 'secrets.tf', 'iam.tf', 'hosting.tf',
    ]));
  });

  it('requires Terraform >= 1.5', () => {
    expect(terraformBlocks.map((tf) => tf.required_version)).toEqual([expect.stringMatching(/>=\s*1\.([5-9]|\d{2,})/)]);
  });

  it('bounds every provider version from above, and requires google, google-beta and archive (the functions\' source archives)', () => {
    const providers = Object.assign({}, ...terraformBlocks.flatMap((tf) => (tf.required_providers ?? []) as Body[])) as Record<string, { version?: string }>;
    expect(Object.keys(providers).sort()).toEqual(['archive', 'google', 'google-beta']);
    for (const [name, { version }] of Object.entries(providers)) {
      const parts = String(version).split(',').map((part) => part.trim());
      // `< x`, `<= x`, `~> x` and an exact version all stop the next major release from being picked up.
      expect(parts.some((part) => /^(<=?|~>|=)?\s*\d/.test(part)), `${name} ${version}`).toBe(true);
    }
  });

  it('gives every variable a type and a description', () => {
    expect(variables.size).toBeGreaterThan(0);
    for (const [name, body] of variables) {
      expect(body.type, `variable ${name} type`).toEqual(expect.any(String));
      expect(String(body.description ?? '').trim(), `variable ${name} description`).not.toBe('');
    }
  });

  it('describes every output, and outputs the intake URL, partner callback URL, workflow id and topic names', () => {
    for (const [name, body] of outputs) expect(String(body.description ?? '').trim(), `output ${name}`).not.toBe('');
    expect(String(outputs.get('intake_url')?.value)).toContain(functionFor('intake').address);
    expect(String(outputs.get('partner_callback_url')?.value)).toContain(functionFor('partnerCallback').address);
    expect(String(outputs.get('workflow_id')?.value)).toMatch(/^\$\{google_workflows_workflow\.\w+\.id\}$/);
    expect(String(outputs.get('topic_names')?.value)).toContain('google_pubsub_topic.');
  });
});

describe('Pub/Sub', () => {
  it('has exactly the DESIGN.md topics, each with a <topic>-dead-letter topic', () => {
    const names = allOfType('google_pubsub_topic').map(({ body }) => body.name);
    expect(names.sort()).toEqual([...TOPICS, ...TOPICS.map((topic) => `${topic}-dead-letter`)].sort());
  });

  it.each(TOPICS)('%s-dead-letter has a pull subscription <topic>-dead-letter-alerts that never expires', (topic) => {
    const deadLetter = topicNamed(`${topic}-dead-letter`);
    const alerts = findOne('google_pubsub_subscription', (body) => body.name === `${topic}-dead-letter-alerts`, `${topic}-dead-letter-alerts`);
    expect(alerts.body.topic).toBe(`\${${deadLetter.address}.id}`);
    expect(alerts.body.push_config).toBeUndefined();
    expect(block(alerts.body, 'expiration_policy').ttl).toBe('');
  });

  it.each(PUBSUB_FUNCTIONS)('%s is pushed from %s and dead-lettered after the delivery attempts of the table', (entryPoint, topic) => {
    const fn = functionFor(entryPoint);
    const { body } = pushSubscriptionOf(entryPoint);
    expect(body.topic).toBe(`\${${topicNamed(topic).address}.id}`);
    const deadLetter = block(body, 'dead_letter_policy');
    expect(deadLetter.max_delivery_attempts).toBe(FUNCTION_TRIGGERS[entryPoint].subscription.maxDeliveryAttempts);
    expect(deadLetter.dead_letter_topic).toBe(`\${${topicNamed(`${topic}-dead-letter`).address}.id}`);
    // The Functions Framework turns a raw push into a CloudEvent only on a /projects/<p>/topics/<t> path.
    expect(block(body, 'push_config').push_endpoint).toBe(`\${${fn.address}.service_config[0].uri}/projects/\${var.project_id}/topics/${topic}`);
    expect(block(body, 'expiration_policy').ttl).toBe('');
  });

  it.each(PUBSUB_FUNCTIONS)('the push subscription of %s has the name, ack deadline and retry backoff of the table', (entryPoint) => {
    const { subscription } = FUNCTION_TRIGGERS[entryPoint];
    const { body } = pushSubscriptionOf(entryPoint);
    expect(body.name).toBe(subscription.name);
    expect(body.ack_deadline_seconds).toBe(subscription.ackDeadlineSeconds);
    expect(block(body, 'retry_policy')).toEqual({ minimum_backoff: `${subscription.minimumBackoffSeconds}s`, maximum_backoff: `${subscription.maximumBackoffSeconds}s` });
  });

  it('has exactly the push subscriptions of the table, besides the dead-letter alert subscriptions', () => {
    const names = allOfType('google_pubsub_subscription').map(({ body }) => String(body.name)).filter((name) => !name.endsWith('-dead-letter-alerts'));
    expect(names.sort()).toEqual([...pubsubFunctions().map(([, spec]) => spec.subscription.name), ...deadLetterSubscriptions().map((d) => d.name)].sort());
  });

  it('every Pub/Sub function of the table has its push subscription, and every dead-letter function one per dead-letter topic', () => {
    for (const [entryPoint] of PUBSUB_FUNCTIONS) expect(pushSubscriptionOf(entryPoint).body.name).toBe(FUNCTION_TRIGGERS[entryPoint].subscription.name);
    expect(DEAD_LETTER_FUNCTIONS).toEqual(['alertDeadLetter']);
    expect(DEAD_LETTER_PUSHES.map(([topic]) => topic).sort()).toEqual([...TOPICS].sort());
  });

  it.each(DEAD_LETTER_PUSHES)('%s-dead-letter is pushed to %s (the duty alert), with no dead letter of its own', (topic, entryPoint, spec) => {
    const fn = functionFor(entryPoint);
    const { body } = findOne('google_pubsub_subscription', (b) => b.name === spec.name, spec.name);
    expect(body.topic).toBe(`\${${topicNamed(`${topic}-dead-letter`).address}.id}`);
    expect(block(body, 'push_config').push_endpoint).toBe(`\${${fn.address}.service_config[0].uri}/projects/\${var.project_id}/topics/${topic}-dead-letter`);
    const oidc = block(block(body, 'push_config'), 'oidc_token');
    expect(invokersOf(entryPoint)).toContain(serviceAccountMember(String(oidc.service_account_email)));
    expect(body.dead_letter_policy).toBeUndefined();
    expect(body.ack_deadline_seconds).toBe(spec.ackDeadlineSeconds);
    expect(block(body, 'retry_policy')).toEqual({ minimum_backoff: `${spec.minimumBackoffSeconds}s`, maximum_backoff: `${spec.maximumBackoffSeconds}s` });
    expect(block(body, 'expiration_policy').ttl).toBe('');
  });

  it.each(PUBSUB_FUNCTIONS)('%s has no event_trigger, so a message is delivered one way only', (entryPoint) => {
    expect(functionFor(entryPoint).body.event_trigger).toBeUndefined();
  });

  it.each(PUBSUB_FUNCTIONS)('the push of %s carries an OIDC token of an account that may invoke it', (entryPoint) => {
    const oidc = block(block(pushSubscriptionOf(entryPoint).body, 'push_config'), 'oidc_token');
    expect(oidc.service_account_email).toMatch(/^\$\{google_service_account\.\w+\.email\}$/);
    expect(invokersOf(entryPoint)).toContain(serviceAccountMember(String(oidc.service_account_email)));
  });

  it.each(TOPICS)('the Pub/Sub service agent may publish to %s-dead-letter', (topic) => {
    const deadLetter = topicNamed(`${topic}-dead-letter`);
    const grants = allOfType('google_pubsub_topic_iam_member').filter(({ body }) => body.topic === `\${${deadLetter.address}.id}` || body.topic === `\${${deadLetter.address}.name}`);
    expect(grants.filter(({ body }) => body.role === 'roles/pubsub.publisher' && PUBSUB_SERVICE_AGENT.test(String(body.member)))).toHaveLength(1);
  });

  it.each(PUBSUB_FUNCTIONS)('the Pub/Sub service agent may acknowledge on the push subscription of %s', (entryPoint) => {
    const subscription = pushSubscriptionOf(entryPoint);
    const grants = allOfType('google_pubsub_subscription_iam_member').filter(({ body }) => body.subscription === `\${${subscription.address}.id}` || body.subscription === `\${${subscription.address}.name}`);
    expect(grants.filter(({ body }) => body.role === 'roles/pubsub.subscriber' && PUBSUB_SERVICE_AGENT.test(String(body.member)))).toHaveLength(1);
  });
});

describe('notification secrets', () => {
  it.each(['tandem-smtp-password', 'tandem-chat-webhook-url'])('%s exists as a secret (no version in code) and the functions may read it', (secretId) => {
    const secret = findOne('google_secret_manager_secret', (body) => body.secret_id === secretId, `secret ${secretId}`);
    expect(allOfType('google_secret_manager_secret_version')).toEqual([]);
    const email = String(block(functionFor('notify').body, 'service_config').service_account_email);
    const grants = allOfType('google_secret_manager_secret_iam_member').filter(({ body }) => body.secret_id === `\${${secret.address}.id}`);
    expect(grants.map(({ body }) => [body.role, body.member])).toEqual([['roles/secretmanager.secretAccessor', serviceAccountMember(email)]]);
  });
});

describe('functions', () => {
  it('deploys exactly the public HTTP, internal HTTP and Pub/Sub functions of DESIGN.md', () => {
    const entryPoints = allOfType('google_cloudfunctions2_function').map(({ body }) => block(body, 'build_config').entry_point);
    expect(entryPoints.sort()).toEqual([...PUBLIC_HTTP_FUNCTIONS, ...INTERNAL_FUNCTIONS].sort());
  });

  it.each(TRIGGERS)('%s is deployed under the name of the table', (entryPoint, spec) => {
    expect(functionFor(entryPoint).body.name).toBe(spec.name);
  });

  it.each(PUBLIC_HTTP_FUNCTIONS)('%s accepts traffic from the internet and anyone may invoke it', (entryPoint) => {
    expect(block(functionFor(entryPoint).body, 'service_config').ingress_settings).toBe('ALLOW_ALL');
    expect(invokersOf(entryPoint)).toContain('allUsers');
  });

  it.each(INTERNAL_FUNCTIONS)('%s accepts internal traffic only and has no public invoker', (entryPoint) => {
    expect(block(functionFor(entryPoint).body, 'service_config').ingress_settings).toBe('ALLOW_INTERNAL_ONLY');
    expect(invokersOf(entryPoint).filter((member) => member === 'allUsers' || member === 'allAuthenticatedUsers')).toEqual([]);
  });

  it.each([...PUBLIC_HTTP_FUNCTIONS, ...INTERNAL_FUNCTIONS])('%s runs nodejs20 with the contract environment', (entryPoint) => {
    const { body } = functionFor(entryPoint);
    expect(block(body, 'build_config').runtime).toBe('nodejs20');
    const env = block(body, 'service_config').environment_variables as Body;
    expect(Object.keys(env).sort()).toEqual(expect.arrayContaining(CONTRACT_ENV));
    expect(env.TANDEM_WORKFLOWS_LOCATION).toBe('${var.region}');
    expect(env.TANDEM_WORKFLOW_NAME).toBe('partner-escalation');
    expect(env.GOOGLE_CLOUD_PROJECT).toBe('${var.project_id}');
  });

  it.each(TRIGGERS)('%s deploys from its own source archive: dist/functions/<name>/ zipped, uploaded as its own object', (entryPoint, spec) => {
    const archive = dataInstance('archive_file.function_source', entryPoint);
    expect(archive.type).toBe('zip');
    expect(archive.source_dir).toBe(`\${path.module}/../dist/functions/${spec.name}`);
    const object = instancesOf('google_storage_bucket_object.function_source').find(({ key }) => key === entryPoint);
    expect(object, `object of ${entryPoint}`).toBeDefined();
    expect(object!.body.bucket).toBe('${var.functions_source_bucket}');
    expect(object!.body.source).toBe(`\${data.archive_file.function_source["${entryPoint}"].output_path}`);
    // Named by content: a function whose bundle did not change is not redeployed.
    expect(object!.body.name).toBe(`tandem/functions/${spec.name}-\${data.archive_file.function_source["${entryPoint}"].output_md5}.zip`);
    const source = block(block(block(functionFor(entryPoint).body, 'build_config'), 'source'), 'storage_source');
    expect(source.object).toBe(`\${google_storage_bucket_object.function_source["${entryPoint}"].name}`);
    expect(source.bucket).toBe(`\${google_storage_bucket_object.function_source["${entryPoint}"].bucket}`);
  });

  it('gives no two functions the same archive or object', () => {
    const objects = allOfType('google_storage_bucket_object').filter(({ address }) => address.startsWith('google_storage_bucket_object.function_source'));
    expect(objects.map(({ key }) => key).sort()).toEqual(TRIGGERS.map(([entryPoint]) => entryPoint).sort());
    expect(new Set(objects.map(({ body }) => body.name)).size).toBe(TRIGGERS.length);
    const objectsNamed = allOfType('google_cloudfunctions2_function').map(({ body }) => block(block(block(body, 'build_config'), 'source'), 'storage_source').object);
    expect(new Set(objectsNamed).size).toBe(TRIGGERS.length);
  });

  it('the functions run as one service account that has only datastore.user, pubsub.publisher and workflows.invoker on the project', () => {
    const emails = new Set(allOfType('google_cloudfunctions2_function').map(({ body }) => block(body, 'service_config').service_account_email));
    expect(emails.size).toBe(1);
    const member = serviceAccountMember(String([...emails][0]));
    const roles = allOfType('google_project_iam_member').filter(({ body }) => body.member === member).map(({ body }) => body.role);
    expect(roles.sort()).toEqual(['roles/datastore.user', 'roles/pubsub.publisher', 'roles/workflows.invoker']);
  });
});

describe('Firebase Hosting', () => {
  // One rewrite per distinct public path; a rewrite takes every method, so routes differing only in method share it.
  const publicRewrites = [...new Map(httpRoutes().filter((route) => route.public).map((route) => [route.regex, route.functionName])).entries()];
  const hostingConfig = () => block(findOne('google_firebase_hosting_version', () => true, 'one Hosting version').body, 'config');
  const rewrites = () => hostingConfig().rewrites as Body[];
  const functionRewrites = () => rewrites().filter((rewrite) => rewrite.run !== undefined);
  const redirects = () => hostingConfig().redirects as Body[];

  /** A concrete path of a template: each `{parameter}` replaced by a sample segment. */
  const samplePath = (template: string) => template.replace(/\{\w+\}/g, 'sample-1');
  /** Hosting's globs as far as this config uses them: `**` any number of segments, `*` within one. */
  const globMatches = (glob: string, path: string) => {
    const escape = (part: string) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
    return new RegExp(`^${glob.split('**').map(escape).join('.*')}$`).test(path);
  };
  /** Whether a rule matches a path: its regex (the function table's are in the subset JavaScript and RE2 read alike), or its glob. */
  const ruleMatches = (rule: Body, path: string) => (typeof rule.regex === 'string' ? new RegExp(rule.regex).test(path) : globMatches(String(rule.glob), path));
  const rulesFor = (path: string) => [...rewrites(), ...redirects()].filter((rule) => ruleMatches(rule, path));

  it('has a site, linked to the web app whose Firebase config Hosting serves at /__/firebase/init.json', () => {
    const site = findOne('google_firebase_hosting_site', () => true, 'one Hosting site');
    const app = findOne('google_firebase_web_app', () => true, 'one Firebase web app');
    expect(site.body.app_id).toBe(`\${${app.address}.app_id}`);
    expect(site.body.site_id).toBe('${coalesce(var.hosting_site_id, var.project_id)}');
  });

  it('has a rewrite for every public HTTP route of the function table, to its function, and no other rewrite to a function', () => {
    expect(functionRewrites().map((rewrite) => [rewrite.regex, block(rewrite, 'run')])).toEqual(
      publicRewrites.map(([regex, entryPoint]) => [regex, { service_id: `\${${functionFor(entryPoint).address}.name}`, region: '${var.region}' }]),
    );
    for (const rewrite of functionRewrites()) expect(rewrite.glob ?? rewrite.path ?? rewrite.function, 'a regex rewrite to Cloud Run only').toBeUndefined();
    for (const route of httpRoutes().filter((r) => r.public)) {
      const rules = rulesFor(samplePath(route.path));
      expect(rules.map((rule) => rule.regex), `${route.method} ${route.path}: one rule, its function's`).toEqual([route.regex]);
    }
  });

  it('routes no path to an internal function: no rule matches an escalation step or a Pub/Sub push', () => {
    const services = functionRewrites().map((rewrite) => String(block(rewrite, 'run').service_id));
    for (const entryPoint of INTERNAL_FUNCTIONS) expect(services).not.toContain(`\${${functionFor(entryPoint).address}.name}`);
    const internalPaths = [
      ...httpRoutes().filter((route) => !route.public).map((route) => samplePath(route.path)),
      // A push reaches its function at <function URL>/projects/<project>/topics/<topic> (pubsub.tf).
      ...TOPICS.flatMap((topic) => [`/projects/sample-project/topics/${topic}`, `/projects/sample-project/topics/${topic}-dead-letter`]),
    ];
    expect(internalPaths.length).toBeGreaterThan(TOPICS.length * 2);
    for (const path of internalPaths) expect(rulesFor(path), path).toEqual([]);
  });

  it('serves /app/index.html for every /app/… path that is not a file of the app, and / redirects to /app/', () => {
    const others = rewrites().filter((rewrite) => rewrite.run === undefined);
    expect(others).toEqual([{ glob: '/app/**', path: '/app/index.html' }]);
    for (const path of ['/app/', '/app/cases/new', '/app/cases/sample-1', '/app/cases/sample-1/actions']) expect(rulesFor(path), path).toEqual(others);
    expect(redirects()).toEqual([{ glob: '/', status_code: 302, location: '/app/' }]);
    expect(rulesFor('/')).toEqual(redirects());
  });

  it('releases that version on the site, all with the google-beta provider', () => {
    const site = findOne('google_firebase_hosting_site', () => true, 'one Hosting site');
    const version = findOne('google_firebase_hosting_version', () => true, 'one Hosting version');
    const release = findOne('google_firebase_hosting_release', () => true, 'one Hosting release');
    expect(version.body.site_id).toBe(`\${${site.address}.site_id}`);
    expect(release.body.site_id).toBe(`\${${site.address}.site_id}`);
    expect(release.body.version_name).toBe(`\${${version.address}.name}`);
    for (const type of ['google_firebase_project', 'google_firebase_web_app', 'google_firebase_hosting_site', 'google_firebase_hosting_version', 'google_firebase_hosting_release']) {
      for (const { address, body } of allOfType(type)) expect(body.provider, address).toBe('${google-beta}');
    }
  });

  it('outputs the site URL and the web app URL', () => {
    const site = findOne('google_firebase_hosting_site', () => true, 'one Hosting site');
    expect(String(outputs.get('hosting_url')?.value)).toBe(`\${${site.address}.default_url}`);
    expect(String(outputs.get('web_app_url')?.value)).toBe(`\${${site.address}.default_url}/app/`);
  });

  describe('firebase.json, which `firebase deploy --only hosting` uploads dist/web/ with', () => {
    const FIREBASE_JSON_TEXT = readFileSync(FIREBASE_JSON, 'utf8');
    const firebaseJson = JSON.parse(FIREBASE_JSON_TEXT) as { hosting: FirebaseHostingConfig };

    it('is the rendering of the function table as it is now (run `npm run generate` after changing functions/src/function-triggers.ts)', () => {
      expect(FIREBASE_JSON_TEXT).toBe(renderFirebaseJson());
    });

    it("is valid by firebase-tools' own schema of firebase.json", () => {
      const validate = firebaseConfigValidator();
      expect(validate(firebaseJson), JSON.stringify(validate.errors)).toBe(true);
    });

    it('uploads dist/web/, where `npm run build` puts the web app under app/', () => {
      expect(firebaseJson.hosting.public).toBe('dist/web');
      expect(join(HOSTING_PUBLIC_DIR, 'app')).toBe(relative(join(TERRAFORM_DIR, '..'), DEFAULT_OUT_DIR));
    });

    it('releases the same rewrites and redirects as the Terraform version, so that either release serves the same routes', () => {
      // Both as the Hosting API receives them: firebase-tools turns `source` into `glob`, `destination`
      // into `path` (a rewrite) or `location` (a redirect), `type` into `statusCode`.
      const region = String(variables.get('region')?.default);
      const serviceName = (reference: string) => {
        const address = /^\$\{(.+)\.name\}$/.exec(reference)?.[1];
        const fn = allOfType('google_cloudfunctions2_function').find((instance) => instance.address === address);
        if (!fn) throw new Error(`no function ${reference}`);
        return String(fn.body.name);
      };
      const terraformRules = [
        ...rewrites().map((rewrite) => {
          const run = rewrite.run === undefined ? undefined : block(rewrite, 'run');
          return { glob: rewrite.glob, regex: rewrite.regex, path: rewrite.path, run: run && { serviceId: serviceName(String(run.service_id)), region: run.region === '${var.region}' ? region : run.region } };
        }),
        ...redirects().map((redirect) => ({ glob: redirect.glob, regex: redirect.regex, location: redirect.location, statusCode: redirect.status_code })),
      ];
      const firebaseRules = [
        ...firebaseJson.hosting.rewrites.map((rewrite) =>
          'run' in rewrite ? { glob: undefined, regex: rewrite.regex, path: undefined, run: rewrite.run } : { glob: rewrite.source, regex: undefined, path: rewrite.destination, run: undefined },
        ),
        ...firebaseJson.hosting.redirects.map((redirect) => ({ glob: redirect.source, regex: undefined, location: redirect.destination, statusCode: redirect.type })),
      ];
      // No two rules match one path (above), so the order of the rules does not matter.
      const sorted = (rules: object[]) => rules.map((rule) => JSON.stringify(rule)).sort();
      expect(sorted(firebaseRules)).toEqual(sorted(terraformRules));
      expect(region, "firebase.json's region is var.region's default").toBe(HOSTING_REGION);
    });

    it('has every file of the app revalidated on each load, in both releases, so a deploy is never served stale', () => {
      expect(firebaseJson.hosting.headers).toEqual([{ source: '/app/**', headers: [{ key: 'Cache-Control', value: APP_CACHE_CONTROL }] }]);
      const terraformHeaders = (hostingConfig().headers as Body[]).map((rule) => ({ source: rule.glob, headers: Object.entries(rule.headers as Record<string, string>).map(([key, value]) => ({ key, value })) }));
      expect(terraformHeaders).toEqual(firebaseJson.hosting.headers);
    });

    it('deploys nothing but Hosting (Terraform deploys the rules, indexes and functions)', () => {
      expect(Object.keys(firebaseJson)).toEqual(['hosting']);
    });
  });
});

describe('workflow', () => {
  it('deploys partner-escalation from workflows/partner-escalation.workflows.yaml', () => {
    expect(allOfType('google_workflows_workflow').map(({ body }) => [body.name, body.source_contents])).toEqual([
      ['partner-escalation', '${file("${path.module}/../workflows/partner-escalation.workflows.yaml")}'],
    ]);
  });

  it('runs as its own service account, which may invoke escalationSteps', () => {
    const { body } = findOne('google_workflows_workflow', () => true, 'one workflow');
    const account = String(body.service_account).match(/^\$\{(google_service_account\.\w+)\.(id|email|name)\}$/)?.[1];
    expect(account).toBeDefined();
    const functionsAccount = String(block(functionFor('intake').body, 'service_config').service_account_email);
    expect(functionsAccount).not.toContain(`${account}.`);
    expect(invokersOf('escalationSteps')).toContain(serviceAccountMember(`\${${account}.email}`));
  });
});

describe('scheduler', () => {
  it('publishes a non-empty message to followup-tick every minute', () => {
    const jobs = allOfType('google_cloud_scheduler_job');
    expect(jobs).toHaveLength(1);
    const { body } = jobs[0]!;
    expect(body.schedule).toBe('* * * * *');
    const target = block(body, 'pubsub_target');
    expect(target.topic_name).toBe(`\${${topicNamed('followup-tick').address}.id}`);
    expect(String(target.data ?? '')).not.toBe('');
  });
});

describe('Firestore', () => {
  it('creates the (default) database in native mode', () => {
    const databases = allOfType('google_firestore_database').map(({ body }) => [body.name, body.type]);
    expect(databases).toEqual([['(default)', 'FIRESTORE_NATIVE']]);
  });

  it("deploys firestore.indexes.json's composite indexes, read from the file itself", () => {
    const index = resources.get('google_firestore_index.composite');
    expect(index?.for_each).toBe('${local.firestore_indexes}');
    const text = sources.find(({ name }) => name.endsWith('firestore.tf'))!.text;
    expect(text).toContain('jsondecode(file("${path.module}/../firestore.indexes.json"))');
  });

  it('releases firestore.rules from the repository root to cloud.firestore', () => {
    const ruleset = findOne('google_firebaserules_ruleset', () => true, 'one ruleset');
    const files = block(block(ruleset.body, 'source'), 'files');
    expect(files.content).toBe('${file("${path.module}/../firestore.rules")}');
    const release = findOne('google_firebaserules_release', () => true, 'one release');
    expect(release.body.name).toBe('cloud.firestore');
    expect(String(release.body.ruleset_name)).toContain(`\${${ruleset.address}.name}`);
  });
});

describe('secrets', () => {
  it.each(SAMPLE_VARS.partner_ids!)('partner %s gets a partner-webhook-secret-<partnerId> secret that the functions may read', (partnerId) => {
    const secret = findOne('google_secret_manager_secret', (body) => body.secret_id === `partner-webhook-secret-${partnerId}`, 'partner secret');
    const functionsMember = serviceAccountMember(String(block(functionFor('partnerCallback').body, 'service_config').service_account_email));
    const grants = allOfType('google_secret_manager_secret_iam_member').filter(({ body }) => body.secret_id === `\${${secret.address}.id}`);
    expect(grants.map(({ body }) => [body.role, body.member])).toEqual([['roles/secretmanager.secretAccessor', functionsMember]]);
  });

  it('holds no secret value: no secret version, no secret_data, no whsec_ key', () => {
    const types = [...resources.keys(), ...dataSources.keys()].map((address) => address.split('.')[0]);
    expect(types).not.toContain('google_secret_manager_secret_version');
    const everything = [...walk(parsed.map(({ json }) => json))];
    expect(everything.filter((text) => text === 'secret_data' || text.includes('whsec_'))).toEqual([]);
    // Comments are not in the parsed JSON: scan the raw text for anything shaped like a signing key.
    for (const { name, text } of sources) expect(text.match(/whsec_[A-Za-z0-9+/=]{8,}/g), name).toBeNull();
  });
});

describe('Identity Platform', () => {
  it('signs people in by email and password, from the Hosting site only, and verifies nothing itself (the functions do)', () => {
    const config = findOne('google_identity_platform_config', () => true, 'the Identity Platform config');
    const email = block(block(config.body, 'sign_in'), 'email');
    expect(email).toMatchObject({ enabled: true, password_required: true });
    expect(String(config.body.authorized_domains)).toContain('google_firebase_hosting_site.public.site_id');
  });

  it('offers Google sign-in only when an OAuth client is given, its secret a sensitive variable', () => {
    const google = findOne('google_identity_platform_default_supported_idp_config', (body) => body.idp_id === 'google.com', 'Google sign-in');
    expect(String(google.body.count)).toContain('var.google_sign_in_client_id == null ? 0 : 1');
    const secret = parsed.flatMap(({ json }) => Object.entries((json.variable ?? {}) as Record<string, Body[]>)).find(([name]) => name === 'google_sign_in_client_secret');
    expect(secret?.[1][0]).toMatchObject({ sensitive: true });
  });
});
