/**
 * Whether a thrown error means a dependency (Firestore, Pub/Sub, Secret Manager, Workflows) could not
 * be reached, rather than a bug: the client libraries report it with gRPC status codes (also over
 * REST), and Node with its network error codes. The HTTP shape answers those 503 with `Retry-After`.
 */
const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_RESOURCE_EXHAUSTED = 8;
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE']);

/** What an adapter throws when a service it needs could not answer, whatever the library said. */
export class DependencyUnavailable extends Error {
  override name = 'DependencyUnavailable';
}

export function isDependencyUnavailable(error: unknown): boolean {
  if (error instanceof DependencyUnavailable) return true;
  for (let e = error, depth = 0; typeof e === 'object' && e !== null && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED || code === GRPC_RESOURCE_EXHAUSTED) return true;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  }
  return false;
}
