import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ChatCatcher } from '../../dev/chat-catcher.js';
import { ControllableClock } from '../../dev/controllable-clock.js';
import { freePort } from '../../dev/emulators.js';
import { startMailCatcher, type MailCatcher } from '../../dev/mail-catcher.js';
import { createRouter } from '../../dev/router.js';
import { GoogleChatWebhook } from '../../functions/src/adapters/google-chat-webhook.js';
import { SmtpMailer } from '../../functions/src/adapters/smtp-mailer.js';
import { DeliveryFailed, type Email } from '../../functions/src/ports/notification-channels.js';

const email = (overrides: Partial<Email> = {}): Email => ({
  to: { name: 'Peter Gibbons', address: 'peter@initech.example' },
  subject: '[Case c-123] Volumes read-only after failover',
  text: 'Your case is with NetApp.\nhttp://tandem.test/app/cases/c-123',
  html: '<p>Your case is with <b>NetApp</b>.</p>',
  messageId: '<case-c-123.evt-1.peter@tandem.example>',
  references: ['<case-c-123@tandem.example>'],
  ...overrides,
});

/** What `send` threw, which must be a DeliveryFailed. */
async function failure(sending: Promise<unknown>): Promise<DeliveryFailed> {
  const error = await sending.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DeliveryFailed);
  return error as DeliveryFailed;
}

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('SmtpMailer → MailDev', () => {
  let catcher: MailCatcher;
  beforeAll(async () => {
    catcher = await startMailCatcher({ smtpPort: 0, uiPort: 0 });
  });
  afterAll(() => catcher.stop());

  it('delivers subject, text, html, Message-ID, References, From and To, as read back through the REST API', async () => {
    const mailer = new SmtpMailer({ url: catcher.smtpUrl, from: 'Tandem Support <support@tandem.example>' });
    closers.push(() => mailer.close());
    await mailer.send(email());

    const res = await fetch(`${catcher.uiUrl}/api/email`);
    const mails = (await res.json()) as {
      subject: string;
      text: string;
      html: string;
      headers: Record<string, string>;
      to: { address: string; name: string }[];
      from: { address: string; name: string }[];
    }[];
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail).toMatchObject({
      subject: '[Case c-123] Volumes read-only after failover',
      to: [{ address: 'peter@initech.example', name: 'Peter Gibbons' }],
      from: [{ address: 'support@tandem.example', name: 'Tandem Support' }],
    });
    expect(mail?.text.trim()).toBe('Your case is with NetApp.\nhttp://tandem.test/app/cases/c-123');
    expect(mail?.html).toContain('<p>Your case is with <b>NetApp</b>.</p>');
    expect(mail?.headers['message-id']).toBe('<case-c-123.evt-1.peter@tandem.example>');
    expect(mail?.headers.references).toBe('<case-c-123@tandem.example>');
  });

  it('sends concurrent emails through its pool', async () => {
    const mailer = new SmtpMailer({ url: catcher.smtpUrl, from: 'support@tandem.example' });
    closers.push(() => mailer.close());
    await Promise.all([1, 2, 3].map((n) => mailer.send(email({ messageId: `<m${n}@tandem.example>`, subject: `pooled ${n}` }))));
    const mails = (await (await fetch(`${catcher.uiUrl}/api/email`)).json()) as { subject: string }[];
    expect(mails.map((m) => m.subject).filter((s) => s.startsWith('pooled')).sort()).toEqual(['pooled 1', 'pooled 2', 'pooled 3']);
  });

  it('refuses an address nodemailer cannot send to: permanent', async () => {
    const mailer = new SmtpMailer({ url: catcher.smtpUrl, from: 'support@tandem.example' });
    closers.push(() => mailer.close());
    const failed = await failure(mailer.send(email({ to: { address: 'peter' } })));
    expect(failed.permanent).toBe(true);
  });
});

/** An SMTP server whose answers the test decides, with the `smtp-server` package. */
async function smtpServer(handlers: {
  onRcptTo?: (address: string, session: SMTPServerSession) => Error | undefined;
  onData?: (session: SMTPServerSession) => Error | undefined;
}): Promise<{ url: string; received: { to: string[]; raw: string }[] }> {
  const received: { to: string[]; raw: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, session, callback) {
      callback(handlers.onRcptTo?.(address.address, session) ?? undefined);
    },
    onData(stream: SMTPServerDataStream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const refused = handlers.onData?.(session);
        if (!refused) received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString() });
        callback(refused ?? null);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `smtp://127.0.0.1:${port}`, received };
}

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

describe('SmtpMailer → a relay that refuses', () => {
  it('greylisting (451 on the message) is transient, and the same message goes through next time', async () => {
    let refusals = 1;
    const relay = await smtpServer({ onData: () => (refusals-- > 0 ? smtpError(451, '4.7.1 Greylisted, try again later') : undefined) });
    const mailer = new SmtpMailer({ url: relay.url, from: 'support@tandem.example' });
    closers.push(() => mailer.close());

    const failed = await failure(mailer.send(email()));
    expect(failed.permanent).toBe(false);
    expect(failed.detail).toMatch(/^451 .*Greylisted/);

    await mailer.send(email());
    expect(relay.received).toHaveLength(1);
    expect(relay.received[0]?.to).toEqual(['peter@initech.example']);
    expect(relay.received[0]?.raw).toContain('Message-ID: <case-c-123.evt-1.peter@tandem.example>');
  });

  it('450 on the recipient is transient', async () => {
    const relay = await smtpServer({ onRcptTo: () => smtpError(450, '4.2.0 Mailbox busy') });
    const mailer = new SmtpMailer({ url: relay.url, from: 'support@tandem.example' });
    closers.push(() => mailer.close());
    const failed = await failure(mailer.send(email()));
    expect(failed).toMatchObject({ permanent: false });
    expect(failed.detail).toMatch(/^450 /);
  });

  it('550 on the recipient is permanent, with the reply line as the detail', async () => {
    const relay = await smtpServer({ onRcptTo: () => smtpError(550, '5.1.1 No such user here') });
    const mailer = new SmtpMailer({ url: relay.url, from: 'support@tandem.example' });
    closers.push(() => mailer.close());
    const failed = await failure(mailer.send(email()));
    expect(failed.permanent).toBe(true);
    expect(failed.detail).toMatch(/^550 .*No such user here/);
    expect(relay.received).toHaveLength(0);
  });

  it('554 on the message is permanent', async () => {
    const relay = await smtpServer({ onData: () => smtpError(554, '5.7.1 Message rejected as spam') });
    const mailer = new SmtpMailer({ url: relay.url, from: 'support@tandem.example' });
    closers.push(() => mailer.close());
    const failed = await failure(mailer.send(email()));
    expect(failed).toMatchObject({ permanent: true });
    expect(failed.detail).toMatch(/^554 /);
  });

  it('a relay nobody listens on is transient, and fails fast', async () => {
    const port = await freePort();
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'support@tandem.example' });
    closers.push(() => mailer.close());
    const started = Date.now();
    const failed = await failure(mailer.send(email()));
    expect(failed.permanent).toBe(false);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('a relay that accepts the connection and never greets is transient, within the connection timeout', async () => {
    const sockets = new Set<Socket>();
    const tcp = createTcpServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => tcp.close(() => resolve()));
    });
    const { port } = tcp.address() as AddressInfo;
    const mailer = new SmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'support@tandem.example', connectionTimeoutMs: 300 });
    closers.push(() => mailer.close());
    const started = Date.now();
    const failed = await failure(mailer.send(email()));
    expect(failed.permanent).toBe(false);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('sends the password it is given, fetched once', async () => {
    let fetched = 0;
    const logins: { user: string; pass: string }[] = [];
    const server = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      logger: false,
      onAuth(auth, _session, callback) {
        logins.push({ user: auth.username ?? '', pass: auth.password ?? '' });
        callback(null, { user: auth.username });
      },
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback(null));
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const { port } = server.server.address() as AddressInfo;
    const mailer = new SmtpMailer({
      url: `smtp://tandem%40relay@127.0.0.1:${port}`,
      from: 'support@tandem.example',
      password: async () => {
        fetched += 1;
        return 's3cret';
      },
    });
    closers.push(() => mailer.close());
    await mailer.send(email());
    await mailer.send(email({ messageId: '<second@tandem.example>' }));
    expect(fetched).toBe(1);
    expect(logins[0]).toEqual({ user: 'tandem@relay', pass: 's3cret' });
  });
});

/** A stand-in for Google Chat: answers with `respond`, records what it was sent. */
async function chatServer(respond: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; requests: { url: URL; body: unknown; contentType?: string }[] }> {
  const requests: { url: URL; body: unknown; contentType?: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ url: new URL(req.url ?? '/', 'http://chat'), body: JSON.parse(Buffer.concat(chunks).toString() || 'null') as unknown, contentType: req.headers['content-type'] });
      respond(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/v1/spaces/AAAA/messages?key=THE-KEY&token=THE-TOKEN`, requests };
}

const card = {
  threadKey: 'case-c-123',
  messageId: 'client-c-123-evt-1',
  body: { text: 'P1 case c-123 breached its SLA', cardsV2: [{ cardId: 'case', card: { header: { title: 'Case c-123' } } }] },
};

const answer = (status: number, body: unknown = {}) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('GoogleChatWebhook → an HTTP server', () => {
  it('200: posts the body to the webhook URL, keeping key and token, with the thread key, the reply option and the message ID', async () => {
    const chat = await chatServer(answer(200, { name: 'spaces/AAAA/messages/x', thread: { name: 'spaces/AAAA/threads/y' } }));
    await new GoogleChatWebhook({ url: chat.url }).post(card);
    expect(chat.requests).toHaveLength(1);
    const [request] = chat.requests;
    expect(request?.url.pathname).toBe('/v1/spaces/AAAA/messages');
    expect(Object.fromEntries(request?.url.searchParams ?? [])).toEqual({
      key: 'THE-KEY',
      token: 'THE-TOKEN',
      threadKey: 'case-c-123',
      messageReplyOption: 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD',
      messageId: 'client-c-123-evt-1',
    });
    expect(request?.body).toEqual(card.body);
    expect(request?.contentType).toMatch(/^application\/json/);
  });

  it('409 (a message ID Chat already has: a redelivery) counts as delivered', async () => {
    const chat = await chatServer(answer(409, { error: { code: 409, status: 'ALREADY_EXISTS' } }));
    await expect(new GoogleChatWebhook({ url: chat.url }).post(card)).resolves.toBeUndefined();
  });

  it.each([
    [429, false],
    [503, false],
    [500, false],
    [400, true],
    [403, true],
    [404, true],
  ])('%i: permanent %s, the status as the detail, and never the URL', async (status, permanent) => {
    const chat = await chatServer(answer(status, { error: { code: status, message: `Chat says ${status}` } }));
    const failed = await failure(new GoogleChatWebhook({ url: chat.url }).post(card));
    expect(failed).toMatchObject({ permanent, detail: String(status) });
    expect(failed.message).toContain(`Chat says ${status}`);
    expect(failed.message).not.toMatch(/THE-KEY|THE-TOKEN/);
  });

  it('no answer within the timeout is transient', async () => {
    const chat = await chatServer(() => {});
    const started = Date.now();
    const failed = await failure(new GoogleChatWebhook({ url: chat.url, timeoutMs: 300 }).post(card));
    expect(failed).toMatchObject({ permanent: false, detail: '0' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(failed.message).not.toMatch(/THE-KEY|THE-TOKEN/);
  });

  it('connection refused is transient, and the error never carries the URL', async () => {
    const port = await freePort();
    const failed = await failure(new GoogleChatWebhook({ url: `http://127.0.0.1:${port}/v1/spaces/A/messages?key=THE-KEY&token=THE-TOKEN` }).post(card));
    expect(failed).toMatchObject({ permanent: false, detail: '0' });
    expect(`${failed.message} ${String(failed.stack)}`).not.toMatch(/THE-KEY|THE-TOKEN/);
  });

  it('fetches a webhook URL given as a function once', async () => {
    const chat = await chatServer(answer(200));
    let fetched = 0;
    const channel = new GoogleChatWebhook({
      url: async () => {
        fetched += 1;
        return chat.url;
      },
    });
    await channel.post(card);
    await channel.post({ ...card, messageId: 'client-c-123-evt-2' });
    expect(fetched).toBe(1);
    expect(chat.requests).toHaveLength(2);
  });
});

describe('the chat catcher (/_dev/chat)', () => {
  let base: string;
  let catcher: ChatCatcher;
  beforeAll(async () => {
    catcher = new ChatCatcher(new ControllableClock({ start: new Date('2026-12-01T09:00:00.000Z'), frozen: true }));
    const router = createRouter({ httpRoutes: [], devRoutes: [catcher.route()] });
    await new Promise<void>((resolve) => router.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(router.address() as AddressInfo).port}`;
    return () =>
      new Promise<void>((resolve) => {
        router.close(() => resolve());
        router.closeAllConnections();
      });
  });

  const cardWithLink = (n: number) => ({
    threadKey: `case-c-${n}`,
    messageId: `client-c-${n}-evt-1`,
    body: {
      cardsV2: [
        {
          cardId: 'case',
          card: {
            header: { title: `P1 · Case c-${n}`, subtitle: 'Initech Bank' },
            sections: [
              {
                widgets: [
                  { decoratedText: { topLabel: 'Status', text: 'awaiting_partner <script>alert(1)</script>' } },
                  { buttonList: { buttons: [{ text: 'Open case', onClick: { openLink: { url: `http://tandem.test/app/cases/c-${n}` } } }] } },
                ],
              },
            ],
          },
        },
      ],
    },
  });

  it('catches what GoogleChatWebhook posts, lists it newest first as JSON and shows it on a page', async () => {
    const channel = new GoogleChatWebhook({ url: `${base}/_dev/chat/webhook` });
    await channel.post(cardWithLink(1));
    await channel.post(cardWithLink(2));
    // The same message again (a redelivery): Chat's 409, which the channel takes as delivered.
    await channel.post(cardWithLink(2));

    const messages = (await (await fetch(`${base}/_dev/chat/messages`)).json()) as { receivedAt: string; threadKey: string; messageId: string; body: unknown }[];
    expect(messages.map((m) => m.threadKey)).toEqual(['case-c-2', 'case-c-1']);
    expect(messages[0]).toEqual({ receivedAt: '2026-12-01T09:00:00.000Z', threadKey: 'case-c-2', messageId: 'client-c-2-evt-1', body: cardWithLink(2).body });

    const page = await fetch(`${base}/_dev/chat`);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain('<html lang="en">');
    expect(html.indexOf('P1 · Case c-2')).toBeLessThan(html.indexOf('P1 · Case c-1'));
    expect(html).toContain('<a href="http://tandem.test/app/cases/c-2">Open case</a>');
    expect(html).toContain('case-c-2');
    expect(html).not.toContain('<script>');
  });

  it('refuses on demand: PUT /_dev/chat/behaviour {"failNext": 1, "status": 429}', async () => {
    const set = await fetch(`${base}/_dev/chat/behaviour`, { method: 'PUT', body: JSON.stringify({ failNext: 1, status: 429 }) });
    expect(set.status).toBe(200);
    const channel = new GoogleChatWebhook({ url: `${base}/_dev/chat/webhook` });
    const failed = await failure(channel.post(cardWithLink(3)));
    expect(failed).toMatchObject({ permanent: false, detail: '429' });
    await channel.post(cardWithLink(3));
    expect(catcher.messages.at(-1)?.threadKey).toBe('case-c-3');

    expect((await fetch(`${base}/_dev/chat/behaviour`, { method: 'PUT', body: '{"failNext": -1}' })).status).toBe(400);
  });
});
