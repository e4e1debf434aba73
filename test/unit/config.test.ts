import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../functions/src/config.js';

describe('config.identity', () => {
  it('is the project alone when no Authentication emulator is set: Google-signed tokens only', () => {
    expect(loadConfig({ GOOGLE_CLOUD_PROJECT: 'tandem-prod' }).identity).toEqual({ projectId: 'tandem-prod' });
    expect(loadConfig({}).identity).toEqual({ projectId: 'demo-tandem' });
  });

  it('carries the emulator host for a demo- project', () => {
    const config = loadConfig({ GOOGLE_CLOUD_PROJECT: 'demo-tandem', FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' });
    expect(config.identity).toEqual({ projectId: 'demo-tandem', emulatorHost: '127.0.0.1:9099' });
  });

  it('takes an empty FIREBASE_AUTH_EMULATOR_HOST as unset', () => {
    expect(loadConfig({ GOOGLE_CLOUD_PROJECT: 'tandem-prod', FIREBASE_AUTH_EMULATOR_HOST: '' }).identity).toEqual({ projectId: 'tandem-prod' });
  });

  it.each([['tandem-prod'], ['demotandem'], ['my-demo-project'], ['Demo-tandem']])(
    'refuses to start with the Authentication emulator set for the project %s, which is not a demo- project',
    (project) => {
      const load = () => loadConfig({ GOOGLE_CLOUD_PROJECT: project, FIREBASE_AUTH_EMULATOR_HOST: '127.0.0.1:9099' });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(`FIREBASE_AUTH_EMULATOR_HOST is set (127.0.0.1:9099) but the project "${project}" is not a demo- project`);
      expect(load).toThrow(/unset FIREBASE_AUTH_EMULATOR_HOST/);
    },
  );
});

describe('config.notifications', () => {
  it('has no channels by default, the default From, and the web app under the public URL', () => {
    expect(loadConfig({ TANDEM_PUBLIC_URL: 'https://support.tandem.example/' }).notifications).toEqual({
      smtpUrl: undefined,
      mailFrom: 'Tandem Support <support@tandem.example>',
      chatWebhookUrl: undefined,
      appUrl: 'https://support.tandem.example/app',
    });
  });

  it('takes an smtp:// or smtps:// relay, a From and an https chat webhook', () => {
    const config = loadConfig({
      TANDEM_SMTP_URL: 'smtps://tandem@smtp-relay.example:465',
      TANDEM_MAIL_FROM: 'Support <help@tandem.example>',
      TANDEM_CHAT_WEBHOOK_URL: 'https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t',
    });
    expect(config.notifications).toMatchObject({
      smtpUrl: 'smtps://tandem@smtp-relay.example:465',
      mailFrom: 'Support <help@tandem.example>',
      chatWebhookUrl: 'https://chat.googleapis.com/v1/spaces/AAA/messages?key=k&token=t',
    });
    expect(loadConfig({ TANDEM_SMTP_URL: 'smtp://127.0.0.1:1025', TANDEM_MAIL_FROM: 'help@tandem.example' }).notifications).toMatchObject({
      smtpUrl: 'smtp://127.0.0.1:1025',
      mailFrom: 'help@tandem.example',
    });
  });

  it('takes empty variables as unset', () => {
    expect(loadConfig({ TANDEM_SMTP_URL: '', TANDEM_CHAT_WEBHOOK_URL: '' }).notifications).toMatchObject({ smtpUrl: undefined, chatWebhookUrl: undefined });
  });

  it('accepts a plain http chat webhook on this machine only (the local catcher)', () => {
    for (const url of ['http://127.0.0.1:8100/_dev/chat/webhook', 'http://localhost:8100/_dev/chat/webhook']) {
      expect(loadConfig({ TANDEM_CHAT_WEBHOOK_URL: url }).notifications.chatWebhookUrl).toBe(url);
    }
  });

  it.each([
    ['TANDEM_SMTP_URL', 'https://smtp.example'],
    ['TANDEM_SMTP_URL', 'smtp-relay.example:587'],
    ['TANDEM_MAIL_FROM', 'Tandem Support'],
    ['TANDEM_MAIL_FROM', 'a@b.example\r\nBcc: x@y.example'],
    ['TANDEM_CHAT_WEBHOOK_URL', 'http://chat.example/hook?key=k&token=t'],
    ['TANDEM_CHAT_WEBHOOK_URL', 'not a url'],
  ])('refuses %s=%j', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('never echoes a refused chat webhook URL: its key and token are a secret', () => {
    expect(() => loadConfig({ TANDEM_CHAT_WEBHOOK_URL: 'http://chat.example/hook?key=SECRETKEY&token=SECRETTOKEN' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('SECRET') as unknown }) as Error,
    );
  });
});
