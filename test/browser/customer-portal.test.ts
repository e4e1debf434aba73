import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../dev/eventually.js';
import type { LocalStack } from '../../dev/local-stack.js';
import type { Case } from '../../functions/src/domain/case-model.js';
import type { TokenUser } from '../tokens.js';
import { postAs, startBrowserStack } from './browser-stack.js';
import { launchChromium, newPerson, screenshot, seriousViolations, signIn } from './browser.js';

/**
 * The customer portal, as Ada Novak of Globex Manufacturing (Enhanced Support) uses it: the intake
 * form (every problem at once, by keyboard alone, one case however often it is sent), the case page
 * with its partner status and actions, the org's list, and Ben of Acme Retail (Basic Support) refused
 * in words. Customer Care's side is played through the API.
 *
 * The stack's clock starts a little ahead of the real one: the functions check the browser's ID
 * tokens (issued at real time) against that clock, so it must not be behind them, nor an hour ahead.
 */
const START = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 15 * 60_000);
const ADA = 'ada@globex.example';
const GRACE: TokenUser = { uid: 'demo-engineer-grace', role: 'engineer', name: 'Grace Hopper', email: 'grace@tandem.example' };
const ADA_TOKEN: TokenUser = { uid: 'demo-customer-globex', role: 'customer', org: 'org-globex-enhanced', name: 'Ada Novak', email: ADA };

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

const statusOf = async (caseId: string) => (await stack.store.getCase(caseId))?.status;
const reaches = (caseId: string, status: Case['status']) => eventually(async () => ((await statusOf(caseId)) === status ? true : undefined), 20_000, `${caseId} to be ${status}`);
const casesWithSubject = async (subject: string) => (await stack.db.collection('cases').where('subject', '==', subject).get()).docs.map((d) => d.id);

/** A workload case (PostgreSQL: Customer Care works it in house), opened through the API as Ada, once it is in progress. */
async function workloadCase(subject: string): Promise<string> {
  const opened = await post(ADA_TOKEN, '/cases', { subject, description: 'Replicas fall hours behind.', product: 'PostgreSQL 16', vendor: 'PostgreSQL', priority: 'P3', environment: 'production' });
  expect(opened.status).toBe(201);
  const caseId = String(opened.body.caseId);
  await reaches(caseId, 'in_progress');
  return caseId;
}

const engineerActs = async (caseId: string, body: Record<string, unknown>) => expect((await post(GRACE, `/cases/${caseId}/actions`, body)).status).toBe(200);

async function signedInAs(email: string): Promise<Page> {
  const page = await (await newPerson(browser)).newPage();
  await signIn(page, stack.url, email);
  return page;
}

async function fillCase(page: Page, subject: string): Promise<void> {
  await page.getByLabel('Subject', { exact: true }).fill(subject);
  await page.getByLabel('Product', { exact: true }).fill('NetApp Cloud Volumes ONTAP');
  await page.getByLabel('Vendor', { exact: true }).fill('NetApp');
  await page.getByLabel('Priority', { exact: true }).selectOption('P2');
  await page.getByLabel('Environment', { exact: true }).selectOption('production');
  await page.getByLabel('What is happening?').fill('Volumes mount read-only after a zone failover.');
}

/** An action's answer and its live echo: a second or two, more on a busy machine (the emulator queues transactions on one document). */
const SLOW = { timeout: 15_000 };
const expectNoSeriousViolations = async (page: Page) => expect(await seriousViolations(page)).toEqual([]);
const activeId = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');
const activeText = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.innerText?.trim() ?? '');

/** Presses Tab until `done` says the focus is where it should be (a person tabbing through the page). */
async function tabUntil(page: Page, done: () => Promise<boolean>, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await done()) return;
  }
  throw new Error('Tabbing never reached the element');
}

describe('the customer portal', () => {
  let firstCaseId = '';

  it('by keyboard alone: an empty form shows every problem beside its field and in a summary, and once fixed it opens the case', async () => {
    const page = await signedInAs(ADA);
    await expectNoSeriousViolations(page);
    await tabUntil(page, async () => (await activeText(page)) === 'Open a case');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Open a case' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/app/cases/new');
    await expect.poll(() => page.getByTestId('who-for').textContent(), SLOW).toContain('You are opening this case for Globex Manufacturing as Ada Novak (ada@globex.example)');
    await expectNoSeriousViolations(page);

    // Sent empty: every problem at once, from the server, in its words.
    await tabUntil(page, async () => (await activeText(page)) === 'Open the case');
    await page.keyboard.press('Enter');
    const summary = page.getByRole('alert');
    await summary.waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    const expected: [string, string, string][] = [
      ['Subject', 'subject', 'Enter a subject'],
      ['Product', 'product', 'Name the product'],
      ['Vendor', 'vendor', "Name the product's vendor"],
      ['Priority', 'priority', 'Choose a priority: P1, P2, P3 or P4'],
      ['Environment', 'environment', 'Choose production or not production'],
      ['What is happening?', 'description', 'Describe the problem'],
    ];
    for (const [label, name, message] of expected) {
      const field = page.getByLabel(label, { exact: true });
      expect(await field.getAttribute('aria-invalid')).toBe('true');
      // Beside the field, in its accessible description, and linked from the summary.
      expect(await page.locator(`#new-case-${name}-error`).textContent()).toContain(message);
      expect(await field.getAttribute('aria-describedby')).toContain(`new-case-${name}-error`);
      expect(await summary.getByRole('link', { name: message, exact: true }).getAttribute('href')).toBe(`#new-case-${name}`);
    }
    expect(await summary.getByRole('link').count()).toBe(expected.length);
    expect(await page.getByLabel('Google Cloud project ID (optional)').getAttribute('aria-invalid')).toBeNull();
    await screenshot(page, 'portal-new-case-errors');
    await expectNoSeriousViolations(page);

    // Fixed by keyboard: from the summary, through every field, sent with Enter on the button.
    await tabUntil(page, async () => (await activeId(page)) === 'new-case-subject');
    await page.keyboard.type('Volumes go read-only after failover');
    await page.keyboard.press('Tab');
    await page.keyboard.type('NetApp Cloud Volumes ONTAP');
    await page.keyboard.press('Tab');
    await page.keyboard.type('NetApp');
    await page.keyboard.press('Tab');
    await page.keyboard.type('P2'); // a select picks the option its typed letters begin
    await page.keyboard.press('Tab');
    await page.keyboard.type('Production');
    await page.keyboard.press('Tab');
    await page.keyboard.type('globex-storage-prod');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Since this morning, volumes mount read-only on the GKE nodes after a zone failover.');
    expect(await page.getByLabel('Priority', { exact: true }).inputValue()).toBe('P2');
    expect(await page.getByLabel('Environment', { exact: true }).inputValue()).toBe('production');
    await page.keyboard.press('Tab');
    expect(await activeText(page)).toBe('Open the case');
    await page.keyboard.press('Enter');

    await page.waitForURL(/\/app\/cases\/(?!new)[A-Za-z0-9_-]+$/);
    await page.getByRole('heading', { level: 1, name: 'Volumes go read-only after failover' }).waitFor();
    firstCaseId = new URL(page.url()).pathname.split('/').at(-1)!;
    const stored = await stack.store.getCase(firstCaseId);
    expect(stored).toMatchObject({ orgId: 'org-globex-enhanced', contact: { name: 'Ada Novak', email: ADA }, googleCloudProjectId: 'globex-storage-prod', priority: 'P2' });

    // Triage sends it to NetApp; the page follows without a reload.
    await expect.poll(() => page.getByTestId('case-status').textContent(), { timeout: 20_000 }).toBe('With the technology partner');
    await expect.poll(() => page.getByTestId('partner-status').textContent(), SLOW).toMatch(/^Asked NetApp at \d\d:\d\d — waiting for them to acknowledge; Customer Care is following up$/);
    await screenshot(page, 'portal-case');
    await expectNoSeriousViolations(page);
    await page.context().close();
  });

  it('a form sent twice quickly, or sent again after its answer was lost, opens exactly one case', async () => {
    const page = await signedInAs(ADA);
    const keys: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && new URL(request.url()).pathname === '/cases') keys.push(request.headers()['idempotency-key'] ?? '');
    });

    // A double click.
    await page.goto(`${stack.url}/app/cases/new`);
    await fillCase(page, 'Snapshots fail (double click)');
    await page.getByRole('button', { name: 'Open the case' }).dblclick();
    await page.waitForURL(/\/app\/cases\/(?!new)[A-Za-z0-9_-]+$/);
    expect(await casesWithSubject('Snapshots fail (double click)')).toHaveLength(1);

    // Enter twice in a field.
    await page.goto(`${stack.url}/app/cases/new`);
    await fillCase(page, 'Snapshots fail (Enter twice)');
    await page.getByLabel('Subject', { exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/app\/cases\/(?!new)[A-Za-z0-9_-]+$/);
    expect(await casesWithSubject('Snapshots fail (Enter twice)')).toHaveLength(1);

    // The case is opened, but the answer never reaches the browser; the person sends it again.
    await page.goto(`${stack.url}/app/cases/new`);
    await fillCase(page, 'Snapshots fail (answer lost)');
    const sentBefore = keys.length;
    await page.route('**/cases', async (route) => {
      await route.fetch();
      await route.abort('connectionreset');
    }, { times: 1 });
    await page.getByRole('button', { name: 'Open the case' }).click();
    await expect.poll(() => page.getByRole('alert').textContent(), SLOW).toContain('Tandem could not be reached');
    expect(await casesWithSubject('Snapshots fail (answer lost)')).toHaveLength(1);
    await page.getByRole('button', { name: 'Open the case' }).click();
    await page.waitForURL(/\/app\/cases\/(?!new)[A-Za-z0-9_-]+$/);
    const [only] = await casesWithSubject('Snapshots fail (answer lost)');
    expect(await casesWithSubject('Snapshots fail (answer lost)')).toHaveLength(1);
    expect(new URL(page.url()).pathname).toBe(`/app/cases/${only}`);
    // Both sends of that form carried one key.
    const resent = keys.slice(sentBefore);
    expect(resent).toHaveLength(2);
    expect(new Set(resent).size).toBe(1);
    await page.context().close();
  });

  it('a customer whose plan has no third-party support is told so in words, and no case is opened', async () => {
    const page = await signedInAs('ben@acme.example');
    await page.getByRole('link', { name: 'Open a case' }).click();
    await expect.poll(() => page.getByTestId('who-for').textContent(), SLOW).toContain('for Acme Retail as Ben Carter');
    await fillCase(page, 'Acme volumes read-only');
    await page.getByRole('button', { name: 'Open the case' }).click();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), SLOW).toContain('Your organization’s support plan does not include help with third-party technology, so this case cannot be opened.');
    expect(await alert.textContent()).toContain('Acme Retail is on Basic Support');
    expect(await casesWithSubject('Acme volumes read-only')).toHaveLength(0);
    expect(new URL(page.url()).pathname).toBe('/app/cases/new');
    await screenshot(page, 'portal-new-case-not-entitled');
    await expectNoSeriousViolations(page);
    await page.context().close();
  });

  it("a question from Customer Care waits for the customer's answer, which sends the case back to work", async () => {
    const caseId = await workloadCase('Replicas lag behind the primary');
    const page = await signedInAs(ADA);
    await page.goto(`${stack.url}/app/cases/${caseId}`);
    await page.getByRole('heading', { level: 1, name: 'Replicas lag behind the primary' }).waitFor();
    expect(await page.getByTestId('partner-status').count()).toBe(0); // no partner on a workload case

    await engineerActs(caseId, { action: 'request_info', message: 'Which PostgreSQL minor version do the replicas run?' });
    await expect.poll(() => page.getByTestId('case-status').textContent(), SLOW).toBe('Waiting for your reply');
    const question = page.getByRole('region', { name: 'A question for you' });
    expect(await question.textContent()).toContain('Which PostgreSQL minor version do the replicas run?');
    expect(await question.textContent()).toContain('Grace Hopper (Customer Care) asked');
    await expectNoSeriousViolations(page);

    await page.getByLabel('Your answer').fill('16.4 on all of them.');
    await page.getByRole('button', { name: 'Send your answer' }).click();
    await expect.poll(() => page.getByTestId('case-status').textContent(), SLOW).toBe('We are working on it');
    expect(await page.locator('.timeline').textContent()).toContain('16.4 on all of them.');
    expect(await statusOf(caseId)).toBe('in_progress');
    await page.context().close();
  });

  it('a resolved case: reopening needs a reason and opens it again; confirming closes it', async () => {
    const caseId = await workloadCase('Connections drop every hour');
    await engineerActs(caseId, { action: 'resolve', message: 'Raised tcp_keepalives_idle to 60 seconds.' });
    const page = await signedInAs(ADA);
    await page.goto(`${stack.url}/app/cases/${caseId}`);
    await expect.poll(() => page.getByTestId('case-status').textContent(), SLOW).toBe('Resolved');
    await screenshot(page, 'portal-case-resolved');
    await expectNoSeriousViolations(page);

    await page.getByRole('button', { name: 'Reopen the case' }).click();
    const reopen = page.locator('#action-reopen');
    await expect.poll(() => reopen.locator('#action-reopen-message-error').textContent(), SLOW).toContain('Write a message');
    expect(await reopen.getByRole('alert').textContent()).toContain('Write a message');
    await page.getByLabel('What is still wrong?').fill('They still drop, now every two hours.');
    await page.getByRole('button', { name: 'Reopen the case' }).click();
    await expect.poll(() => page.getByTestId('case-status').textContent(), SLOW).toBe('We are working on it');
    expect(await statusOf(caseId)).toBe('in_progress');

    // Resolved again while the page is open: the choice comes back live.
    await engineerActs(caseId, { action: 'resolve', message: 'The load balancer idle timeout was 2 hours; it is 6 hours now.' });
    await page.getByRole('button', { name: 'Confirm and close the case' }).click();
    await expect.poll(() => page.getByTestId('case-status').textContent(), SLOW).toBe('Closed');
    expect(await page.getByRole('region', { name: 'What you can do' }).count()).toBe(0);
    expect(await page.locator('main').textContent()).toContain('This case is closed.');
    expect(await statusOf(caseId)).toBe('closed');
    await expectNoSeriousViolations(page);
    await page.context().close();
  });

  it('withdrawing asks for confirmation in words, then closes the case', async () => {
    const caseId = await workloadCase('Wrong product, opened by mistake');
    const page = await signedInAs(ADA);
    await page.goto(`${stack.url}/app/cases/${caseId}`);
    await page.getByText('Withdraw this case', { exact: true }).click();
    const withdraw = page.locator('#action-withdraw');
    expect(await withdraw.textContent()).toContain('Withdrawing closes the case at once, and it cannot be reopened.');
    await screenshot(page, 'portal-case-withdraw');
    await expectNoSeriousViolations(page);
    await page.getByLabel('Why are you withdrawing it?').fill('Opened for the wrong product.');
    await page.getByRole('button', { name: 'Yes, withdraw and close the case' }).click();
    await expect.poll(() => page.getByTestId('case-status').textContent(), SLOW).toBe('Closed');
    expect(await stack.store.getCase(caseId)).toMatchObject({ status: 'closed' });
    await page.context().close();
  });

  it("the org's list shows open cases before closed ones, and a new case appears without a reload", async () => {
    const page = await signedInAs(ADA);
    await page.getByRole('heading', { level: 1, name: 'Globex Manufacturing’s cases' }).waitFor();
    const open = page.getByRole('region', { name: /^Open cases/ });
    const closed = page.getByRole('region', { name: /^Closed cases/ });
    await expect.poll(() => open.getByRole('link', { name: 'Volumes go read-only after failover' }).count(), SLOW).toBe(1);
    expect(await closed.getByRole('link', { name: 'Connections drop every hour' }).count()).toBe(1);
    expect(await closed.getByRole('link', { name: 'Wrong product, opened by mistake' }).count()).toBe(1);
    expect(await open.getByRole('link', { name: 'Connections drop every hour' }).count()).toBe(0);

    // Customer Care opens a case for Globex: it appears on the open list at once.
    const opened = await post(GRACE, '/cases', {
      orgId: 'org-globex-enhanced',
      contact: { name: 'Ada Novak', email: ADA },
      subject: 'Opened for you by Customer Care',
      description: 'From a phone call.',
      product: 'PostgreSQL 16',
      vendor: 'PostgreSQL',
      priority: 'P4',
      environment: 'non_production',
    });
    expect(opened.status).toBe(201);
    await expect.poll(() => open.getByRole('link', { name: 'Opened for you by Customer Care' }).count(), SLOW).toBe(1);
    await screenshot(page, 'portal-home');
    await expectNoSeriousViolations(page);

    await open.getByRole('link', { name: 'Volumes go read-only after failover' }).click();
    expect(new URL(page.url()).pathname).toBe(`/app/cases/${firstCaseId}`);
    await page.context().close();
  });
});
