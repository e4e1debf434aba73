import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../dev/local-stack.js';
import { DEMO_PASSWORD, DEMO_USERS } from '../../dev/seed-data.js';
import { demoAccounts } from '../../dev/web-app.js';
import { startBrowserStack } from './browser-stack.js';
import { launchChromium, newPerson, screenshot, seriousViolations, signIn } from './browser.js';

const START = new Date('2026-03-02T09:00:00Z');
let stack: LocalStack;
let browser: Browser;

beforeAll(async () => {
  [stack, browser] = await Promise.all([startBrowserStack(START), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe('signing in', () => {
  it('the sign-in page has labelled Email and Password fields, no serious accessibility problem, and works by keyboard alone', async () => {
    const context = await newPerson(browser);
    const page = await context.newPage();
    await page.goto(`${stack.url}/`);
    expect(new URL(page.url()).pathname).toBe('/app/');
    await page.getByLabel('Email').waitFor();
    await screenshot(page, 'sign-in');
    expect(await seriousViolations(page)).toEqual([]);

    // Tab from the top of the page: the skip link, the brand, then the fields, typed into and sent with Enter.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sign-in-email');
    await page.keyboard.type('ada@globex.example');
    await page.keyboard.press('Tab');
    await page.keyboard.type('tandem-demo');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await page.locator('.header__app').textContent()).toContain('Customer portal');
    await context.close();
  });

  it('a wrong password is refused in words, and nobody is signed in', async () => {
    const context = await newPerson(browser);
    const page = await context.newPage();
    await page.goto(`${stack.url}/app/`);
    await page.getByLabel('Email').fill('grace@tandem.example');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('That email and password do not match an account');
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    await context.close();
  });

  it.each([
    ['engineer', 'Engineer console'],
    ['customer', 'Customer portal'],
    ['partner', 'Partner desk'],
  ] as const)('a demo %s lands in the %s, and signing out returns to the sign-in page', async (role, app) => {
    const user = DEMO_USERS.find((u) => u.claims.role === role)!;
    const context = await newPerson(browser);
    const page = await context.newPage();
    await signIn(page, stack.url, user.email);
    expect(await page.locator('.header__app').textContent()).toContain(app);
    expect(await page.locator('header').textContent()).toContain(user.name);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Password').waitFor();
    await context.close();
  });

  it('on the local stack the page lists the demo users by role, naming their org or partner; "Use this account" fills in the form and signs nobody in', async () => {
    // What the page lists comes from the stack's init.json, emulators only.
    const init = (await (await fetch(`${stack.url}/__/firebase/init.json`)).json()) as { emulators?: { demoUsers?: unknown } };
    expect(init.emulators?.demoUsers).toEqual(demoAccounts());

    const context = await newPerson(browser);
    const page = await context.newPage();
    await page.goto(`${stack.url}/app/`);
    const accounts = page.getByRole('region', { name: 'Demo accounts' });
    await accounts.waitFor();
    const listed = async (heading: string) => (await accounts.getByRole('list', { name: heading }).getByRole('listitem').allTextContents()).map((text) => text.replace(/\s+/g, ' '));
    const customers = await listed('Customers (Customer portal)');
    const engineers = await listed('Customer Care engineers (Engineer console)');
    const partners = await listed('Technology partners (Partner desk)');
    expect([customers.length, engineers.length, partners.length]).toEqual(['customer', 'engineer', 'partner'].map((role) => DEMO_USERS.filter((u) => u.claims.role === role).length));
    expect(customers).toContainEqual(expect.stringContaining('Ada Novak, Globex Manufacturing (Enhanced Support)ada@globex.example'));
    expect(customers).toContainEqual(expect.stringContaining('Ben Carter, Acme Retail (Basic Support: may not open cases)'));
    expect(engineers).toContainEqual(expect.stringContaining('Grace Hopper'));
    expect(partners).toContainEqual(expect.stringContaining('NetApp Support, NetApp'));
    expect(await accounts.getByRole('button', { name: /^Use this account/ }).count()).toBe(DEMO_USERS.length);

    // Each button's name says whose account it is (the name after the visible words is for screen readers).
    const useAccountOf = (name: string) => accounts.getByRole('button', { name: new RegExp(`^Use this account\\s*:\\s*${name}$`) });
    await useAccountOf('Ada Novak').click();
    expect(await page.getByLabel('Email').inputValue()).toBe('ada@globex.example');
    expect(await page.getByLabel('Password').inputValue()).toBe(DEMO_PASSWORD);
    // Filled in, not signed in; the focus is on the button that sends it.
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Sign in');
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, 'sign-in-demo-account-chosen');

    // Another account replaces the first; Enter signs in as that person, in their role's app.
    await useAccountOf('NetApp Support').click();
    expect(await page.getByLabel('Email').inputValue()).toBe('support@netapp.example');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(await page.locator('.header__app').textContent()).toContain('Partner desk');
    expect(await page.locator('header').textContent()).toContain('NetApp Support');
    await context.close();
  });
});
