import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

/**
 * The README's three screenshots, one per role, taken from what the browser tests wrote to
 * test-output/screenshots/ (run `npx vitest run --project browser` first) and made small: 1,000 px
 * wide, JPEG. Run it by hand when a page changes: `npx tsx dev/readme-screenshots.ts`.
 */
const root = join(import.meta.dirname, '..');
const PICKS: Record<string, string> = { 'console-case-partner': 'console-case', 'portal-case-partner-engaged': 'portal-case', 'desk-case': 'desk-case' };

const browser = await chromium.launch({ executablePath: process.env.TANDEM_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  for (const [from, to] of Object.entries(PICKS)) {
    const png = readFileSync(join(root, 'test-output', 'screenshots', `${from}.png`)).toString('base64');
    await page.setContent(`<body style="margin:0"><img id="shot" style="display:block;width:1000px" src="data:image/png;base64,${png}"></body>`);
    await page.locator('#shot').screenshot({ path: join(root, 'docs', 'screenshots', `${to}.jpg`), type: 'jpeg', quality: 72 });
    console.log(`docs/screenshots/${to}.jpg ← test-output/screenshots/${from}.png`);
  }
} finally {
  await browser.close();
}
