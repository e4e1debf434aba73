import { SmtpMailer } from '../../functions/src/adapters/smtp-mailer.js';
import { GoogleChatWebhook } from '../../functions/src/adapters/google-chat-webhook.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudEvent, CloudEventFunction } from '@google-cloud/functions-framework';
import { getFunction } from '@google-cloud/functions-framework/testing';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerAddress } from 'smtp-server';
import { SYSTEM, type Case, type TimelineEvent } from '../../functions/src/domain/case-model.js';
import type { Assignee } from '../../functions/src/domain/case-change.js';
import { aCaseIn, anEvent, anOrg } from '../builders.js';
import { createHarness, resetFirestore, seedOrgs, type Harness } from './harness.js';

/** A real SMTP server on a free port: collects what it accepts; refuses what the test arms it to. */
class SmtpSink {
  readonly received: ParsedMail[] = [];
  /** Answer the next DATA with 451 (greylisting) this many times. */
  refuseNext = 0;
  /** Recipients answered with 550. */
  readonly unknownRecipients = new Set<string>();
  port = 0;
  private readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo: (address: SMTPServerAddress, _session, callback) => {
      if (this.unknownRecipients.has(address.address)) return callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      callback();
    },
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (this.refuseNext > 0) {
          this.refuseNext -= 1;
          return callback(Object.assign(new Error('4.7.1 Try again later'), { responseCode: 451 }));
        }
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          this.received.push(mail);
          callback();
        }, callback);
      });
    },
  });
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.server.address() as AddressInfo).port;
  }
  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A Google Chat incoming webhook: records every message and its thread key. */
class ChatSink {
  readonly received: { threadKey: string | null; messageId: string | null; body: Record<string, unknown> }[] = [];
  status = 200;
  url = '';
  private readonly server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (this.status === 200) {
        const url = new URL(req.url ?? '/', 'http://chat.test');
        this.received.push({ threadKey: url.searchParams.get('threadKey'), messageId: url.searchParams.get('messageId'), body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> });
      }
      res.writeHead(this.status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1/spaces/duty/messages`;
  }
  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

const smtp = new SmtpSink();
const chat = new ChatSink();
let h: Harness;
let notify: CloudEventFunction;
let alertDeadLetter: CloudEventFunction;

beforeAll(async () => {
  await Promise.all([smtp.start(), chat.start()]);
  // The real adapters, against a real SMTP server and an HTTP receiver.
  h = createHarness({ mailer: new SmtpMailer({ url: `smtp://127.0.0.1:${smtp.port}`, from: 'Tandem Support <support@tandem.test>' }), chat: new GoogleChatWebhook({ url: chat.url }) });
  notify = getFunction('notify') as CloudEventFunction;
  alertDeadLetter = getFunction('alertDeadLetter') as CloudEventFunction;
});
afterAll(async () => {
  await h.close();
  await Promise.all([smtp.close(), chat.close()]);
});
beforeEach(async () => {
  await resetFirestore();
  await seedOrgs(h.db, { 'org-premium': anOrg({ name: 'Globex', supportPlan: 'premium' }) });
  smtp.received.length = 0;
  smtp.refuseNext = 0;
  smtp.unknownRecipients.clear();
  chat.received.length = 0;
  chat.status = 200;
});
afterEach(() => {
  h.deps.log.entries.length = 0;
});

let pushes = 0;
/** A push as the subscription delivers it, as a CloudEvent of the Functions Framework. */
const pushEvent = (topic: string, data: unknown, attributes: Record<string, string>, messageId = `m-${++pushes}`): CloudEvent<unknown> => ({
  specversion: '1.0',
  id: messageId,
  source: `//pubsub.googleapis.com/projects/demo-tandem-test/topics/${topic}`,
  type: 'google.cloud.pubsub.topic.v1.messagePublished',
  data: { message: { data: Buffer.from(JSON.stringify(data)).toString('base64'), messageId, attributes } },
});

const stored = async (caseId: string): Promise<Case> => (await h.db.collection('cases').doc(caseId).get()).data() as Case;

/** The latest `case-updated` the store recorded for the case, as the push of its publish delivers it. */
async function caseUpdatedPush(caseId: string): Promise<{ event: CloudEvent<unknown>; outboxId: string }> {
  const { outbox } = await stored(caseId);
  const [outboxId, entry] = Object.entries(outbox).filter(([, e]) => e.topic === 'case-updated').sort(([a], [b]) => a.localeCompare(b)).at(-1)!;
  return { outboxId, event: pushEvent('case-updated', { ...entry.data, caseId, outboxId }, { type: entry.type }, `m-${outboxId}`) };
}

const ADA = { name: 'Ada Lovelace', email: 'ada@globex.example' };

async function receivedCase(caseId: string): Promise<void> {
  await h.deps.store.createCase({ caseId, case: aCaseIn('received', { contact: ADA }), firstEvent: anEvent({ type: 'case_received' }) });
}

/** An in_progress case in `queue`, then one commit appending `event` (and, when given, the assignee). */
async function caseWith(caseId: string, event: TimelineEvent, assignee?: Assignee): Promise<void> {
  await h.deps.store.createCase({ caseId, case: aCaseIn('in_progress', { contact: ADA, queue: 'workload-databases' }), firstEvent: anEvent({ type: 'note_added', internal: true, actor: SYSTEM }) });
  await h.deps.store.updateCase(caseId, () => ({ change: { patch: {}, events: [event], ...(assignee ? { internal: { assignee } } : {}) }, result: undefined }));
}

const delivery = async (caseId: string, noticeId: string) => (await h.db.collection('cases').doc(caseId).collection('notifications').doc(noticeId).get()).data();

describe('notify: case-updated → the notices of the policy, each sent once', () => {
  it('a received case sends its customer one email: the subject, the link, the Message-ID of the notice; the outbox entry is discharged', async () => {
    await receivedCase('case-n1');
    const { event, outboxId } = await caseUpdatedPush('case-n1');
    await notify(event);

    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.to).toMatchObject({ value: [{ address: 'ada@globex.example', name: 'Ada Lovelace' }] });
    expect(mail!.subject).toMatch(/^\[Case case-n1\] .+: /);
    expect(mail!.text).toContain('http://tandem.test/app/cases/case-n1');
    expect(mail!.messageId).toBe('<case-n1.v000001-00.customer@tandem>');
    expect(mail!.references).toBe('<case-n1@tandem>');
    expect(await delivery('case-n1', 'v000001-00.customer')).toMatchObject({ state: 'sent', kind: 'case_received', audience: 'customer', eventId: 'v000001-00' });
    expect(Object.keys((await stored('case-n1')).outbox)).not.toContain(outboxId);
  });

  it('a redelivery of the same message sends nothing more', async () => {
    await receivedCase('case-n2');
    const { event } = await caseUpdatedPush('case-n2');
    await notify(event);
    await notify(event);
    expect(smtp.received).toHaveLength(1);
    expect(h.deps.log.entries.some((e) => e.message === 'already applied; output re-published' && e.caseId === 'case-n2')).toBe(true);
  });

  it('the same message delivered twice at once sends one email', async () => {
    await receivedCase('case-n3');
    const { event } = await caseUpdatedPush('case-n3');
    await Promise.all([notify(event), notify(event)]);
    expect(smtp.received).toHaveLength(1);
    expect(await delivery('case-n3', 'v000001-00.customer')).toMatchObject({ state: 'sent' });
  });

  it('a server that refuses once (451): the first delivery throws for a retry, the second sends exactly one email', async () => {
    await receivedCase('case-n4');
    const { event } = await caseUpdatedPush('case-n4');
    smtp.refuseNext = 1;
    await expect(notify(event)).rejects.toThrow(/could not be sent yet/);
    expect(await delivery('case-n4', 'v000001-00.customer')).toMatchObject({ state: 'retry' });
    expect(smtp.received).toHaveLength(0);
    await notify(event);
    expect(smtp.received).toHaveLength(1);
    expect(await delivery('case-n4', 'v000001-00.customer')).toMatchObject({ state: 'sent' });
  });

  it('a bad address (550): no retry, the delivery failed and notification_failed on the timeline (internal)', async () => {
    await receivedCase('case-n5');
    const { event } = await caseUpdatedPush('case-n5');
    smtp.unknownRecipients.add('ada@globex.example');
    await notify(event);
    expect(smtp.received).toHaveLength(0);
    expect(await delivery('case-n5', 'v000001-00.customer')).toMatchObject({ state: 'failed', detail: expect.stringContaining('550') });
    const failed = (await h.deps.store.timeline('case-n5')).filter((e) => e.type === 'notification_failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ internal: true, data: { noticeId: 'v000001-00.customer', audience: 'customer', kind: 'case_received', channel: 'email' } });
    // A redelivery does not try again.
    smtp.unknownRecipients.clear();
    await notify(event);
    expect(smtp.received).toHaveLength(0);
  });

  it("an engineer notice goes to the assignee's address", async () => {
    const reply = anEvent({ type: 'reply_posted', actor: { kind: 'customer', id: 'ada@globex.example' }, data: { message: 'It still fails.' } });
    await caseWith('case-n6', reply, { uid: 'u-grace', name: 'Grace Hopper', email: 'grace@tandem.test' });
    await notify((await caseUpdatedPush('case-n6')).event);
    expect(smtp.received.map((m) => m.to)).toMatchObject([{ value: [{ address: 'grace@tandem.test' }] }]);
    expect(smtp.received[0]!.messageId).toBe('<case-n6.v000002-00.engineer@tandem>');
  });

  it("an engineer notice goes to the queue's address when nobody with an address is assigned", async () => {
    await h.db.collection('queues').doc('workload-databases').set({ name: 'Databases', email: 'databases@tandem.test' });
    const reply = anEvent({ type: 'reply_posted', actor: { kind: 'customer', id: 'ada@globex.example' }, data: { message: 'It still fails.' } });
    await caseWith('case-n7', reply, { uid: 'u-grace', name: 'Grace Hopper' });
    await notify((await caseUpdatedPush('case-n7')).event);
    expect(smtp.received.map((m) => m.to)).toMatchObject([{ value: [{ address: 'databases@tandem.test', name: 'Databases' }] }]);
  });

  it('sla_breached posts a card to the duty channel in the thread of the case', async () => {
    const breached = anEvent({ type: 'sla_breached', actor: SYSTEM, internal: true, data: { targetMinutes: 15 } });
    await caseWith('case-n8', breached);
    await notify((await caseUpdatedPush('case-n8')).event);
    expect(smtp.received).toHaveLength(0);
    expect(chat.received).toHaveLength(1);
    expect(chat.received[0]).toMatchObject({ threadKey: 'case-n8', messageId: 'client-case-n8-v000002-00-duty' });
    expect(JSON.stringify(chat.received[0]!.body)).toContain('http://tandem.test/app/cases/case-n8');
    expect(await delivery('case-n8', 'v000002-00.duty')).toMatchObject({ state: 'sent', kind: 'sla_breached' });
  });
});

describe('alertDeadLetter: a dead-lettered message → a card in the duty channel', () => {
  const deadLetter = (data: unknown, messageId: string) =>
    pushEvent('case-received-dead-letter', data, { type: 'case.received', CloudPubSubDeadLetterSourceDeliveryCount: '5' }, messageId);

  it('in the thread of the case it names, with the topic and the attempts', async () => {
    await alertDeadLetter(deadLetter({ caseId: 'case-d1' }, 'dl-1'));
    expect(chat.received).toHaveLength(1);
    expect(chat.received[0]).toMatchObject({ threadKey: 'case-d1', messageId: 'client-dead-letter-dl-1' });
    const text = JSON.stringify(chat.received[0]!.body);
    expect(text).toContain('case-received');
    expect(text).toContain('after 5 deliveries');
    expect(text).toContain('http://tandem.test/app/cases/case-d1');
  });

  it('in the dead-letters thread when the message names no case; a card the channel refuses is thrown for a retry', async () => {
    await alertDeadLetter(deadLetter({ nothing: true }, 'dl-2'));
    expect(chat.received[0]).toMatchObject({ threadKey: 'dead-letters' });
    chat.status = 503;
    await expect(alertDeadLetter(deadLetter({ caseId: 'case-d3' }, 'dl-3'))).rejects.toThrow(/503/);
  });
});
