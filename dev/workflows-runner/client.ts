/**
 * The official clients pointed at a local runner: `ExecutionsClient` from `@google-cloud/workflows`
 * 5.x (what the product uses), and `WorkflowsClient`, which 5.x no longer ships, from 4.4 (the
 * `@google-cloud/workflows-v4` alias, a dev dependency: only deploying needs it).
 *
 * google-gax's REST fallback (`fallback: true`) speaks the same JSON paths the runner serves;
 * `protocol: 'http'` plus `apiEndpoint` and `port` aim it at the runner, and an auth client that
 * adds no headers keeps it offline (no Application Default Credentials are looked up).
 */
import { ExecutionsClient } from '@google-cloud/workflows';
import { WorkflowsClient } from '@google-cloud/workflows-v4';

/** A stand-in for google-auth-library's client: no credentials, plain `fetch`. */
function offlineAuthClient(): object {
  return {
    getRequestHeaders: async () => new Headers(),
    // gax calls `auth.fetch(url, init)` and reads `ok`, `status` and `arrayBuffer()` back.
    fetch: (url: string, init: { method?: string; headers?: HeadersInit; body?: BodyInit; signal?: AbortSignal }) =>
      fetch(url, { method: init.method, headers: init.headers, body: init.body, signal: init.signal }),
  };
}

/** The client options that make either client talk to a runner at `baseUrl`. */
export function localClientOptions(baseUrl: string): ConstructorParameters<typeof ExecutionsClient>[0] {
  const u = new URL(baseUrl);
  return {
    apiEndpoint: u.hostname,
    port: Number(u.port || 80),
    protocol: 'http',
    fallback: true,
    authClient: offlineAuthClient() as never,
  };
}

/** An `ExecutionsClient` for the runner at `baseUrl` (e.g. `http://127.0.0.1:8190`). */
export function createLocalExecutionsClient(baseUrl: string): ExecutionsClient {
  return new ExecutionsClient(localClientOptions(baseUrl));
}

/** A `WorkflowsClient` (create, get, list, update, delete workflows) for the runner at `baseUrl`. */
export function createLocalWorkflowsClient(baseUrl: string): WorkflowsClient {
  return new WorkflowsClient(localClientOptions(baseUrl) as ConstructorParameters<typeof WorkflowsClient>[0]);
}
