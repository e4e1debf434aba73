import { z } from 'zod';
import type { Clock } from '../ports/clock.js';
import type { SecretStore } from '../ports/secret-store.js';
import { MetadataAccessToken } from './metadata-access-token.js';
import { WEBHOOK_SECRET_PATTERN } from './standard-webhooks.js';

/** The `fetch` this store calls; injected in tests to stand in for Google's HTTP APIs. */
export type Fetch = typeof globalThis.fetch;

const SECRET_MANAGER_API = 'https://secretmanager.googleapis.com/v1';
/** Secret IDs allow letters, digits, `-` and `_`; any other partner id cannot have a secret. */
const PARTNER_ID_PATTERN = /^[A-Za-z0-9_-]{1,200}$/;

const AccessResponse = z.object({ payload: z.object({ data: z.string() }) });

interface Cached<T> {
  value: Promise<T>;
  expiresAt: number;
}

/**
 * Partner webhook secrets in Secret Manager, for production, over its REST API (no client library:
 * one GET per partner per TTL does not justify the dependency or its cold-start cost).
 *
 * Each partner has one secret, `partner-webhook-secret-{partnerId}`; its latest version holds one or
 * more `whsec_` secrets separated by whitespace, newest first. To rotate a key:
 * 1. add a version `"whsec_new whsec_old"`: callbacks signed with either key verify, and outgoing
 *    webhooks are signed with the new one; give the partner the new key;
 * 2. once the partner signs with the new key, add a version `"whsec_new"`.
 * Within a TTL an instance may still use the previous version. Do not disable the latest version:
 * access to `latest` then fails. The function's service account needs
 * `roles/secretmanager.secretAccessor` on these secrets.
 *
 * The access token comes from the metadata server and is reused until shortly before it expires.
 * Each partner's answer (a missing secret included) is kept for `ttlMs` by the injected clock;
 * concurrent misses share one request, and a failed request is not kept.
 */
export class SecretManagerSecretStore implements SecretStore {
  private readonly fetch: Fetch;
  private readonly timeoutMs: number;
  private readonly secrets = new Map<string, Cached<string[]>>();
  private readonly token: MetadataAccessToken;

  constructor(
    private readonly options: {
      projectId: string;
      clock: Clock;
      /** How long one partner's secrets are kept, e.g. 60 s. */
      ttlMs: number;
      fetch?: Fetch;
      /** Per request to the metadata server or Secret Manager; default 5 s. */
      requestTimeoutMs?: number;
    },
  ) {
    this.fetch = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.requestTimeoutMs ?? 5_000;
    this.token = new MetadataAccessToken(options.clock, this.fetch, this.timeoutMs);
  }

  partnerWebhookSecrets(partnerId: string): Promise<string[]> {
    if (!PARTNER_ID_PATTERN.test(partnerId)) return Promise.resolve([]);
    // A copy: callers cannot change what the next caller sees.
    return this.cachedSecrets(partnerId).then((list) => [...list]);
  }

  /**
   * The latest version of any secret of the project, as text (`tandem-smtp-password`,
   * `tandem-chat-webhook-url`); null when the secret does not exist. Not cached: callers keep what
   * they need (the mailer keeps its password for the life of its connection pool).
   */
  async latestVersion(secretId: string): Promise<string | null> {
    if (!PARTNER_ID_PATTERN.test(secretId)) throw new Error(`Not a Secret Manager secret ID: ${secretId}`);
    const url = `${SECRET_MANAGER_API}/projects/${encodeURIComponent(this.options.projectId)}/secrets/${secretId}/versions/latest:access`;
    let response = await this.get(url, { authorization: `Bearer ${await this.accessToken()}` });
    if (response.status === 401) {
      // The token was revoked or expired early: one retry with a fresh one.
      this.token.invalidate();
      response = await this.get(url, { authorization: `Bearer ${await this.accessToken()}` });
    }
    if (response.status === 404) return null;
    if (!response.ok) {
      throw new Error(`Secret Manager refused to give ${secretId} (HTTP ${response.status}): ${await excerpt(response)}`);
    }
    const body = AccessResponse.safeParse(await response.json());
    if (!body.success) throw new Error(`Secret Manager's answer for ${secretId} has no payload.data.`);
    return Buffer.from(body.data.payload.data, 'base64').toString('utf8');
  }

  private async access(partnerId: string): Promise<string[]> {
    const secretId = `partner-webhook-secret-${partnerId}`;
    const payload = await this.latestVersion(secretId);
    if (payload === null) return [];
    const secrets = payload.split(/\s+/).filter(Boolean);
    if (!secrets.every((s) => WEBHOOK_SECRET_PATTERN.test(s))) {
      // Never echo the payload: it is the secret.
      throw new Error(`The latest version of ${secretId} holds something that is not a whitespace-separated list of whsec_ secrets.`);
    }
    return secrets;
  }

  private accessToken(): Promise<string> {
    return this.token.get();
  }

  private cachedSecrets(partnerId: string): Promise<string[]> {
    const now = this.options.clock.now().getTime();
    const hit = this.secrets.get(partnerId);
    if (hit && hit.expiresAt > now) return hit.value;
    const entry: Cached<string[]> = { value: this.access(partnerId), expiresAt: now + this.options.ttlMs };
    this.secrets.set(partnerId, entry);
    entry.value.catch(() => {
      if (this.secrets.get(partnerId) === entry) this.secrets.delete(partnerId);
    });
    return entry.value;
  }

  private get(url: string, headers: Record<string, string>): Promise<Response> {
    return this.fetch(url, { headers, signal: AbortSignal.timeout(this.timeoutMs) });
  }
}

/** The start of an error body, for a message a person can act on (e.g. a missing IAM grant). */
async function excerpt(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return text.slice(0, 300) || '(no body)';
}
