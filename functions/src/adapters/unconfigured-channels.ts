import { DeliveryFailed, type ChatChannel, type Mailer } from '../ports/notification-channels.js';

/**
 * The channels when none is configured (no `TANDEM_SMTP_URL`; tests that do not send): every send
 * fails as a transient delivery failure, so notify settles its notices `retry` and Pub/Sub keeps the
 * messages (nothing is marked sent, nothing is lost) until the setting is fixed, and the log says why.
 */
export const unconfiguredMailer: Mailer = {
  send: () => Promise.reject(new DeliveryFailed('SMTP is not configured: set TANDEM_SMTP_URL to the mail relay', false)),
};

export const unconfiguredChat: ChatChannel = {
  post: () => Promise.reject(new DeliveryFailed('the Google Chat webhook is not configured: set TANDEM_CHAT_WEBHOOK_URL or the secret tandem-chat-webhook-url', false)),
};
