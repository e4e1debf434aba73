import { z } from 'zod';
import type { Clock } from '../ports/clock.js';

const METADATA_TOKEN_URL = 'http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token';
/** A token is dropped this long before the metadata server says it expires. */
const TOKEN_REFRESH_MARGIN_MS = 60_000;
const TokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().nonnegative() });

/**
 * An OAuth access token of the function's service account, from the metadata server, reused until
 * shortly before it expires. Concurrent callers share one request; a failed request is not kept.
 * Used for Google APIs called over plain HTTP (Secret Manager, Workflows callbacks).
 */
export class MetadataAccessToken {
  private token: { value: Promise<string>; expiresAt: number } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly fetch: typeof globalThis.fetch = globalThis.fetch,
    private readonly timeoutMs = 5_000,
  ) {}

  /** Forgets the token (after a 401), so the next call fetches a fresh one. */
  invalidate(): void {
    this.token = undefined;
  }

  get(): Promise<string> {
    const now = this.clock.now().getTime();
    if (this.token && this.token.expiresAt > now) return this.token.value;
    const entry = { value: Promise.resolve(''), expiresAt: Number.POSITIVE_INFINITY };
    entry.value = (async () => {
      const response = await this.fetch(METADATA_TOKEN_URL, { headers: { 'metadata-flavor': 'Google' }, signal: AbortSignal.timeout(this.timeoutMs) });
      if (!response.ok) {
        const text = (await response.text().catch(() => '')).slice(0, 300);
        throw new Error(`The metadata server gave no access token (HTTP ${response.status}): ${text || '(no body)'}`);
      }
      const token = TokenResponse.safeParse(await response.json());
      if (!token.success) throw new Error('The metadata server answered without access_token and expires_in.');
      entry.expiresAt = this.clock.now().getTime() + token.data.expires_in * 1000 - TOKEN_REFRESH_MARGIN_MS;
      return token.data.access_token;
    })();
    // Until the answer comes, concurrent callers share this request (expiresAt is infinite meanwhile).
    this.token = entry;
    entry.value.catch(() => {
      if (this.token === entry) this.token = undefined;
    });
    return entry.value;
  }
}
