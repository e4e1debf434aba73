import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page, type Response } from 'playwright-core';
import type { Firestore } from '@google-cloud/firestore';
import { ControllableClock } from '../../dev/controllable-clock.js';
import { createFirestore } from '../../functions/src/adapters/firestore-case-store.js';
import { startLocalStack, type LocalStack } from '../../dev/local-stack.js';

/**
 * The intake form at `/` in a real browser (Debian's Chromium, driven by playwright-core) against
 * the whole local stack. The browser runs with JavaScript switched off: the form is plain HTML and
 * must work without any script.
 */
const PROJECT = 'demo-tandem-browser';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// Playwright gives every launch() a fresh, empty --user-data-dir of its own and removes it on close.

let stack: LocalStack;
let browser: Browser;
let db: Firestore;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  // Never skipped: without the browser this file fails, saying how to get it.
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y --no-install-recommends chromium); .ci/run does`);
  }
  [stack, browser] = await Promise.all([
    startLocalStack({
      firestoreHost: inject('firestoreHost'),
      pubsubHost: inject('pubsubHost'),
      port: 0,
      workflowsPort: 0,
      clock: new ControllableClock({ start: new Date('2026-11-23T09:00:00.000Z'), frozen: true }),
      quiet: true,
      env: { GOOGLE_CLOUD_PROJECT: PROJECT },
    }),
    chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS }),
  ]);
  db = createFirestore(PROJECT);
});
afterAll(async () => {
  await browser?.close();
  await db?.terminate();
  await stack?.stop();
});
beforeEach(async () => {
  context = await browser.newContext({ javaScriptEnabled: false });
  page = await context.newPage();
});
afterEach(async () => {
  await context?.close();
});

interface FormValues {
  orgId: string;
  contactName: string;
  contactEmail: string;
  product: string;
  vendor: string;
  priority: string;
  environment: string;
  googleCloudProjectId: string;
  subject: string;
  description: string;
}

let serial = 0;
/** A complete, valid submission; the subject is unique so the test can find its own cases. */
function aCase(overrides: Partial<FormValues> = {}): FormValues {
  serial += 1;
  return {
    orgId: 'org-initech-premium',
    contactName: 'Ada Lovelace',
    contactEmail: 'ada@initech.example',
    product: 'Grafana Enterprise',
    vendor: 'Grafana Labs',
    priority: 'P2',
    environment: 'production',
    googleCloudProjectId: 'initech-obs-prod',
    subject: `Dashboards time out after upgrade #${serial}-${Date.now()}`,
    description: 'Since the upgrade to 11.2 every dashboard times out after 30 s.\nThe data source is BigQuery.',
    ...overrides,
  };
}

/**
 * A browser sends a textarea's line breaks as CRLF (the HTML form-submission rule) and intake stores
 * them as they come; compare text with line breaks normalized.
 */
const lf = (text: string | undefined): string | undefined => text?.replace(/\r\n?/g, '\n');

const field = (name: string, on: Page = page) => on.locator(`[name="${name}"]`);
const TEXT_FIELDS = ['orgId', 'contactName', 'contactEmail', 'product', 'vendor', 'googleCloudProjectId', 'subject', 'description'] as const;
const SELECTS = ['priority', 'environment'] as const;

async function openForm(): Promise<void> {
  const response = await page.goto(`${stack.url}/`);
  expect(response?.status()).toBe(200);
  await expect.poll(() => page.locator('h1').innerText()).toBe('Open a third-party technology case');
}

async function fillForm(values: FormValues, on: Page = page): Promise<void> {
  for (const name of TEXT_FIELDS) await field(name, on).fill(values[name]);
  for (const name of SELECTS) await field(name, on).selectOption(values[name]);
}

/** The ids in a control's aria-describedby. */
const describedBy = async (name: string): Promise<string[]> => ((await field(name).getAttribute('aria-describedby')) ?? '').split(/\s+/).filter(Boolean);

const isCasePost = (r: Response) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/cases';

/** Does `act` (a click, a key press) and returns the answer to the form's POST, once the page has loaded. */
async function posting(act: () => Promise<unknown>, on: Page = page): Promise<Response> {
  const [response] = await Promise.all([on.waitForResponse(isCasePost), act()]);
  await on.waitForLoadState('load');
  return response;
}

const submitButton = (on: Page = page) => on.getByRole('button', { name: 'Open the case' });

async function casesWithSubject(subject: string): Promise<string[]> {
  const snap = await db.collection('cases').where('subject', '==', subject).get();
  return snap.docs.map((d) => d.id);
}

async function confirmedCaseId(on: Page = page): Promise<string> {
  await expect.poll(() => on.locator('h1').innerText()).toBe('Case opened');
  const caseId = await on.locator('#case-id').innerText();
  expect(caseId).toMatch(/^[0-9a-f]{32}$/);
  return caseId;
}

describe('the intake form in a browser', () => {
  it('is plain HTML: no script on the page', async () => {
    await openForm();
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('form').getAttribute('method')).toBe('post');
    expect(await page.locator('form').getAttribute('action')).toBe('/cases');
  });

  it('a customer fills the form and submits: the confirmation page names the case, stored with the values typed', async () => {
    await openForm();
    const values = aCase();
    await fillForm(values);
    const response = await posting(() => submitButton().click());

    expect(response.status()).toBe(201);
    expect(response.headers()['content-type']).toMatch(/^text\/html/);
    const caseId = await confirmedCaseId();
    expect(await page.locator('body').innerText()).toContain(`Your case ${caseId} has been received`);
    // No link to the case: reading a case in the browser is not built, and a dead link would be worse.
    expect(await page.getByRole('link').allInnerTexts()).toEqual(['Open another case']);

    const stored = await stack.store.getCase(caseId);
    // The browser sends CRLF; intake stores LF, as a JSON client would send it.
    expect(stored?.description).toBe(lf(values.description));
    expect(stored).toMatchObject({
      orgId: values.orgId,
      plan: 'premium',
      contact: { name: values.contactName, email: values.contactEmail },
      subject: values.subject,
      product: values.product,
      vendor: values.vendor,
      requestedPriority: values.priority,
      environment: values.environment,
      googleCloudProjectId: values.googleCloudProjectId,
    });
    expect(await casesWithSubject(values.subject)).toEqual([caseId]);
    const [received] = await stack.store.timeline(caseId);
    expect(received).toMatchObject({ type: 'case_received', actor: { kind: 'customer', id: values.contactEmail } });
  });

  it('an invalid email and an empty subject: 400, each error beside its own field, and everything typed is kept', async () => {
    await openForm();
    const values = aCase({ contactEmail: 'ada at initech', subject: '' });
    await fillForm(values);
    const response = await posting(() => submitButton().click());

    expect(response.status()).toBe(400);
    expect(await page.locator('h1').innerText()).toBe('Open a third-party technology case');
    const errors = {
      contactEmail: 'Enter a valid email address',
      subject: 'Enter a subject',
    };
    for (const [name, message] of Object.entries(errors)) {
      const container = page.locator('.field', { has: field(name) });
      expect(await container.count(), `one .field holds ${name}`).toBe(1);
      const error = container.locator('.error');
      expect(await error.innerText()).toBe(message);
      expect(await error.isVisible()).toBe(true);
      expect(await field(name).getAttribute('aria-invalid')).toBe('true');
      // The error is (part of) the field's description for assistive technology.
      expect(await describedBy(name)).toContain(await error.getAttribute('id'));
    }
    // Only those two: no error, and no aria-invalid, on the fields that were right.
    expect(await page.locator('.error').count()).toBe(2);
    expect(await page.locator('[aria-invalid="true"]').count()).toBe(2);
    // A summary announces that the page came back with problems; the title says so too.
    expect(await page.getByRole('alert').innerText()).toBe('There are 2 problems with the case: see the fields marked below.');
    expect(await page.title()).toMatch(/^Fix the problems/);

    for (const name of TEXT_FIELDS) expect(await field(name).inputValue(), name).toBe(values[name]);
    for (const name of SELECTS) expect(await field(name).inputValue(), name).toBe(values[name]);
    expect(await casesWithSubject(values.subject)).toEqual([]);

    // Corrected on the same page, it goes through.
    await field('contactEmail').fill('ada@initech.example');
    await field('subject').fill(`${values.description.slice(0, 20)} ${Date.now()}`);
    const fixed = await posting(() => submitButton().click());
    expect(fixed.status()).toBe(201);
    const caseId = await confirmedCaseId();
    expect(await stack.store.getCase(caseId)).toMatchObject({ contact: { email: 'ada@initech.example' }, vendor: values.vendor });
  });

  it('an empty form: every required field says what it needs, the optional one nothing; hints stay beside the errors', async () => {
    await openForm();
    const response = await posting(() => submitButton().click());
    expect(response.status()).toBe(400);
    const required = [...TEXT_FIELDS, ...SELECTS].filter((name) => name !== 'googleCloudProjectId');
    for (const name of required) {
      expect(await field(name).getAttribute('aria-invalid'), name).toBe('true');
      expect((await page.locator('.field', { has: field(name) }).locator('.error').innerText()).length, name).toBeGreaterThan(0);
    }
    expect(await field('googleCloudProjectId').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('.error').count()).toBe(required.length);
    expect(await describedBy('product')).toEqual(['field-product-hint', 'field-product-error']);
    expect(await page.locator('#field-product-error').innerText()).toBe('Name the product');
  });

  it('an org on the basic plan: the page says it is not entitled, names the plan, and stores nothing', async () => {
    await openForm();
    const values = aCase({ orgId: 'org-acme-basic' });
    await fillForm(values);
    const response = await posting(() => submitButton().click());

    expect(response.status()).toBe(403);
    const alert = page.getByRole('alert');
    expect(await alert.innerText()).toBe(
      'Third-party technology support is part of Enhanced, Premium and Partner Premium Support; Acme Retail is on Basic Support.',
    );
    expect(await page.locator('.error').count()).toBe(0);
    for (const name of TEXT_FIELDS) expect(await field(name).inputValue(), name).toBe(values[name]);
    expect(await casesWithSubject(values.subject)).toEqual([]);
  });

  it('an unknown org: 404, the page says so', async () => {
    await openForm();
    const values = aCase({ orgId: 'org-nobody' });
    await fillForm(values);
    const response = await posting(() => submitButton().click());
    expect(response.status()).toBe(404);
    expect(await page.getByRole('alert').innerText()).toBe('No organization has the ID org-nobody.');
    expect(await field('orgId').inputValue()).toBe('org-nobody');
  });

  it('reloading the confirmation page (the POST sent again) opens no second case', async () => {
    await openForm();
    const values = aCase();
    await fillForm(values);
    const key = await page.locator('input[name="idempotencyKey"]').inputValue();
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect((await posting(() => submitButton().click())).status()).toBe(201);
    const caseId = await confirmedCaseId();

    const again = await posting(() => page.reload());
    expect(again.request().postData()).toContain(`idempotencyKey=${key}`);
    expect(again.status()).toBe(200);
    expect(await confirmedCaseId()).toBe(caseId);
    expect(await casesWithSubject(values.subject)).toEqual([caseId]);
  });

  it('going back and pressing submit again on the same page (same hidden key) opens no second case', async () => {
    await openForm();
    const values = aCase();
    await fillForm(values);
    const key = await page.locator('input[name="idempotencyKey"]').inputValue();
    expect((await posting(() => submitButton().click())).status()).toBe(201);
    const caseId = await confirmedCaseId();

    await page.goBack();
    expect(await page.locator('input[name="idempotencyKey"]').inputValue()).toBe(key);
    const again = await posting(() => submitButton().click());
    expect(again.status()).toBe(200);
    expect(await confirmedCaseId()).toBe(caseId);
    expect(await casesWithSubject(values.subject)).toEqual([caseId]);
  });

  it('the same form sent from two tabs at the same moment (same hidden key) opens one case', async () => {
    await openForm();
    const values = aCase();
    // A second tab holding the very same page, hidden key and all (a restored or duplicated tab).
    const html = await page.content();
    const twin = await context.newPage();
    await twin.route(`${stack.url}/`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    await twin.goto(`${stack.url}/`);
    const key = await page.locator('input[name="idempotencyKey"]').inputValue();
    expect(await twin.locator('input[name="idempotencyKey"]').inputValue()).toBe(key);
    await fillForm(values);
    await fillForm(values, twin);

    const [first, second] = await Promise.all([
      posting(() => submitButton().click()),
      posting(() => submitButton(twin).click(), twin),
    ]);
    expect([first.status(), second.status()].sort()).toEqual([200, 201]);
    const caseId = await confirmedCaseId();
    expect(await confirmedCaseId(twin)).toBe(caseId);
    expect(await casesWithSubject(values.subject)).toEqual([caseId]);
  });

  it('a double click on submit opens one case', async () => {
    await openForm();
    const values = aCase();
    await fillForm(values);
    const response = await posting(() => submitButton().dblclick());
    expect([200, 201]).toContain(response.status());
    const caseId = await confirmedCaseId();
    expect(await casesWithSubject(values.subject)).toEqual([caseId]);
  });

  it('every field has a visible label tied to it with for=, and the accessible name is that label', async () => {
    await openForm();
    const controls = page.locator('form input:not([type="hidden"]), form select, form textarea');
    const count = await controls.count();
    expect(count).toBe(TEXT_FIELDS.length + SELECTS.length);
    for (let i = 0; i < count; i++) {
      const control = controls.nth(i);
      const id = await control.getAttribute('id');
      const name = await control.getAttribute('name');
      expect(id, `${name} has an id`).toBeTruthy();
      const label = page.locator(`label[for="${id}"]`);
      expect(await label.count(), `one label for ${name}`).toBe(1);
      expect(await label.isVisible(), `the label for ${name} is visible`).toBe(true);
      const text = (await label.innerText()).trim();
      expect(text.length, `the label for ${name} has text`).toBeGreaterThan(0);
      const box = await label.boundingBox();
      expect(box && box.width > 0 && box.height > 0, `the label for ${name} takes space`).toBe(true);
      // Found by its label the way assistive technology finds it: the label names this control.
      expect(await page.getByLabel(text, { exact: true }).getAttribute('name')).toBe(name);
    }
    // A hint under a label is the control's description.
    for (const [name, hint] of [['product', 'For example: NetApp Cloud Volumes ONTAP'], ['vendor', 'For example: NetApp']] as const) {
      const ids = await describedBy(name);
      expect(ids, `${name} is described by its hint`).toHaveLength(1);
      expect(await page.locator(`[id="${ids[0]}"]`).innerText()).toBe(hint);
      expect(await page.locator('.field', { has: field(name) }).locator(`[id="${ids[0]}"]`).count()).toBe(1);
    }
    // The accessibility tree, as a screen reader gets it, names every control and the button.
    const tree = await page.locator('form').ariaSnapshot();
    for (const line of [
      'textbox "Organization ID"', 'textbox "Your name"', 'textbox "Your email"', 'textbox "Product"', 'textbox "Vendor"',
      'combobox "Priority"', 'combobox "Environment"', 'textbox "Google Cloud project ID (optional)"', 'textbox "Subject"',
      'textbox "What is happening?"', 'button "Open the case"',
    ]) expect(tree).toContain(line);
  });

  it('the form is usable by keyboard alone: Tab through the fields in order, type, choose, submit', async () => {
    await openForm();
    const values = aCase({ priority: 'P3', environment: 'non_production' });
    const order = ['orgId', 'contactName', 'contactEmail', 'product', 'vendor', 'priority', 'environment', 'googleCloudProjectId', 'subject', 'description'] as const;
    const focusedName = () => page.locator(':focus').getAttribute('name');
    // Options are chosen the way a keyboard user does: typing the start of their text.
    const typed: Record<string, string> = { ...values, priority: 'P3', environment: 'Not' };
    for (const name of order) {
      await page.keyboard.press('Tab');
      expect(await focusedName()).toBe(name);
      await page.keyboard.type(typed[name]!);
    }
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').innerText()).toBe('Open the case');
    for (const name of SELECTS) expect(await field(name).inputValue(), name).toBe(values[name]);

    const response = await posting(() => page.keyboard.press('Enter'));
    expect(response.status()).toBe(201);
    const caseId = await confirmedCaseId();
    const stored = await stack.store.getCase(caseId);
    // The browser sends CRLF; intake stores LF, as a JSON client would send it.
    expect(stored?.description).toBe(lf(values.description));
    expect(stored).toMatchObject({
      subject: values.subject,
      requestedPriority: 'P3',
      environment: 'non_production',
      googleCloudProjectId: values.googleCloudProjectId,
    });
  });

  it('Enter in a text box submits the form', async () => {
    await openForm();
    const values = aCase({ googleCloudProjectId: '' });
    await fillForm(values);
    await field('subject').focus();
    const response = await posting(() => page.keyboard.press('Enter'));
    expect(response.status()).toBe(201);
    const caseId = await confirmedCaseId();
    expect(await stack.store.getCase(caseId)).toMatchObject({ subject: values.subject, googleCloudProjectId: null });
  });
});
