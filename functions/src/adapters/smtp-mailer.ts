import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import { DeliveryFailed, type Email, type Mailer } from '../ports/notification-channels.js';

/** A secret given as itself or fetched when first needed (Secret Manager in production). */
export type SecretSource = string | (() => Promise<string>);

export interface SmtpMailerOptions {
  /** `smtp://user@host:587` (STARTTLS when the server offers it) or `smtps://user@host:465` (TLS from the start). */
  url: string;
  /** The relay's password for the URL's user; wins over a password in the URL. */
  password?: SecretSource;
  /** The From of every email: `Name <address>` or an address (config `TANDEM_MAIL_FROM`). */
  from: string;
  /** Connecting (TCP, TLS and the greeting): default 5 s. */
  connectionTimeoutMs?: number;
  /** Silence on an open connection: default 15 s. */
  socketTimeoutMs?: number;
  /** One whole send, however it is spent: default 30 s. */
  sendTimeoutMs?: number;
  /** Connections the pool keeps open to the relay: default 2. */
  maxConnections?: number;
}

/** Failures that say nothing about the message: the relay, the network, or our own set-up. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ETLS', 'EPROTOCOL', 'EABORT', 'EAUTH', 'ENOAUTH', 'EMAXLIMIT']);
/** Node's own socket errors, when one surfaces unwrapped. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

interface NodemailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

/**
 * Sends email through an SMTP relay with nodemailer: one pooled transport per instance, created on
 * the first send (not at import, so a cold start that sends nothing opens no connection and fetches
 * no password). Short timeouts keep a dead relay from holding a function until its own timeout.
 *
 * Every failure becomes a {@link DeliveryFailed} whose `detail` is the server's reply line (or the
 * error code when there was none):
 * - transient: the relay could not be reached or answered too slowly (refused, reset, DNS, timeout),
 *   any SMTP 4xx (greylisting 421, 450, 451, 452), and failures of the relay or of our set-up
 *   (TLS, authentication): fixing those makes the same message go through;
 * - permanent: an SMTP 5xx to the recipient or the message (550, 551, 553, 554 …), and an address
 *   nodemailer refuses before sending.
 */
export class SmtpMailer implements Mailer {
  private transport: Promise<Transporter<SMTPPool.SentMessageInfo>> | undefined;

  constructor(private readonly options: SmtpMailerOptions) {
    const url = URL.canParse(options.url) ? new URL(options.url) : undefined;
    if (url?.protocol !== 'smtp:' && url?.protocol !== 'smtps:') throw new Error('SmtpMailer: the relay URL is not an smtp:// or smtps:// URL');
  }

  async send(email: Email): Promise<void> {
    const transport = await this.transporter();
    const message: SendMailOptions & { signal?: AbortSignal } = {
      from: this.options.from,
      to: email.to.name ? { name: email.to.name, address: email.to.address } : email.to.address,
      subject: email.subject,
      text: email.text,
      html: email.html,
      // The notice's own ID, so a redelivered notice carries the same one (nodemailer would make up a new one).
      messageId: email.messageId,
      references: email.references,
      signal: AbortSignal.timeout(this.options.sendTimeoutMs ?? 30_000),
    };
    try {
      await transport.sendMail(message);
    } catch (error) {
      throw classify(error);
    }
  }

  /** Closes the pool's connections (tests; an instance that is shutting down). */
  async close(): Promise<void> {
    const transport = this.transport;
    this.transport = undefined;
    if (transport) (await transport.catch(() => undefined))?.close();
  }

  private transporter(): Promise<Transporter<SMTPPool.SentMessageInfo>> {
    if (!this.transport) {
      const creating = this.createTransport();
      this.transport = creating;
      // A password that could not be fetched is fetched again on the next send.
      creating.catch(() => {
        if (this.transport === creating) this.transport = undefined;
      });
    }
    return this.transport;
  }

  private async createTransport(): Promise<Transporter<SMTPPool.SentMessageInfo>> {
    const url = new URL(this.options.url);
    const secure = url.protocol === 'smtps:';
    const user = decodeURIComponent(url.username);
    const pass = typeof this.options.password === 'function' ? await this.options.password() : (this.options.password ?? decodeURIComponent(url.password));
    const connectionTimeout = this.options.connectionTimeoutMs ?? 5_000;
    const options: SMTPPool.Options = {
      pool: true,
      maxConnections: this.options.maxConnections ?? 2,
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: url.port ? Number(url.port) : secure ? 465 : 587,
      secure,
      auth: user ? { user, pass } : undefined,
      connectionTimeout,
      greetingTimeout: connectionTimeout,
      dnsTimeout: connectionTimeout,
      socketTimeout: this.options.socketTimeoutMs ?? 15_000,
      // Nodemailer logs nothing by itself; the caller logs the DeliveryFailed.
      logger: false,
    };
    return nodemailer.createTransport(options);
  }
}

/** Nodemailer's error → {@link DeliveryFailed}; see {@link SmtpMailer} for the rules. */
export function classify(error: unknown): DeliveryFailed {
  const e = (error ?? {}) as NodemailerError;
  const reply = typeof e.response === 'string' ? e.response.trim() : undefined;
  const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const detail = reply ?? (code !== undefined ? String(code) : e.code);
  const what = e.command && e.command !== 'API' ? ` (${e.command})` : '';
  if (code !== undefined && code >= 400 && code < 500) {
    return new DeliveryFailed(`The mail relay deferred the message${what}: ${reply ?? code}`, false, detail);
  }
  if (code !== undefined && code >= 500 && (e.code === 'EENVELOPE' || e.code === 'EMESSAGE')) {
    return new DeliveryFailed(`The mail relay refused the message${what}: ${reply ?? code}`, true, detail);
  }
  if (e.code === 'EENVELOPE' && code === undefined) {
    // Nodemailer's own check of the envelope: an address it cannot send to.
    return new DeliveryFailed(`The message was not sent: ${e.message}`, true, detail);
  }
  // The network, a timeout, TLS, authentication, a 5xx outside the envelope and the message, or
  // anything unknown: not the message's fault, so it may go through later.
  const known = e.code && (TRANSIENT_CODES.has(e.code) || NETWORK_CODES.has(e.code)) ? '' : ' (unexpected)';
  return new DeliveryFailed(`The mail relay could not take the message${known}: ${e.message || detail || 'no reason given'}`, false, detail);
}
