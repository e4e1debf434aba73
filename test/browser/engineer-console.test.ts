import type { BrowserContext, Page } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../../dev/eventually.js';
import type { LocalStack } from '../../dev/local-stack.js';
import type { CaseStatus } from '../../functions/src/domain/case-model.js';
import type { TokenUser } from '../tokens.js';
import { postAs, startBrowserStack } from './browser-stack.js';
import { launchChromium, newPerson, screenshot, seriousViolations, signIn } from './browser.js';

/**
 * The engineer console in Chromium, on the whole local stack: the queue in order of SLA risk with
 * its bands in words, its filters (by keyboard too), and a case worked from its page: a reply, a
 * question that pauses the clock, the customer's answer arriving live, a referral to the vendor
 * refused beside its field and then sent, a stale form told the case changed, and a form sent by
 * keyboard alone. Cases are opened through the API as the demo customers.
 *
 * The stack's clock starts near the real time so that the clocks on the page read like today's; the
 * browser's ID tokens (issued by the Authentication emulator at the real time) pass either way, as
 * the local stack checks them against the wall clock too (dev/stack-deps.ts).
 */
const MINUTE = 60_000;
const START = new Date(Math.ceil((Date.now() + 2 * MINUTE) / MINUTE) * MINUTE);

const PETER: TokenUser = { uid: 'demo-customer-initech', role: 'customer', org: 'org-initech-premium', name: 'Peter Gibbons', email: 'peter@initech.example' };
const ADA: TokenUser = { uid: 'demo-customer-globex', role: 'customer', org: 'org-globex-enhanced', name: 'Ada Novak', email: 'ada@globex.example' };
const ALAN: TokenUser = { uid: 'demo-engineer-alan', role: 'engineer', name: 'Alan Turing', email: 'alan@tandem.example' };

const SUBJECTS = {
  breached: 'Widget database refuses connections',
  risk: 'Widget replicas fall behind',
  watch: 'Widget backups fail at night',
  workload: 'PostgreSQL vacuum never finishes',
  confluent: 'Kafka Connect sink stalls',
  netapp: 'Volumes go read-only',
} as const;

let stack: LocalStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const ids = {} as Record<keyof typeof SUBJECTS, string>;

async function open(user: TokenUser, name: keyof typeof SUBJECTS, fields: { product: string; vendor: string; priority: string }): Promise<void> {
  const opened = await postAs(stack, user, '/cases', { subject: SUBJECTS[name], description: 'Since this morning, every few minutes.', environment: 'production', ...fields }, { 'idempotency-key': `console-${name}` });
  expect(opened.status).toBe(201);
  ids[name] = String(opened.body.caseId);
}

async function act(user: TokenUser, caseId: string, body: Record<string, unknown>): Promise<void> {
  const applied = await postAs(stack, user, `/cases/${caseId}/actions`, body);
  expect(applied.status, JSON.stringify(applied.body)).toBe(200);
}

const reaches = (name: keyof typeof SUBJECTS, status: CaseStatus) =>
  eventually(async () => ((await stack.store.getCase(ids[name]))?.status === status ? true : undefined), 20_000, `${name} to be ${status}`);

beforeAll(async () => {
  [stack, browser] = await Promise.all([startBrowserStack(START), launchChromium()]);
  // Six cases whose first-response clocks stand in every band once the clock reaches START + 20 min.
  await open(PETER, 'breached', { product: 'Acme WidgetDB', vendor: 'Acme Widgets', priority: 'P1' }); // 15 min target: breached 5 min ago
  await open(ADA, 'workload', { product: 'PostgreSQL 16', vendor: 'PostgreSQL Global Development Group', priority: 'P1' }); // 60 min: 33 %
  await open(PETER, 'confluent', { product: 'Confluent Platform', vendor: 'Confluent', priority: 'P2' }); // 120 min: 16 %, the partner silent
  await open(ADA, 'netapp', { product: 'Cloud Volumes ONTAP', vendor: 'NetApp', priority: 'P2' }); // the partner acknowledges after a minute
  await Promise.all([reaches('breached', 'in_progress'), reaches('workload', 'in_progress'), reaches('confluent', 'awaiting_partner'), reaches('netapp', 'awaiting_partner')]);
  await stack.advanceClock(8 * MINUTE);
  await open(PETER, 'risk', { product: 'Acme WidgetDB', vendor: 'Acme Widgets', priority: 'P1' }); // 12 of 15 min: 80 %
  await reaches('risk', 'in_progress');
  await stack.advanceClock(3 * MINUTE);
  await open(PETER, 'watch', { product: 'Acme WidgetDB', vendor: 'Acme Widgets', priority: 'P1' }); // 9 of 15 min: 60 %
  await Promise.all([reaches('watch', 'in_progress'), reaches('netapp', 'partner_engaged')]);
  await stack.advanceClock(9 * MINUTE);

  context = await newPerson(browser);
  page = await context.newPage();
  await signIn(page, stack.url, 'grace@tandem.example');
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await stack?.stop();
});

const rows = () => page.locator('table.cases tbody tr');
const rowTexts = () => rows().evaluateAll((trs) => trs.map((tr) => [tr.querySelector('th a')?.textContent ?? '', tr.querySelector('.clock__words')?.textContent ?? '']));
const summary = (text: string) => page.locator('summary', { hasText: text });
const statusLine = () => page.locator('.case-summary .status').textContent();

async function openCase(name: keyof typeof SUBJECTS): Promise<void> {
  await page.goto(`${stack.url}/app/`);
  await page.getByRole('link', { name: SUBJECTS[name] }).click();
  await page.getByRole('heading', { level: 1, name: SUBJECTS[name] }).waitFor();
  await page.locator('#sla-summary').waitFor();
  // The link that was followed is gone: the focus goes to the new page's heading, as after a page load, not to the body.
  await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
}

describe('the engineer console', () => {
  it('the queue lists the open cases by SLA risk, each clock in words, with no serious accessibility problem', async () => {
    await expect.poll(() => rows().count(), { timeout: 10_000 }).toBe(6);
    // The app follows the stack's clock within a couple of seconds of loading.
    await expect
      .poll(rowTexts, { timeout: 10_000 })
      .toEqual([
        [SUBJECTS.breached, 'Breached 5 min ago'],
        [SUBJECTS.risk, 'At risk: 3 min left (80 %)'],
        [SUBJECTS.watch, 'Over half used: 6 min left (60 %)'],
        [SUBJECTS.workload, 'On track: 40 min left (33 %)'],
        [SUBJECTS.confluent, 'On track: 1 h 40 min left (16 %)'],
        [SUBJECTS.netapp, 'Responded: after 1 min'],
      ]);
    // The queues by their records' names, each case's approach.
    await expect.poll(() => rows().first().textContent()).toContain('Third-party vendor support');
    expect(await rows().first().textContent()).toContain('Vendor referral');
    expect(await rows().nth(3).textContent()).toContain('Databases');
    expect(await rows().nth(4).textContent()).toContain('Confluent collaboration');
    expect(await page.locator('.queue__count').textContent()).toContain('6 open cases');
    await screenshot(page, 'console-queue');
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('filters by priority and approach, kept in the address, by keyboard too, and says so when nothing matches', async () => {
    await page.getByLabel('Priority').selectOption('P1');
    await expect.poll(() => rows().count()).toBe(4);
    expect(new URL(page.url()).searchParams.get('priority')).toBe('P1');
    expect(await page.locator('.queue__count').textContent()).toContain('Showing 4 of 6 open cases');

    // Keyboard alone: from the priority filter back to the approach filter, and down one option.
    await page.getByLabel('Priority').focus();
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('filter-approach');
    await page.keyboard.press('ArrowDown'); // Collaborative: no P1 case is
    await expect.poll(() => page.locator('.empty').textContent()).toContain('No case matches these filters');
    expect(new URL(page.url()).searchParams.get('approach')).toBe('collaborative');
    await page.keyboard.press('ArrowDown'); // Workload
    await expect.poll(rowTexts).toEqual([[SUBJECTS.workload, 'On track: 40 min left (33 %)']]);

    // A reload keeps the filters; clearing them (by keyboard) shows every open case again.
    await page.reload();
    await expect.poll(() => rows().count()).toBe(1);
    await page.getByRole('button', { name: 'Clear the filters' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => rows().count()).toBe(6);
    expect(new URL(page.url()).search).toBe('');
  });

  it('a case page: subject, status and priority in words, triage’s reason, the clock drawn with a text summary beside it', async () => {
    await openCase('breached');
    expect(await statusLine()).toBe('In progress');
    const headline = await page.locator('.case-summary').textContent();
    expect(headline).toContain('P1 — Critical: production unusable');
    await expect.poll(() => page.locator('.facts').first().textContent()).toContain('Initech Bank (premium plan)');
    const facts = await page.locator('.facts').first().textContent();
    expect(facts).toContain('Peter Gibbons');
    expect(await page.getByText('Neither a technology partner nor a workload technology matched').count()).toBe(1);
    const chart = page.getByRole('img', { name: /Breached: nobody has responded/ });
    expect(await chart.count()).toBe(1);
    expect(await page.locator('#sla-summary').textContent()).toContain('Breached: nobody has responded, and the due time passed 5 min ago');
    // Every engineer action of in_progress has its form.
    for (const form of ['action-reply', 'action-request_info', 'action-resolve', 'action-refer_to_vendor', 'action-add_note', 'action-assign-me', 'action-assign-other', 'action-set_priority']) {
      expect(await page.locator(`form#${form}`).count(), form).toBe(1);
    }
    expect(await summary('Escalate to a technology partner').count()).toBe(1);
    expect(await seriousViolations(page)).toEqual([]);
  });

  it('answers, asks (the case waits for the customer), and shows the customer’s reply live, without a reload', async () => {
    await page.getByLabel('Your reply').fill('We are looking at the connection limits now.');
    await page.getByRole('button', { name: 'Send the reply' }).click();
    await expect.poll(() => page.locator('#action-reply .form__done').textContent()).toContain('Your reply is sent');
    await expect.poll(() => page.locator('#sla-summary').textContent()).toContain('Responded at');
    expect(await page.locator('.timeline').textContent()).toContain('Grace Hopper replied');

    await summary('Assign the case').click();
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await expect.poll(() => page.locator('.facts').first().textContent()).toContain('You, Grace Hopper');

    await summary('Ask the customer for information').click();
    await page.getByLabel('Your question').fill('Which client library version do you use?');
    await page.getByRole('button', { name: 'Ask the customer' }).click();
    await expect.poll(statusLine).toBe('Waiting for the customer');
    await expect.poll(() => page.locator('#sla-summary').textContent()).toContain('Paused since');

    // The customer answers through the API a few minutes later; the open page shows it by itself.
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    await stack.advanceClock(4 * MINUTE);
    await act(PETER, ids.breached, { action: 'reply', message: 'Version 3.2 of the Widget client.' });
    await expect.poll(statusLine, { timeout: 10_000 }).toBe('In progress');
    await expect.poll(() => page.locator('.timeline').textContent()).toContain('Version 3.2 of the Widget client.');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await expect.poll(() => page.locator('#sla-summary').textContent()).toContain('waited for the customer once, 4 min in all; waiting never counts');
    await screenshot(page, 'console-case');
  });

  it('refers to the vendor: a bad address is refused beside its field and in the summary, which takes the focus; then it goes', async () => {
    await summary('Refer the customer to the vendor').click();
    const form = page.locator('#action-refer_to_vendor');
    expect(await form.getByLabel('Vendor', { exact: true }).inputValue()).toBe('Acme Widgets');
    await form.getByLabel('Vendor support page').fill('support.acme-widgets');
    await form.getByLabel('What to tell the customer').fill('The connection limit is a bug in WidgetDB 3.2; Acme Widgets support has the fix.');
    await form.getByRole('button', { name: 'Refer to the vendor' }).click();
    const error = page.locator('#action-refer_to_vendor-vendorContact-url-error');
    await expect.poll(() => error.textContent()).toContain('Enter the vendor support page as a full address');
    expect(await form.locator('.error-summary').textContent()).toContain('Enter the vendor support page as a full address');
    await expect.poll(() => page.evaluate(() => document.activeElement?.classList.contains('error-summary'))).toBe(true);
    expect(await form.getByLabel('Vendor support page').getAttribute('aria-invalid')).toBe('true');
    await form.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-case-errors');
    expect(await seriousViolations(page)).toEqual([]);

    await form.getByLabel('Vendor support page').fill('https://support.acme-widgets.example');
    await form.getByRole('button', { name: 'Refer to the vendor' }).click();
    await expect.poll(statusLine).toBe('Referred to the vendor');
    expect(await page.locator('.timeline').textContent()).toContain('Vendor: Acme Widgets · https://support.acme-widgets.example');
  });

  it('a reply begun before someone else changed the case is refused with the case-changed message, and keeps what was written', async () => {
    await openCase('workload');
    await page.getByLabel('Your reply').fill('Autovacuum is blocked by a long transaction; ');
    await act(ALAN, ids.workload, { action: 'add_note', message: 'Customer runs a nightly ETL with long transactions.' });
    await expect.poll(() => page.locator('.timeline').textContent()).toContain('nightly ETL');
    await page.getByRole('button', { name: 'Send the reply' }).click();
    await expect.poll(() => page.locator('#action-reply .error-summary').textContent()).toContain('The case changed while you were writing');
    expect(await page.getByLabel('Your reply').inputValue()).toBe('Autovacuum is blocked by a long transaction; ');
    // Sent again, it goes ahead on the case as it now stands.
    await page.getByRole('button', { name: 'Send the reply' }).click();
    await expect.poll(() => page.locator('#action-reply .form__done').textContent()).toContain('Your reply is sent');
  });

  it('a form is reached, filled in and sent with the keyboard alone', async () => {
    await openCase('workload');
    const note = summary('Write an internal note');
    for (let i = 0; i < 80 && !(await note.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await note.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('action-add_note-message');
    await page.keyboard.type('Checked pg_stat_activity with the customer.');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#action-add_note .form__done').textContent()).toContain('The note is on the timeline');
    await expect.poll(() => page.locator('.timeline__entry--internal').last().textContent()).toContain('Checked pg_stat_activity');
  });

  it('an escalated case shows the partner clock: asked, each rung’s deadline, the fallback; an acknowledged one says when', async () => {
    await openCase('confluent');
    expect(await statusLine()).toBe('Waiting for the partner');
    const partner = page.locator('section[aria-labelledby="partner-title"]');
    await partner.getByRole('img').waitFor();
    const text = await partner.textContent();
    expect(text).toContain('Confluent was asked at');
    expect(text).toContain('with 1 h 30 min to acknowledge each time');
    expect(text).toContain('Rung 1, Escalation desk');
    expect(text).toContain('Rung 2, Escalation manager');
    expect(text).toContain('Customer Care takes the case back at');
    expect(text).toContain('0 of 2: the partner itself');
    await screenshot(page, 'console-case-partner');
    expect(await seriousViolations(page)).toEqual([]);

    await openCase('netapp');
    await page.locator('section[aria-labelledby="partner-title"]').getByRole('img').waitFor();
    const acknowledged = await page.locator('section[aria-labelledby="partner-title"]').textContent();
    expect(acknowledged).toMatch(/NetApp acknowledged at \d\d:\d\d/);
    expect(acknowledged).not.toContain('None given yet');
    await screenshot(page, 'console-case-acknowledged');
  });
});
