import { SmtpMailer } from '../adapters/smtp-mailer.js';
import { unconfiguredMailer } from '../adapters/unconfigured-channels.js';
import type { Config } from '../config.js';
import type { Factory } from './factory.js';
import { secretManagerOf } from './secrets.js';
import { requiredSecret, type SecretVersions } from './secret-versions.js';

/** The Secret Manager secret of the mail relay's password (terraform grants the notify function access to it). */
export const SMTP_PASSWORD_SECRET = 'tandem-smtp-password';

/**
 * Without a relay configured, notify's sends fail as retryable and say why (adapters/unconfigured-channels.ts):
 * the other functions need no mail settings to start.
 */
export const mailer: Factory<'mailer'> = ({ config, clock }) => (config.notifications.smtpUrl ? productionMailer(config, secretManagerOf(config, clock)) : unconfiguredMailer);

/**
 * The mailer of a deployed notify: the relay of `TANDEM_SMTP_URL`, its password (when the URL names
 * a user) from Secret Manager's `tandem-smtp-password`, fetched on the first send. Without
 * `TANDEM_SMTP_URL` notify cannot send email, and building it says so.
 */
export function productionMailer(config: Config, secrets: SecretVersions): SmtpMailer {
  const { smtpUrl, mailFrom } = config.notifications;
  if (!smtpUrl) {
    throw new Error('notify needs a mail relay: set TANDEM_SMTP_URL (smtp://user@host:587 or smtps://user@host:465); its password goes in the Secret Manager secret tandem-smtp-password.');
  }
  const hasUser = new URL(smtpUrl).username !== '';
  return new SmtpMailer({
    url: smtpUrl,
    from: mailFrom,
    password: hasUser ? () => requiredSecret(secrets, SMTP_PASSWORD_SECRET, `the password of ${new URL(smtpUrl).username} on the mail relay`) : undefined,
  });
}
