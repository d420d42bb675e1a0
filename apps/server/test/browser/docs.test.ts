import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { specOperations } from '../../src/spec.js';
import { launchChromium } from '../support/browser.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Debian's Chromium; the test never downloads a browser. */
/** The repo's ignored output folder; CI keeps the screenshots as artifacts. */
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../../../out/screenshots');

describe('sqlite: /docs in a browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  const requested: string[] = [];
  /** A new tab whose every request is recorded. */
  const openPage = async () => {
    const opened = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
    opened.on('request', (request) => requested.push(request.url()));
    return opened;
  };

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchChromium();
    page = await openPage();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  test('the sidebar lists every operation of the spec, the token endpoint among them', async () => {
    const response = await page.goto(`${t.url}/docs`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    await page
      .getByRole('heading', { name: /Usher API/ })
      .first()
      .waitFor();
    // Each tag's operations appear in the sidebar once the tag is opened ("List buyersget"); clicking one renders
    // its endpoint (Redoc renders operations lazily near the viewport), which must show the spec's path.
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const tag of [...new Set(specOperations().flatMap((operation) => operation.tags))]) {
      await page.getByRole('link', { name: tag, exact: true }).first().click();
      await page.waitForTimeout(300);
      for (const text of await page.locator('a').allTextContents()) seen.add(text.replace(/\s+/g, ' ').trim());
      for (const operation of specOperations().filter((op) => op.tags.includes(tag))) {
        const entry = page.getByRole('link', {
          name: new RegExp(`^${escapeRegExp(operation.summary)}\\s*${operation.method}$`),
        });
        if ((await entry.count()) === 0) {
          missing.push(operation.operationId);
          continue;
        }
        await entry.first().click();
        const shown = await page
          .getByText(operation.path, { exact: true })
          .first()
          .waitFor({ timeout: 5_000 })
          .then(
            () => true,
            () => false,
          );
        if (!shown) missing.push(operation.operationId);
      }
    }
    expect(missing).toEqual([]);
    expect(seen).toContain('post/oauth/token');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'docs.png') });
  });

  test('the introduction explains every grant and the list query language', async () => {
    await page.goto(`${t.url}/docs/section/authentication`, { waitUntil: 'load' });
    await page.getByRole('heading', { name: 'Authentication' }).first().waitFor();
    const text = (await page.locator('body').textContent()) ?? '';
    for (const grant of ['client_credentials', 'password', 'refresh_token'])
      expect(text).toContain(`grant_type=${grant}`);
    expect(text).toContain('sortBy=!DateCreated,ID');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'docs-authentication.png') });
  });

  test('the token endpoint shows its form body; a tag page shows summaries and roles', async () => {
    page = await openPage();
    await page.goto(`${t.url}/docs#/auth/createtoken`, { waitUntil: 'load' });
    await page.getByRole('heading', { name: 'Obtain an access token' }).first().waitFor({ timeout: 10_000 });
    await page.getByText('application/x-www-form-urlencoded').first().waitFor({ state: 'attached', timeout: 10_000 });
    expect((await page.locator('body').textContent()) ?? '').toContain('grant_type');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'docs-token.png') });

    page = await openPage();
    await page.goto(`${t.url}/docs#/buyers/listbuyers`, { waitUntil: 'load' });
    await page.getByRole('heading', { name: 'List buyers' }).first().waitFor({ timeout: 10_000 });
    await page.getByText('BuyerReader').first().waitFor({ state: 'attached', timeout: 10_000 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'docs-buyers.png') });
  });

  test('loads nothing from outside the server', () => {
    const origin = new URL(t.url).origin;
    const external = requested.filter((url) => !/^(data|blob):/.test(url) && new URL(url).origin !== origin);
    expect(requested.length).toBeGreaterThan(0);
    expect(external).toEqual([]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
