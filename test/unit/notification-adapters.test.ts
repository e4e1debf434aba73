import { afterEach, describe, expect, it, vi } from 'vitest';
import { classify, SmtpMailer } from '../../functions/src/adapters/smtp-mailer.js';
import { loadConfig } from '../../functions/src/config.js';
import { productionChat, productionMailer } from '../../functions/src/production-deps.js';

interface SmtpFields {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
}
const smtpError = (fields: SmtpFields) => Object.assign(new Error(fields.message ?? 'failed'), fields);

describe('classify (SmtpMailer)', () => {
  it.each<[SmtpFields, boolean]>([
    [{ code: 'EMESSAGE', responseCode: 451, response: '451 4.7.1 Greylisted', command: 'DATA' }, false],
    [{ code: 'EENVELOPE', responseCode: 452, response: '452 4.5.3 Too many recipients', command: 'RCPT TO' }, false],
    [{ code: 'EPROTOCOL', responseCode: 421, response: '421 4.3.2 Service shutting down', command: 'CONN' }, false],
    [{ code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 No such user', command: 'RCPT TO' }, true],
    [{ code: 'EENVELOPE', responseCode: 553, response: '553 5.1.3 Bad address syntax', command: 'RCPT TO' }, true],
    [{ code: 'EMESSAGE', responseCode: 554, response: '554 5.7.1 Rejected', command: 'DATA' }, true],
    [{ code: 'EENVELOPE', message: 'Invalid recipient "a b"', command: 'API' }, true],
    [{ code: 'ECONNECTION', message: 'connect ECONNREFUSED 127.0.0.1:1' }, false],
    [{ code: 'ETIMEDOUT', message: 'Connection timeout' }, false],
    [{ code: 'EDNS', message: 'getaddrinfo ENOTFOUND smtp.nowhere.example' }, false],
    [{ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Bad credentials', command: 'AUTH PLAIN' }, false],
    [{ message: 'something else' }, false],
  ])('%j → permanent %s', (error, permanent) => {
    const failed = classify(smtpError(error));
    expect(failed.permanent).toBe(permanent);
    expect(failed.detail).toBe(error.response ?? error.code);
  });
});

describe('the production channel factories', () => {
  const secrets = (values: Record<string, string>) => ({ latestVersion: async (id: string) => values[id] ?? null });

  it('productionMailer refuses to build without TANDEM_SMTP_URL, naming the variable and the secret', () => {
    expect(() => productionMailer(loadConfig({}), secrets({}))).toThrow(/TANDEM_SMTP_URL.*tandem-smtp-password/);
    expect(productionMailer(loadConfig({ TANDEM_SMTP_URL: 'smtps://tandem@smtp-relay.example:465' }), secrets({}))).toBeInstanceOf(SmtpMailer);
  });

  afterEach(() => vi.unstubAllGlobals());

  it('productionChat takes TANDEM_CHAT_WEBHOOK_URL, else the secret tandem-chat-webhook-url, fetched on the first post', async () => {
    const posted: string[] = [];
    vi.stubGlobal('fetch', async (url: URL) => {
      posted.push(`${url.origin}${url.pathname}`);
      return new Response('{}', { status: 200 });
    });
    const message = { threadKey: 'case-1', messageId: 'client-1', body: { text: 'hi' } };
    await productionChat(loadConfig({ TANDEM_CHAT_WEBHOOK_URL: 'https://chat.googleapis.com/v1/spaces/A/messages?key=k&token=t' }), secrets({})).post(message);
    await productionChat(loadConfig({}), secrets({ 'tandem-chat-webhook-url': 'https://chat.example/v1/spaces/S/messages?key=k&token=t\n' })).post(message);
    expect(posted).toEqual(['https://chat.googleapis.com/v1/spaces/A/messages', 'https://chat.example/v1/spaces/S/messages']);
    await expect(productionChat(loadConfig({}), secrets({})).post(message)).rejects.toThrow(/tandem-chat-webhook-url/);
  });
});
