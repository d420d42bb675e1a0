import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as oauth from 'oauth4webapi';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createBuyer,
  createClient,
  createUser,
  PASSWORD,
  type TestClient,
  type TestUser,
} from '../support/auth-fixtures.js';
import { launchChromium } from '../support/browser.js';
import { DIALECTS } from '../support/dialects.js';
import { startAppAtIssuer } from '../support/own-url-app.js';
import type { TestApp } from '../support/test-app.js';

/** Screenshots land in the repository's gitignored out/ folder. */
const OUT_DIR = fileURLToPath(new URL('../../../../out/', import.meta.url));

for (const dialect of DIALECTS) {
  describe(`${dialect}: the sign-in page in a real browser`, () => {
    let t: TestApp;
    let browser: Browser;
    let client: TestClient;
    let user: TestUser;
    let redirectUri: string;
    beforeAll(async () => {
      t = await startAppAtIssuer(dialect);
      redirectUri = `${t.config.issuer}/callback`;
      const buyerId = await createBuyer(t);
      // A public client: PKCE is what protects its code.
      client = await createClient(t, { ClientSecret: null, RedirectUris: [redirectUri], AppName: 'Acme Storefront' });
      user = await createUser(t, buyerId, { roles: ['Shopper', 'MeAdmin'] });
      browser = await launchChromium();
      fs.mkdirSync(OUT_DIR, { recursive: true });
    });
    afterAll(async () => {
      await browser?.close();
      await t?.close();
    });

    test('authorization code + PKCE through the sign-in page; oauth4webapi validates the ID token against the JWKS', async () => {
      const issuer = new URL(t.config.issuer);
      const as = await oauth.processDiscoveryResponse(
        issuer,
        await oauth.discoveryRequest(issuer, { [oauth.allowInsecureRequests]: true }),
      );
      const oauthClient: oauth.Client = { client_id: client.id };
      const verifier = oauth.generateRandomCodeVerifier();
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const url = new URL(String(as.authorization_endpoint));
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: client.id,
        redirect_uri: redirectUri,
        scope: 'openid Shopper MeAdmin',
        state,
        nonce,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      }).toString();

      const context = await browser.newContext();
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy|Refused to/i.test(message.text())) violations.push(message.text());
      });
      const externalRequests: string[] = [];
      page.on('request', (request) => {
        if (!request.url().startsWith(t.config.issuer)) externalRequests.push(request.url());
      });

      await page.goto(url.href);
      await expect(page.title()).resolves.toBe('Sign in');
      await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
      await expect(page.getByText('Acme Storefront').isVisible()).resolves.toBe(true);
      await page.screenshot({ path: `${OUT_DIR}sign-in.png`, fullPage: true });

      // A wrong password shows the page again with an alert, and no code.
      await page.getByLabel('Username').fill(user.username);
      await page.getByLabel('Password').fill('Wrong-Password-1');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForLoadState();
      await expect(page.getByRole('alert').textContent()).resolves.toBe('Invalid username or password.');
      expect(page.url()).not.toContain('code=');
      await expect(page.getByLabel('Username').inputValue()).resolves.toBe(user.username);
      await page.screenshot({ path: `${OUT_DIR}sign-in-error.png`, fullPage: true });

      await page.getByLabel('Password').fill(PASSWORD);
      await Promise.all([
        page.waitForURL((target) => target.href.startsWith(redirectUri)),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      const callback = new URL(page.url());
      expect(callback.searchParams.get('iss')).toBe(t.config.issuer);
      await context.close();

      const params = oauth.validateAuthResponse(as, oauthClient, callback, state);
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        oauthClient,
        oauth.None(),
        params,
        redirectUri,
        verifier,
        { [oauth.allowInsecureRequests]: true },
      );
      const result = await oauth.processAuthorizationCodeResponse(as, oauthClient, response, {
        expectedNonce: nonce,
        requireIdToken: true,
      });
      await oauth.validateApplicationLevelSignature(as, response, { [oauth.allowInsecureRequests]: true });
      const claims = oauth.getValidatedIdTokenClaims(result);
      expect(claims?.sub).toBe(user.uid);
      expect(claims?.aud).toBe(client.id);
      expect(claims?.nonce).toBe(nonce);
      expect(result.scope).toBe('openid Shopper MeAdmin');
      expect(result.refresh_token).toBeTruthy();

      const me = await fetch(`${t.url}/v1/me`, { headers: { Authorization: `Bearer ${result.access_token}` } });
      expect(((await me.json()) as { ID: string }).ID).toBe(user.id);
      expect(violations).toEqual([]);
      expect(externalRequests).toEqual([]);
      expect(fs.statSync(`${OUT_DIR}sign-in.png`).size).toBeGreaterThan(1000);
    });
  });
}
