import type { Clock } from '../ports/clock.js';
import type { PartnerNotifier, WebhookDelivery } from '../ports/partner-notifier.js';
import type { SecretStore } from '../ports/secret-store.js';
import { webhookHeaders } from './standard-webhooks.js';

/**
 * Delivers one signed webhook per call: the body is serialised once, and those exact bytes are both
 * signed (with the partner's newest secret, at the clock's time) and sent. No retries here: the
 * escalation workflow retries with backoff, reusing the `webhookId` so the partner can drop duplicates.
 *
 * Redirects are not followed (a 3xx comes back as the status): a signed POST goes only to the URL the
 * partner registered. A network error or a timeout is status 0, never an exception; a partner without
 * a secret or an unusable URL is a configuration error and throws.
 */
export class SignedWebhookSender implements PartnerNotifier {
  private readonly timeoutMs: number;
  private readonly fetch: typeof globalThis.fetch;

  constructor(
    private readonly secrets: SecretStore,
    private readonly clock: Clock,
    options: { timeoutMs?: number; fetch?: typeof globalThis.fetch } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  async send(input: { partnerId: string; url: string; webhookId: string; body: Record<string, unknown> }): Promise<WebhookDelivery> {
    const { partnerId, url, webhookId } = input;
    const [secret] = await this.secrets.partnerWebhookSecrets(partnerId);
    if (!secret) throw new Error(`Partner ${partnerId} has no webhook secret, so no webhook can be signed for it.`);
    const target = URL.canParse(url) ? new URL(url) : undefined;
    if (target?.protocol !== 'https:' && target?.protocol !== 'http:') {
      throw new Error(`Partner ${partnerId}'s webhook URL is not an http(s) URL: ${url}`);
    }

    const rawBody = JSON.stringify(input.body);
    // Outside the try: a malformed secret is a configuration error, not a failed delivery.
    const signed = webhookHeaders(secret, webhookId, this.clock.now(), rawBody);
    let response: Response;
    try {
      response = await this.fetch(target, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Tandem-Webhooks/1',
          ...signed,
        },
        body: rawBody,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch {
      // Refused, reset, DNS failure, TLS failure or timeout: the partner did not answer.
      return { status: 0, webhookId };
    }
    // The partner's answer body is not needed; dropping it frees the connection.
    await response.body?.cancel().catch(() => undefined);
    return { status: response.status, webhookId };
  }
}
