import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../dev/eventually.js';
import type { LocalStack } from '../../dev/local-stack.js';
import type { Case } from '../../functions/src/domain/case-model.js';
import type { TokenUser } from '../tokens.js';
import { postAs, startBrowserStack } from './browser-stack.js';
import { launchChromium, newPerson, screenshot, seriousViolations, signIn } from './browser.js';

/**
 * The partner desk, with the customer's page open beside it in another browser: Confluent (whose
 * simulator stays silent) answers at its desk, NetApp's simulator answers with a signed callback
 * when the stack's clock moves on, and either way the customer's page follows within 2 seconds,
 * without a reload. A stale desk page is told the case changed; a question reaches the customer;
 * a decline hands the case back.
 *
 * The stack's clock starts a little ahead of the real one, so that the deadlines on the page read
 * like today's; the browser's ID tokens (issued at the real time) pass against the wall clock too
 * (dev/stack-deps.ts).
 */
const START = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 15 * 60_000);
const GRACE: TokenUser = { uid: 'demo-engineer-grace', role: 'engineer', name: 'Grace Hopper', email: 'grace@tandem.example' };
const GAVIN: TokenUser = { uid: 'demo-customer-hooli', role: 'customer', org: 'org-hooli-partner-premium', name: 'Gavin Belson', email: 'gavin@hooli.example' };
const PETER: TokenUser = { uid: 'demo-customer-initech', role: 'customer', org: 'org-initech-premium', name: 'Peter Gibbons', email: 'peter@initech.example' };
/** How soon a change must show on a page that is open: Firestore's listener, no reload. */
const LIVE = { timeout: 2_000, intervals: [50] };
/** An action's answer on a busy machine (the emulator queues transactions on one document). */
const SLOW = { timeout: 15_000 };

let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startBrowserStack(START), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const post = (user: TokenUser, path: string, body: Record<string, unknown>) => postAs(stack, user, path, body);

const reaches = (caseId: string, status: Case['status']) =>
  eventually(async () => ((await stack.store.getCase(caseId))?.status === status ? true : undefined), 20_000, `${caseId} to be ${status}`);

/** A customer's case, opened through the API; triage and the escalation workflow take it to the partner. */
async function escalatedCase(customer: TokenUser, fields: { subject: string; product: string; vendor: string }): Promise<string> {
  const opened = await post(customer, '/cases', {
    description: 'Consumers stall for minutes after a broker restarts; lag grows to millions of messages.',
    priority: 'P2',
    environment: 'production',
    googleCloudProjectId: 'hooli-streaming-prod',
    ...fields,
  });
  expect(opened.status).toBe(201);
  const caseId = String(opened.body.caseId);
  await reaches(caseId, 'awaiting_partner');
  return caseId;
}

async function signedInAs(email: string, path = '/app/'): Promise<Page> {
  const page = await (await newPerson(browser)).newPage();
  await signIn(page, stack.url, email);
  if (path !== '/app/') await page.goto(`${stack.url}${path}`);
  return page;
}

const partnerStatus = (page: Page) => page.getByTestId('partner-status').textContent();
const caseStatus = (page: Page) => page.getByTestId('case-status').textContent();
const expectNoSeriousViolations = async (page: Page) => expect(await seriousViolations(page)).toEqual([]);
const activeText = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '');
const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

async function tabUntil(page: Page, done: () => Promise<boolean>, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await done()) return;
  }
  throw new Error('Tabbing never reached the element');
}

describe('the partner desk', () => {
  let confluentCase = '';
  let customer: Page;
  let desk: Page;

  it("Confluent sees the case on its desk, acknowledges it by keyboard with its ticket, and the customer's open page shows it within 2 s", async () => {
    confluentCase = await escalatedCase(GAVIN, { subject: 'Consumers stall after broker restart', product: 'Confluent Platform', vendor: 'Confluent' });
    customer = await signedInAs('gavin@hooli.example', `/app/cases/${confluentCase}`);
    await expect.poll(() => partnerStatus(customer), SLOW).toMatch(/^Asked Confluent at \d\d:\d\d — waiting for them to acknowledge; Customer Care is following up$/);

    desk = await signedInAs('support@confluent.example');
    await desk.getByRole('heading', { level: 1, name: 'Cases escalated to Confluent' }).waitFor();
    const awaiting = desk.getByRole('region', { name: /^Waiting for your acknowledgement/ });
    await expect.poll(() => awaiting.getByRole('link', { name: 'Consumers stall after broker restart' }).count(), SLOW).toBe(1);
    // Confluent acknowledges a P2 within 90 minutes (its partner record), said in words.
    expect(await awaiting.locator('tbody tr').first().textContent()).toMatch(/By \d\d:\d\d — in 1 h 30 min/);
    await screenshot(desk, 'desk-home');
    await expectNoSeriousViolations(desk);

    // By keyboard: to the case, to the ticket field, and the acknowledgement sent with Enter.
    await tabUntil(desk, async () => (await activeText(desk)) === 'Consumers stall after broker restart');
    await desk.keyboard.press('Enter');
    await desk.getByRole('heading', { level: 1, name: 'Consumers stall after broker restart' }).waitFor();
    const facts = desk.getByRole('region', { name: 'About this case' });
    await expect.poll(() => facts.textContent(), SLOW).toContain('Gavin Belson, org-hooli-partner-premium');
    for (const fact of ['Confluent Platform', 'P2 — High: severely impaired', 'Production', 'hooli-streaming-prod', 'None given yet']) expect(await facts.textContent()).toContain(fact);
    expect(await facts.textContent()).toMatch(/AcknowledgeBy \d\d:\d\d — in 1 h 30 min/);
    expect(await desk.getByRole('region', { name: 'The customer’s description' }).textContent()).toContain('Consumers stall for minutes after a broker restarts');
    expect(await caseStatus(desk)).toBe('Waiting for your acknowledgement');
    await expect.poll(() => desk.locator('.timeline').count(), SLOW).toBe(1);
    await screenshot(desk, 'desk-case');
    await expectNoSeriousViolations(desk);

    await tabUntil(desk, async () => (await activeId(desk)) === 'action-acknowledge-partnerTicketId');
    await desk.keyboard.type('CONF-4711');
    await desk.keyboard.press('Tab');
    await desk.keyboard.type('A broker rebalance bug; our engineer is on it.');
    await desk.keyboard.press('Tab');
    expect(await activeText(desk)).toBe('Acknowledge');
    const answered = desk.waitForResponse((r) => r.url().endsWith(`/cases/${confluentCase}/actions`));
    await desk.keyboard.press('Enter');
    expect((await answered).status()).toBe(200);

    await expect.poll(() => partnerStatus(customer), LIVE).toMatch(/^With Confluent since \d\d:\d\d — acknowledged, their ticket CONF-4711; Customer Care is following up$/);
    expect(await caseStatus(customer)).toBe('The partner is working on it');
    await expect.poll(() => customer.locator('.timeline').textContent(), LIVE).toContain('A broker rebalance bug; our engineer is on it.');
    await expect.poll(() => caseStatus(desk), LIVE).toBe('You are working on it');
    expect(await stack.store.getCase(confluentCase)).toMatchObject({ status: 'partner_engaged', escalation: { partnerTicketId: 'CONF-4711', outcome: 'acknowledged' } });
    await screenshot(customer, 'portal-case-partner-engaged');
    await expectNoSeriousViolations(customer);
    await expectNoSeriousViolations(desk);
  });

  it("a stale desk page is told the case changed while the partner wrote, and its next send goes ahead", async () => {
    await desk.getByLabel('Your update').fill('Found it: the rebalance timeout is too short for');
    // Customer Care writes on the case meanwhile; the desk shows it live.
    expect((await post(GRACE, `/cases/${confluentCase}/actions`, { action: 'reply', message: 'The customer restarted broker 3 at 10:05.' })).status).toBe(200);
    await expect.poll(() => desk.locator('.timeline').textContent(), LIVE).toContain('The customer restarted broker 3 at 10:05.');
    await desk.getByLabel('Your update').fill('Found it: the rebalance timeout is too short for a cluster this size. Raise it to 5 minutes.');
    await desk.getByRole('button', { name: 'Send the update' }).click();
    const alert = desk.locator('#action-update').getByRole('alert');
    await expect.poll(() => alert.textContent(), SLOW).toContain('The case changed while you were writing.');
    expect(await alert.textContent()).toContain('Read the latest on this page, then send again if it still applies.');
    // What was written is kept; sending again is a choice made on the case as it now stands.
    expect(await desk.getByLabel('Your update').inputValue()).toContain('Raise it to 5 minutes.');
    await screenshot(desk, 'desk-case-version-conflict');
    await expectNoSeriousViolations(desk);
    await desk.getByRole('button', { name: 'Send the update' }).click();
    await expect.poll(() => desk.locator('#action-update [role=status]').textContent(), SLOW).toContain('Sent.');
    await expect.poll(() => customer.locator('.timeline').textContent(), LIVE).toContain('Raise it to 5 minutes.');
    const timeline = await stack.store.timeline(confluentCase);
    expect(timeline.filter((e) => e.type === 'partner_updated')).toHaveLength(1);
  });

  it("the partner's question reaches the customer, whose case then waits for their reply", async () => {
    await desk.getByLabel('Your question').fill('Which Kafka version do the brokers run?');
    await desk.getByRole('button', { name: 'Send the question' }).click();
    await expect.poll(() => caseStatus(customer), SLOW).toBe('Waiting for your reply');
    expect(await customer.getByRole('region', { name: 'A question for you' }).textContent()).toContain('Which Kafka version do the brokers run?');
    expect(await partnerStatus(customer)).toMatch(/^Confluent asked you a question at \d\d:\d\d \(their ticket CONF-4711\) — waiting for your reply; Customer Care is following up$/);
    await screenshot(customer, 'portal-case-question');
    await expectNoSeriousViolations(customer);
    await expect.poll(() => caseStatus(desk), LIVE).toBe('Waiting for the customer’s reply');

    await customer.getByLabel('Your answer').fill('Confluent Platform 7.6.1 on all brokers.');
    await customer.getByRole('button', { name: 'Send your answer' }).click();
    await expect.poll(() => caseStatus(customer), SLOW).toBe('The partner is working on it');
    await expect.poll(() => desk.locator('.timeline').textContent(), LIVE).toContain('Confluent Platform 7.6.1 on all brokers.');
    await customer.context().close();
  });

  it("declining, after a confirmation, hands the case back: it leaves the desk and the customer is told in words", async () => {
    const caseId = await escalatedCase(GAVIN, { subject: 'Schema Registry rejects schemas', product: 'Confluent Platform', vendor: 'Confluent' });
    const watching = await signedInAs('gavin@hooli.example', `/app/cases/${caseId}`);
    await desk.goto(`${stack.url}/app/cases/${caseId}`);
    await desk.getByRole('heading', { level: 1, name: 'Schema Registry rejects schemas' }).waitFor();
    await desk.getByText('Decline this case', { exact: true }).click();
    expect(await desk.locator('#action-decline').textContent()).toContain('Declining hands the case back to Customer Care');
    await desk.getByLabel('Why are you declining it?').fill('This is an open-source Schema Registry build, outside our support.');
    await desk.getByRole('button', { name: 'Yes, decline the case' }).click();
    await expect.poll(() => desk.getByRole('heading', { level: 1 }).textContent(), SLOW).toBe('The case is no longer with you');
    await screenshot(desk, 'desk-case-declined');
    await expectNoSeriousViolations(desk);
    await expect.poll(() => partnerStatus(watching), LIVE).toMatch(/^Declined by Confluent at \d\d:\d\d — Customer Care is handling it directly$/);
    expect(await watching.locator('.timeline').textContent()).toContain('This is an open-source Schema Registry build, outside our support.');
    await watching.context().close();
    await desk.context().close();
  });

  it("NetApp's simulator acknowledges with a signed callback when the clock moves on, and the customer's and the engineer's open pages follow within 2 s", async () => {
    const caseId = await escalatedCase(PETER, { subject: 'Volumes go read-only after failover', product: 'NetApp Cloud Volumes ONTAP', vendor: 'NetApp' });
    const page = await signedInAs('peter@initech.example', `/app/cases/${caseId}`);
    const engineerPage = await signedInAs('grace@tandem.example', `/app/cases/${caseId}`);
    await expect.poll(() => partnerStatus(page), SLOW).toMatch(/^Asked NetApp at \d\d:\d\d — waiting for them to acknowledge/);
    await expect.poll(() => engineerPage.locator('.status').first().textContent(), SLOW).toBe('Waiting for the partner');

    await stack.advanceClock(61_000);
    // The callback is the simulator's own signed request to the partner-callback function.
    await reaches(caseId, 'partner_engaged');
    await expect.poll(() => partnerStatus(page), LIVE).toMatch(/^With NetApp since \d\d:\d\d — acknowledged, their ticket NETAPP-\d+; Customer Care is following up$/);
    expect(await caseStatus(page)).toBe('The partner is working on it');
    await expect.poll(() => engineerPage.locator('.status').first().textContent(), LIVE).toBe('Partner engaged');
    await expect.poll(() => engineerPage.locator('.timeline').textContent(), LIVE).toMatch(/Ticket NETAPP-\d+ opened; an engineer is on it\./);
    await engineerPage.context().close();
    expect(await page.locator('.timeline').textContent()).toMatch(/Ticket NETAPP-\d+ opened; an engineer is on it\./);
    // The callback names the partner by its ID; the customer reads its name.
    expect(await page.locator('.timeline').textContent()).not.toContain('Partner netapp');
    await expectNoSeriousViolations(page);
    await page.context().close();
  });
});
