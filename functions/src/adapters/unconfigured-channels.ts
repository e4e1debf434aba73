import { DeliveryFailed, type ChatChannel, type Mailer } from '../ports/notification-channels.js';

/**
 * The channels until the SMTP and Google Chat adapters are wired: every send fails as a transient
 * delivery failure, so notify settles its notices `retry` and Pub/Sub keeps the messages (nothing is
 * marked sent, nothing is lost), and the log says why.
 */
export const unconfiguredMailer: Mailer = {
  send: () => Promise.reject(new DeliveryFailed('SMTP is not configured: no mailer is wired into the functions', false)),
};

export const unconfiguredChat: ChatChannel = {
  post: () => Promise.reject(new DeliveryFailed('the Google Chat webhook is not configured: no chat channel is wired into the functions', false)),
};
