import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { eventually } from '../../dev/eventually.js';
import type { LocalStack } from '../../dev/local-stack.js';
import { startTestStack } from './test-stack.js';
import type { Case } from '../../functions/src/domain/case-model.js';
import { authAs, type TokenUser } from '../tokens.js';
import { mailAbout as caughtMailAbout, partnerAsked, type CaughtMail } from './caught-mail.js';

/**
 * Who is told what, on the whole local stack as `npm start` runs it: the mail goes over SMTP to the
 * stack's MailDev and is read back through its REST API; the duty channel's cards land in the chat
 * catcher. Each message exactly once, also when every case-updated is delivered again.
 */
const PROJECT = 'demo-tandem-notify';
const START = new Date('2026-11-23T09:00:00.000Z');
const DAY_MS = 24 * 3600_000;
let stack: LocalStack;

const PETER: TokenUser = { uid: 'demo-customer-initech', role: 'customer', org: 'org-initech-premium', name: 'Peter Gibbons', email: 'peter@initech.example' };
const as = (user: TokenUser) => authAs(PROJECT, user, stack.clock.now());

beforeAll(async () => {
  stack = await startTestStack(PROJECT, START);
});
afterAll(async () => {
  await stack?.stop();
});

async function open(subject: string, product: string, vendor: string, priority = 'P3'): Promise<string> {
  const res = await fetch(`${stack.url}/cases`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...as(PETER) },
    body: JSON.stringify({ subject, product, vendor, description: 'Details.', priority, environment: 'production', contact: { name: PETER.name, email: PETER.email } }),
  });
  expect(res.status).toBe(201);
  return ((await res.json()) as { caseId: string }).caseId;
}

const mailAbout = (subject: string) => caughtMailAbout(stack, subject);
/** Waits for `count` emails about the case, then a moment more, so a duplicate would have arrived too. */
async function mailsAbout(subject: string, count: number): Promise<CaughtMail[]> {
  await eventually(async () => ((await mailAbout(subject)).length >= count ? true : undefined), 20_000, `${count} emails about ${subject}`);
  await stack.workflowsRunner.waitForIdle();
  await new Promise((r) => setTimeout(r, 500));
  return mailAbout(subject);
}
const reaches = (caseId: string, status: Case['status']) =>
  eventually(async () => ((await stack.store.getCase(caseId))?.status === status ? true : undefined), 20_000, `${caseId} to be ${status}`);
/** Every case-updated the case had, published again, as a redelivery would: notify must send nothing more. */
async function redeliverEverything(caseId: string): Promise<void> {
  const pubsub = new PubSub({ projectId: PROJECT, apiEndpoint: inject('pubsubHost'), emulatorMode: true });
  try {
    const timeline = await stack.store.timeline(caseId);
    const status = (await stack.store.getCase(caseId))!.status;
    const versionOf = (id: string) => Number(id.slice(1, 7));
    for (const version of new Set(timeline.map((e) => versionOf(e.id)))) {
      const events = timeline.filter((e) => versionOf(e.id) === version).map(({ id, type, internal }) => ({ id, type, internal }));
      await pubsub.topic('case-updated').publishMessage({ json: { caseId, version, status, events }, attributes: { type: 'case.redelivered' } });
    }
  } finally {
    await pubsub.close();
  }
}

describe('notifications on the whole stack', () => {
  it('a submitted case sends the customer one "we received your case" email, with a link to the case', async () => {
    const caseId = await open('Widget Server crashes on start', 'Widget Server', 'Example Corp');
    await reaches(caseId, 'in_progress');
    const [mail, ...more] = await mailsAbout('Widget Server crashes on start', 1);
    expect(more).toEqual([]);
    expect(mail!.to).toEqual([expect.objectContaining({ address: PETER.email })]);
    expect(mail!.subject).toMatch(/received/i);
    expect(mail!.text).toContain(`/app/cases/${caseId}`);
    expect(mail!.html).toContain(`/app/cases/${caseId}`);
    // No internal detail: the queue and the triage rule stay inside.
    const stored = (await stack.store.getCase(caseId))!;
    expect(mail!.text).not.toContain(stored.queue!);
    expect(mail!.text).not.toContain(stored.triage!.rule);
    await redeliverEverything(caseId);
    expect(await mailsAbout('Widget Server crashes on start', 1)).toHaveLength(1);
  });

  it("a partner's information request reaches the customer with the partner's question; the reminder on day 3 and the closure on day 7 follow, each once", async () => {
    const caseId = await open('VM-Series drops sessions', 'VM-Series', 'Palo Alto Networks');
    await partnerAsked(stack, caseId);
    // Palo Alto Networks' simulator asks a question 3 minutes after the webhook.
    await stack.advanceClock(4 * 60_000);
    await reaches(caseId, 'awaiting_customer');
    const question = (await stack.store.timeline(caseId)).find((e) => e.type === 'status_changed' && e.data.to === 'awaiting_customer');
    const asked = String(question?.data.message ?? '');
    expect(asked).not.toBe('');
    await eventually(async () => ((await mailAbout('VM-Series drops sessions')).some((m) => m.text.includes(asked)) ? true : undefined), 20_000, 'the question by email');

    await stack.advanceClock(3 * DAY_MS);
    await eventually(async () => ((await mailAbout('VM-Series drops sessions')).some((m) => /remind|waiting for your reply/i.test(m.text)) ? true : undefined), 20_000, 'the reminder');
    await stack.advanceClock(4 * DAY_MS + 60_000);
    await reaches(caseId, 'closed');
    const mails = await mailsAbout('VM-Series drops sessions', 4);
    const headlines = mails.map((m) => m.subject.replace(/^\[[^\]]*\]\s*/, '').replace(/:.*$/, '')).sort();
    // The partner's question stands for its "partner engaged" (one moment, one email); then the reminder and the closure.
    expect(headlines).toEqual(['We are waiting for your reply', 'We need your answer', 'We received your case', 'Your case is closed']);
    expect(new Set(mails.map((m) => m.headers['message-id'])).size).toBe(mails.length);
    expect(mails.every((m) => m.headers['message-id']?.endsWith('@tandem>'))).toBe(true);
    await redeliverEverything(caseId);
    expect(await mailsAbout('VM-Series drops sessions', mails.length)).toHaveLength(mails.length);
  });

  it('a silent partner whose ladder runs out puts one card in the duty channel, in the case’s thread, with an Open case button', async () => {
    const caseId = await open('Confluent Platform brokers unreachable', 'Confluent Platform', 'Confluent', 'P2');
    await partnerAsked(stack, caseId);
    // Confluent never answers: 90 minutes per rung, until the ladder is exhausted.
    for (let i = 0; i < 8 && (await stack.store.getCase(caseId))?.escalation?.outcome !== 'ladder_exhausted'; i++) await stack.advanceClock(91 * 60_000);
    await reaches(caseId, 'in_progress');
    const cardsOf = () => stack.chat.catcher.messages.filter((m) => m.threadKey === caseId && JSON.stringify(m.body).includes('did not acknowledge'));
    await eventually(async () => (cardsOf().length > 0 ? true : undefined), 20_000, 'the duty card');
    await redeliverEverything(caseId);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(cardsOf()).toHaveLength(1);
    expect(JSON.stringify(cardsOf()[0]!.body)).toContain(`/app/cases/${caseId}`);
    expect(JSON.stringify(cardsOf()[0]!.body)).toContain('Open case');
  });
});
