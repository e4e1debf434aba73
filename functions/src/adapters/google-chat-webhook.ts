import { DeliveryFailed, type ChatChannel, type ChatMessage } from '../ports/notification-channels.js';
import type { SecretSource } from './smtp-mailer.js';

export interface GoogleChatWebhookOptions {
  /**
   * The space's incoming webhook, `https://chat.googleapis.com/v1/spaces/…/messages?key=…&token=…`,
   * or a function that fetches it (Secret Manager in production). Its key and token are a secret:
   * it never appears in an error or a log line.
   */
  url: SecretSource;
  /** One POST, connecting included: default 10 s. */
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * Posts cards to a Google Chat space through its incoming webhook (`spaces.messages.create`), one
 * thread per case: `threadKey` names the thread and `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`
 * replies in it, starting it the first time. `messageId` is Chat's client-assigned message ID
 * (`client-…`, unique in the space), so a redelivered notice cannot post a second card: Chat answers
 * 409 for an ID it already has, which is taken as delivered.
 *
 * 2xx is delivered; 429, 5xx, a network error or a timeout is transient; any other status is
 * permanent (400 a card Chat refuses, 401/403/404 a webhook that was revoked). `detail` is the
 * HTTP status (`0` when there was no answer). Redirects are not followed.
 */
export class GoogleChatWebhook implements ChatChannel {
  private readonly timeoutMs: number;
  private readonly fetch: typeof globalThis.fetch;
  private url: Promise<URL> | undefined;

  constructor(private readonly options: GoogleChatWebhookOptions) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    if (typeof options.url === 'string') parseWebhookUrl(options.url);
  }

  async post(message: ChatMessage): Promise<void> {
    const target = new URL(await this.webhookUrl());
    target.searchParams.set('threadKey', message.threadKey);
    target.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    target.searchParams.set('messageId', message.messageId);
    let response: Response;
    try {
      response = await this.fetch(target, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=UTF-8' },
        body: JSON.stringify(message.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // Never the error itself: undici's messages can carry the URL, and with it the webhook's key.
      const timedOut = (error as Error).name === 'TimeoutError';
      throw new DeliveryFailed(timedOut ? `Google Chat did not answer within ${this.timeoutMs} ms` : 'Google Chat could not be reached', false, '0');
    }
    const status = response.status;
    const excerpt = status >= 200 && status < 300 ? '' : await errorExcerpt(response);
    await response.body?.cancel().catch(() => undefined);
    if ((status >= 200 && status < 300) || status === 409) return;
    const transient = status === 429 || status >= 500;
    throw new DeliveryFailed(`Google Chat ${transient ? 'deferred' : 'refused'} the message (HTTP ${status})${excerpt}`, !transient, String(status));
  }

  private webhookUrl(): Promise<URL> {
    if (!this.url) {
      const source = this.options.url;
      const loading = (typeof source === 'string' ? Promise.resolve(source) : source()).then(parseWebhookUrl);
      this.url = loading;
      loading.catch(() => {
        if (this.url === loading) this.url = undefined;
      });
    }
    return this.url;
  }
}

function parseWebhookUrl(value: string): URL {
  const url = URL.canParse(value.trim()) ? new URL(value.trim()) : undefined;
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:') throw new Error('The Google Chat webhook URL is not an http(s) URL');
  return url;
}

/** Chat's error message (`{"error": {"message": …}}`), short: for the timeline and the log. */
async function errorExcerpt(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  let message = text;
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } };
    if (typeof parsed.error?.message === 'string') message = parsed.error.message;
  } catch {
    // Not JSON: the text itself.
  }
  message = message.replace(/\s+/g, ' ').trim().slice(0, 200);
  return message ? `: ${message}` : '';
}
