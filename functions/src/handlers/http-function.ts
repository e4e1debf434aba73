import type { HttpFunction, Request, Response } from '@google-cloud/functions-framework';
import type { z } from 'zod';
import { DocumentId } from '../domain/case-model.js';
import { domainError, fail, ok, type DomainError, type Result } from '../domain/result.js';
import { parseInput } from '../domain/zod-issues.js';
import { FUNCTION_TRIGGERS, pathTemplateMatcher, type HttpFunctionName } from '../function-triggers.js';
import { isDependencyUnavailable } from '../ports/dependency-failure.js';
import type { Logger } from '../ports/logger.js';
import { errorBody, httpStatusFor, MAX_BODY_BYTES, RETRY_AFTER_SECONDS } from './http-errors.js';

/**
 * The one shape of every HTTP function, the twin of pubsub-step.ts. A function is a list of routes;
 * this module matches the path and method (404 `not_found`, 405 `method_not_allowed` with `Allow`),
 * checks the body's size and type (413, 415), decodes and validates the request (400 with every
 * problem at once), runs the route, and answers. An expected failure is a `DomainError` value,
 * answered as DESIGN.md's JSON error body; anything thrown is logged with the trace and answered 503
 * `unavailable` (with `Retry-After`) when a dependency is down, else 500 `internal`, never with a stack
 * or an internal message.
 */

/** What a route answers: a status and a JSON body. */
export interface HttpAnswer {
  status: number;
  json?: unknown;
  headers?: Record<string, string>;
}

/** One documented response of a route, for the OpenAPI document (docs/openapi.json). */
export interface DocumentedResponse {
  description: string;
  /** The body's schema; error responses use DESIGN.md's error body and need none. */
  schema?: z.ZodType;
}

export interface RouteContext {
  req: Request;
  /** Path parameters by name, already checked as document IDs. */
  params: Record<string, string>;
  log: Logger;
  trace: string | undefined;
}

/**
 * What a route is, apart from what it does: the method and path, its input and its documented
 * answers. Each HTTP handler module exports its specs; the OpenAPI document (docs/openapi.json) is
 * generated from them, and the route table (function-triggers.ts) must list the same method and path.
 */
export interface RouteSpec<I = unknown> {
  method: 'GET' | 'POST';
  /** An OpenAPI path template: `/partners/{partnerId}/callbacks`. Parameters are document IDs. */
  path: string;
  summary: string;
  /** What a parameter that is not a valid ID answers (default 404 `not_found`): no existence leak. */
  badParam?: () => DomainError;
  /** The request body: validated against the parsed JSON, and documented. */
  body?: z.ZodType<I>;
  /** Or the route decodes the request itself (raw bytes, form fields, headers): every problem in one `invalid_request`. */
  decode?: (req: Request) => Result<I>;
  /** With `decode`: the body it expects, for the document. */
  documentedBody?: z.ZodType;
  /** False for a route that reaches no dependency (a static page): it cannot answer 503. */
  reachesDependencies?: false;
  /** Request headers the route reads, for the document. */
  headers?: Record<string, { description: string; required?: boolean }>;
  responses: Record<number, DocumentedResponse>;
}

/** Declares a route spec, its input type inferred from `body` or `decode`. */
export const spec = <I>(definition: RouteSpec<I>): RouteSpec<I> => definition;

export interface HttpRoute<I = unknown> extends RouteSpec<I> {
  handle: (input: I, context: RouteContext) => Promise<Result<HttpAnswer>>;
}

/** A route whose input type is its own business (what {@link httpFunction} takes a list of). */
export type AnyRoute = HttpRoute<unknown>;

/** A route: what it is, and what it does with its input. */
export const route = <I>(definition: RouteSpec<I>, handle: HttpRoute<I>['handle']): AnyRoute => ({ ...definition, handle }) as unknown as AnyRoute;

export interface HttpFunctionDeps {
  log: Logger;
  projectId: string;
}

/**
 * One HTTP function from its routes. They must be the routes the table gives the function
 * (function-triggers.ts), which the local router and Firebase Hosting route by: a mismatch fails at
 * cold start, not at a customer's request.
 */
export function httpFunction(name: HttpFunctionName, deps: HttpFunctionDeps, routes: readonly AnyRoute[]): HttpFunction {
  const declared = FUNCTION_TRIGGERS[name].routes.map((r) => `${r.method} ${r.path}`).sort();
  const served = routes.map((r) => `${r.method} ${r.path}`).sort();
  if (declared.join('\n') !== served.join('\n')) {
    throw new Error(`${name} serves ${served.join(', ')} but the route table says ${declared.join(', ')}`);
  }
  const compiled = routes.map((r) => ({ route: r, matcher: pathTemplateMatcher(r.path) }));
  return async (req: Request, res: Response) => {
    const trace = traceFromHeader(req.get('x-cloud-trace-context'), deps.projectId);
    const log = deps.log.with({ step: name, trace });
    try {
      const matches = compiled.map((c) => ({ ...c, params: c.matcher(req.path) })).filter((c) => c.params !== undefined);
      if (matches.length === 0) return send(res, errorAnswer(domainError('not_found', `Nothing here: ${req.method} ${req.path}`)));
      const match = matches.find((c) => c.route.method === req.method);
      if (!match) {
        const allow = [...new Set(matches.map((c) => c.route.method))].join(', ');
        return send(res, { ...errorAnswer(domainError('method_not_allowed', `${req.path} answers ${allow}.`)), headers: { Allow: allow } });
      }
      const chosen = match.route;
      const params = checkedParams(match.params!);
      const answer = params.ok ? await run(chosen, req, { req, params: params.value, log, trace }) : fail(chosen.badParam?.() ?? notFound(req));
      if (answer.ok) return send(res, answer.value);
      return send(res, errorAnswer(answer.error));
    } catch (error) {
      if (res.headersSent) {
        log.error('request failed after its answer was sent', { error });
        return;
      }
      const unavailable = isDependencyUnavailable(error);
      log.error(unavailable ? 'a dependency is unavailable; answered 503' : 'request failed unexpectedly; answered 500', {
        error,
        method: req.method,
        path: req.path,
      });
      send(res, unexpectedFailureAnswer(unavailable));
    }
  };
}

async function run(route: HttpRoute<unknown>, req: Request, context: RouteContext): Promise<Result<HttpAnswer>> {
  if (req.method === 'POST') {
    const kind = checkBody(req);
    if (!kind.ok) return kind;
  }
  const input = route.decode ? route.decode(req) : route.body ? validate(route.body, req.body) : ok(undefined);
  if (!input.ok) return input;
  return route.handle(input.value, context);
}

/** The answer to something that went wrong unexpectedly: no detail for the client, the log has it. */
export function unexpectedFailureAnswer(unavailable: boolean): HttpAnswer {
  if (unavailable) {
    return {
      ...errorAnswer(domainError('unavailable', 'Tandem cannot reach one of its services just now. Try again in a few seconds.')),
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) },
    };
  }
  return errorAnswer(domainError('internal', 'Something went wrong on our side. Try again; if it keeps happening, contact support.'));
}

export const errorAnswer = (error: DomainError): HttpAnswer => ({
  status: httpStatusFor(error.code),
  json: errorBody(error),
  // RFC 6750: a 401 names the scheme the client should use.
  ...(error.code === 'unauthenticated' ? { headers: { 'WWW-Authenticate': 'Bearer' } } : {}),
});

/** A JSON answer. */
export const json = (status: number, body: unknown, headers?: Record<string, string>): Result<HttpAnswer> => ok({ status, json: body, headers });

function send(res: Response, answer: HttpAnswer): void {
  for (const [header, value] of Object.entries(answer.headers ?? {})) res.set(header, value);
  res.status(answer.status);
  res.json(answer.json ?? {});
}

const notFound = (req: Request): DomainError => domainError('not_found', `Nothing here: ${req.method} ${req.path}`);

/** Validates a JSON body against a schema, every problem at once (domain/zod-issues.ts). */
export function validate<T>(schema: z.ZodType<T>, body: unknown, message = 'The request has problems; fix the fields listed and send it again.'): Result<T> {
  return parseInput(schema, body, message);
}

/**
 * Checks size (413) and content type (415: JSON only) before anything is parsed into the domain. The
 * raw bytes come from the Functions Framework (`req.rawBody`), so the size is what was sent, not what parsed.
 */
export function checkBody(req: Request): Result<'json'> {
  const length = req.rawBody?.length ?? Number(req.get('content-length') ?? 0);
  if (length > MAX_BODY_BYTES) return fail(tooLarge(length));
  // req.is() answers with the matching type, or false/null: only a string is a match.
  if (typeof req.is('application/json') === 'string') return ok('json');
  return fail(unsupportedMediaType(req.get('content-type')));
}

export const tooLarge = (length: number): DomainError =>
  domainError('payload_too_large', `A request may be at most ${MAX_BODY_BYTES / 1024} KiB; this one is ${Math.ceil(length / 1024)} KiB.`);

export const unsupportedMediaType = (contentType: string | undefined): DomainError =>
  domainError('unsupported_media_type', 'Send application/json, in UTF-8.', { details: { contentType: contentType ?? null } });

/** Every path parameter names a document: decoded and checked, or the route answers as if nothing were there. */
function checkedParams(raw: Record<string, string>): Result<Record<string, string>> {
  const params: Record<string, string> = {};
  for (const [name, segment] of Object.entries(raw)) {
    const id = pathId(segment);
    if (!id) return fail(domainError('not_found', 'Not a valid ID.'));
    params[name] = id;
  }
  return ok(params);
}

/** A path segment as a document ID, or `undefined` when it cannot be one (a bad escape included: never a 500). */
export function pathId(segment: string): string | undefined {
  try {
    const id = decodeURIComponent(segment);
    return DocumentId.safeParse(id).success ? id : undefined;
  } catch {
    return undefined;
  }
}

/** The Cloud Trace ID from `X-Cloud-Trace-Context: TRACE/SPAN;o=1`, in the form Cloud Logging links. */
export function traceFromHeader(header: string | undefined, projectId: string): string | undefined {
  const traceId = header?.split('/')[0];
  return traceId && /^[0-9a-f]{32}$/i.test(traceId) ? `projects/${projectId}/traces/${traceId}` : undefined;
}

/**
 * What the Functions Framework's own body parser refuses before any route runs (malformed JSON, an
 * unsupported charset or encoding, a body it cannot read), as the error the route would have given.
 * `status` and `type` are body-parser's (http-errors) fields.
 */
export function refusedBeforeRouting(error: { status?: number; type?: string }, contentLength: number): HttpAnswer {
  if (contentLength > MAX_BODY_BYTES || error.type === 'entity.too.large') return errorAnswer(tooLarge(contentLength));
  switch (error.type) {
    case 'entity.parse.failed':
      return errorAnswer(
        domainError('invalid_request', 'The body is not valid JSON.', { issues: [{ path: '(body)', message: 'Send one JSON object, in UTF-8.' }] }),
      );
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return errorAnswer(
        domainError('unsupported_media_type', 'Send the body as application/json in UTF-8, without a Content-Encoding.'),
      );
    default:
      // Express could not decode a percent-escape in the path: nothing can live there.
      if (error instanceof URIError || (error as Error).message?.startsWith('Failed to decode param')) {
        return errorAnswer(domainError('not_found', 'Nothing here: the path is not valid.'));
      }
      if (error.status && error.status >= 400 && error.status < 500) {
        return errorAnswer(domainError('invalid_request', 'The request body could not be read.', { issues: [{ path: '(body)', message: 'Send one JSON object, in UTF-8.' }] }));
      }
      return unexpectedFailureAnswer(false);
  }
}
