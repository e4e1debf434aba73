import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { PartnerWebhookBody } from '../functions/src/domain/partner-escalation.js';
import { FUNCTION_TRIGGERS, type HttpFunctionName } from '../functions/src/function-triggers.js';
import { ESCALATION_STEP_ROUTES } from '../functions/src/handlers/escalation-steps.js';
import { codesWithStatus } from '../functions/src/handlers/http-errors.js';
import type { RouteSpec } from '../functions/src/handlers/http-function.js';
import { INTAKE_ROUTE } from '../functions/src/handlers/intake.js';
import { CASE_ACTIONS_ROUTE } from '../functions/src/handlers/case-actions.js';
import { CASE_READ_ROUTES } from '../functions/src/handlers/case-api.js';
import { PARTNER_CALLBACK_ROUTE } from '../functions/src/handlers/partner-callback.js';

/** Where the document is checked in. */
export const OPENAPI_JSON = fileURLToPath(new URL('../docs/openapi.json', import.meta.url));

/** Every HTTP function's route specs, as its handler module exports them. */
export const ROUTE_SPECS: Record<HttpFunctionName, readonly RouteSpec[]> = {
  intake: [INTAKE_ROUTE as RouteSpec, CASE_READ_ROUTES.list as RouteSpec],
  caseActions: [CASE_ACTIONS_ROUTE as RouteSpec],
  caseApi: [CASE_READ_ROUTES.get as RouteSpec, CASE_READ_ROUTES.events as RouteSpec],
  partnerCallback: [PARTNER_CALLBACK_ROUTE as RouteSpec],
  escalationSteps: Object.values(ESCALATION_STEP_ROUTES) as RouteSpec[],
};

/**
 * Answers every route can give because of the HTTP shape itself (handlers/http-function.ts), on top
 * of the ones the route documents: a body too large or of the wrong type, an unexpected failure, a
 * dependency that is down.
 */
export function shapeResponses(spec: RouteSpec): Record<number, string> {
  const body: Record<number, string> =
    spec.method === 'POST' ? { 413: 'The body is over 64 KiB.', 415: 'The body is not JSON in UTF-8.' } : {};
  const shape: Record<number, string> = {
    ...body,
    405: 'The path answers other methods only: `Allow` names them.',
    500: 'Something went wrong on our side; nothing internal is in the body, the log has it with the trace.',
  };
  if (spec.reachesDependencies !== false) shape[503] = 'A service Tandem depends on is unavailable: try again after `Retry-After` seconds.';
  return shape;
}

/** DESIGN's error body, with the codes a given status is answered with. */
export const errorBodySchema = (status: number) =>
  z.object({
    error: z.looseObject({
      code: z.enum(codesWithStatus(status) as [string, ...string[]]),
      message: z.string().min(1),
      issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  });

/** The documented schema of an answer, or `undefined` for an HTML page. */
export function responseSchema(spec: RouteSpec, status: number): z.ZodType | undefined {
  if (status >= 400) return errorBodySchema(status);
  return spec.responses[status]?.schema;
}

/** A schema as OpenAPI 3.1 (JSON Schema 2020-12) embeds it: without its own `$schema`. */
function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });
  return rest;
}

const errorRef = (status: number) => ({ $ref: `#/components/schemas/Error${status}` });

function operation(functionName: HttpFunctionName, spec: RouteSpec) {
  const parameters = [
    ...[...spec.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,128}$' } })),
    ...Object.entries(spec.headers ?? {}).map(([name, h]) => ({ name, in: 'header', required: h.required ?? false, description: h.description, schema: { type: 'string' } })),
  ];
  const body = spec.body ?? spec.documentedBody;
  const documented = Object.entries(spec.responses).map(([status, r]) => [status, r.description] as const);
  const fromShape = Object.entries(shapeResponses(spec)).filter(([status]) => !(status in spec.responses));
  const responses = Object.fromEntries(
    [...documented, ...fromShape]
      .sort(([a], [b]) => Number(a) - Number(b))
      .map(([status, description]) => {
        const schema = responseSchema(spec, Number(status));
        const json = Number(status) >= 400 ? errorRef(Number(status)) : schema && jsonSchema(schema);
        const content = json ? { 'application/json': { schema: json } } : undefined;
        return [status, { description, ...(content ? { content } : {}) }];
      }),
  );
  return {
    operationId: `${functionName}.${spec.method.toLowerCase()}${spec.path.replace(/\{(\w+)\}/g, 'By-$1').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: spec.summary,
    tags: [functionName],
    ...(parameters.length ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: { 'application/json': { schema: jsonSchema(body) } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 document of Tandem's HTTP surface, partner webhooks included. */
export function buildOpenApi(): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const errorStatuses = new Set<number>();
  for (const [functionName, specs] of Object.entries(ROUTE_SPECS) as [HttpFunctionName, readonly RouteSpec[]][]) {
    for (const spec of specs) {
      const internal = !FUNCTION_TRIGGERS[functionName].public;
      (paths[spec.path] ??= {})[spec.method.toLowerCase()] = { ...operation(functionName, spec), ...(internal ? { 'x-internal': true } : {}) };
      for (const status of [...Object.keys(spec.responses), ...Object.keys(shapeResponses(spec))].map(Number)) if (status >= 400) errorStatuses.add(status);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tandem',
      version: '0.1.0',
      description:
        'Third-party technology support on Google Cloud. Generated from the zod schemas the handlers validate with (`npm run generate`); do not edit. Every error answer is `{"error": {"code", "message", "issues"?}}`. Operations marked x-internal are called by the escalation workflow only.',
    },
    servers: [{ url: 'http://127.0.0.1:8100', description: 'The local stack (`npm start`)' }],
    paths,
    components: {
      schemas: Object.fromEntries([...errorStatuses].sort((a, b) => a - b).map((status) => [`Error${status}`, jsonSchema(errorBodySchema(status))])),
    },
    webhooks: {
      partnerCollaboration: {
        post: {
          summary: "Sent to a partner's webhookUrl, signed with the Standard Webhooks scheme: a collaboration request, an escalation up the ladder, or a reminder",
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(PartnerWebhookBody) } } },
          responses: {
            '2XX': { description: 'Received.' },
            '429': { description: 'Retried with backoff.' },
            '5XX': { description: 'Retried with backoff.' },
          },
        },
      },
    },
  };
}

export const renderOpenApi = (): string => `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
