import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailDev from 'maildev';

export interface MailCatcher {
  /** What `TANDEM_SMTP_URL` is set to: `smtp://127.0.0.1:<port>`, no user, no TLS. */
  smtpUrl: string;
  /** MailDev's web view; its REST API is under it (`GET ${uiUrl}/api/email`). */
  uiUrl: string;
  stop(): Promise<void>;
}

/**
 * MailDev on 127.0.0.1: an SMTP server that keeps every email it is sent, a web page to read them and
 * a REST API (`GET /api/email`, `DELETE /api/email/all`). Port 0 picks a free port (tests). Its mail
 * lives in a directory of its own that goes when it stops, so two catchers never share a mailbox.
 */
export async function startMailCatcher(options: { smtpPort: number; uiPort: number }): Promise<MailCatcher> {
  const mailDirectory = await mkdtemp(join(tmpdir(), 'tandem-mail-'));
  const maildev = new MailDev({
    smtp: options.smtpPort,
    ip: '127.0.0.1',
    web: options.uiPort,
    webIp: '127.0.0.1',
    mailDirectory,
    silent: true,
  });
  let servers;
  try {
    servers = await quietly(() => maildev.start());
  } catch (error) {
    await rm(mailDirectory, { recursive: true, force: true });
    const ports = `SMTP ${options.smtpPort}, web ${options.uiPort}`;
    throw new Error(`The mail catcher (MailDev) did not start on 127.0.0.1 (${ports}): ${(error as Error).message}. Set TANDEM_MAIL_SMTP_PORT and TANDEM_MAIL_UI_PORT to free ports, or TANDEM_SMTP_URL to a relay of your own.`, { cause: error });
  }
  const smtpPort = servers.smtp.getPort();
  const uiPort = servers.api?.getPort() ?? options.uiPort;
  return {
    smtpUrl: `smtp://127.0.0.1:${smtpPort}`,
    uiUrl: `http://127.0.0.1:${uiPort}`,
    stop: async () => {
      await maildev.stop().catch(() => undefined);
      await rm(mailDirectory, { recursive: true, force: true });
    },
  };
}

/**
 * MailDev's web server announces itself with `console.info` whatever `silent` says; the stack
 * prints the catcher's URL itself.
 */
async function quietly<T>(run: () => Promise<T>): Promise<T> {
  const info = console.info;
  console.info = () => {};
  try {
    return await run();
  } finally {
    console.info = info;
  }
}
