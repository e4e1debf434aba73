import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../dev/local-stack.js';
import { DEMO_USERS } from '../../dev/seed-data.js';
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
});
