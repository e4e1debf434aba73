import { GoogleChatWebhook } from '../adapters/google-chat-webhook.js';
import type { Config } from '../config.js';
import type { Factory } from './factory.js';
import { secretManagerOf } from './secrets.js';
import { requiredSecret, type SecretVersions } from './secret-versions.js';

/** The Secret Manager secret of the duty chat webhook URL (terraform grants the notify function access to it). */
export const CHAT_WEBHOOK_URL_SECRET = 'tandem-chat-webhook-url';

export const chat: Factory<'chat'> = ({ config, clock }) => productionChat(config, secretManagerOf(config, clock));

/**
 * The duty channel of a deployed notify: `TANDEM_CHAT_WEBHOOK_URL` when set, else the webhook URL in
 * Secret Manager's `tandem-chat-webhook-url` (where it belongs: its key and token are a secret),
 * fetched on the first post. A missing secret fails that post, naming the secret.
 */
export function productionChat(config: Config, secrets: SecretVersions): GoogleChatWebhook {
  const { chatWebhookUrl } = config.notifications;
  return new GoogleChatWebhook({
    url: chatWebhookUrl ?? (() => requiredSecret(secrets, CHAT_WEBHOOK_URL_SECRET, "the duty space's Google Chat incoming webhook URL")),
  });
}
