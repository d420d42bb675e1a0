import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  authorizationParams,
  codeGrant,
  createClient,
  introspect,
  jwtPayload,
  meStatus,
  obtainCode,
  pkce,
  REDIRECT_URI,
  refreshGrant,
  signInSetup,
  startAuthorization,
  startAuthTestApp,
  submitSignIn,
  type TestClient,
  type TestUser,
} from '../support/auth-fixtures.js';
import { DIALECTS } from '../support/dialects.js';
import type { TestApp } from '../support/test-app.js';

const SECRET = 'code-flow-secret-0123456789';

for (const dialect of DIALECTS) {
  describe(`${dialect}: authorization code + PKCE (6.3)`, () => {
    let t: TestApp;
    let client: TestClient;
    let publicClient: TestClient;
    let user: TestUser;
    beforeAll(async () => {
      t = await startAuthTestApp(dialect);
      const setup = await signInSetup(t, { client: { ClientSecret: SECRET } });
      client = setup.client;
      user = setup.user;
      publicClient = await createClient(t, { ClientSecret: null });
    });
    afterAll(() => t.close());

    const authorizeParams = (overrides: Record<string, string> = {}) =>
      authorizationParams(client.id, { state: 'xyz', ...overrides });

    test('A1: redirect_uri must match a registered one exactly; near misses are shown, not redirected', async () => {
      for (const near of [
        'https://app.example.com/cb/',
        'https://APP.example.com/cb',
        'https://app.example.com/cb?x=1',
        'https://app.example.com/cb#f',
        'https://app.example.com/c',
      ]) {
        const page = await startAuthorization(t, authorizeParams({ redirect_uri: near }));
        expect(page.response.status, near).toBe(400);
        expect(page.location, near).toBeNull();
        expect(page.html).toContain('role="alert"');
        expect(page.requestId).toBeUndefined();
      }
      // Parameters this server does not use (OIDC prompt, login_hint) are ignored, not refused.
      const exact = await startAuthorization(t, authorizeParams({ prompt: 'login', login_hint: 'someone' }));
      expect(exact.response.status).toBe(200);
      expect(exact.requestId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    test('A2: a token request redirect_uri different from the authorization request is invalid_grant', async () => {
      const { code, verifier } = await obtainCode(t, client, user);
      const wrong = await codeGrant(t, client, code, verifier, { redirect_uri: 'https://app.example.com/other' });
      expect(wrong.status).toBe(400);
      expect(wrong.json['error']).toBe('invalid_grant');
      // An OAuth 2.1 client that leaves redirect_uri out is accepted.
      const withoutRedirect = await codeGrant(t, client, code, verifier, {}, ['redirect_uri']);
      expect(withoutRedirect.status).toBe(200);
    });

    test('A3: a code redeemed by another client is invalid_grant and stays redeemable by its own', async () => {
      const other = await createClient(t, { ClientSecret: 'other-secret-0123456789' });
      const { code, verifier } = await obtainCode(t, client, user);
      const stolen = await codeGrant(t, other, code, verifier);
      expect(stolen.status).toBe(400);
      expect(stolen.json['error']).toBe('invalid_grant');
      expect((await codeGrant(t, client, code, verifier)).status).toBe(200);
    });

    test('A4: a second valid redemption is invalid_grant and revokes what the first issued', async () => {
      const { code, verifier } = await obtainCode(t, client, user);
      const first = await codeGrant(t, client, code, verifier);
      expect(first.status).toBe(200);
      expect(await meStatus(t, first.json['access_token'])).toBe(200);
      const second = await codeGrant(t, client, code, verifier);
      expect(second.status).toBe(400);
      expect(second.json['error']).toBe('invalid_grant');
      expect(await meStatus(t, first.json['access_token'])).toBe(401);
      const introspected = await introspect(t, client, first.json['access_token']);
      expect(introspected.json).toEqual({ active: false });
      const refreshed = await refreshGrant(t, client, String(first.json['refresh_token']));
      expect(refreshed.json['error']).toBe('invalid_grant');
    });

    test('A4: parallel redemptions of one code give exactly one success and no 5xx', async () => {
      const { code, verifier } = await obtainCode(t, client, user);
      const answers = await Promise.all(Array.from({ length: 20 }, () => codeGrant(t, client, code, verifier)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 400)).toHaveLength(19);
      for (const answer of answers.filter((a) => a.status === 400)) expect(answer.json['error']).toBe('invalid_grant');
      // The losers were reuses of the code: the grant is revoked, so the winner's tokens no longer work either.
      const winner = answers.find((a) => a.status === 200);
      expect(await meStatus(t, winner?.json['access_token'])).toBe(401);
    });

    test('A5: a replay with a wrong verifier or by another client revokes nothing', async () => {
      const other = await createClient(t, { ClientSecret: 'other-secret-0123456789' });
      const { code, verifier } = await obtainCode(t, client, user);
      const first = await codeGrant(t, client, code, verifier);
      expect(first.status).toBe(200);
      const badVerifier = await codeGrant(t, client, code, pkce().verifier);
      const otherClient = await codeGrant(t, other, code, verifier);
      expect(badVerifier.json['error']).toBe('invalid_grant');
      expect(otherClient.json['error']).toBe('invalid_grant');
      expect(await meStatus(t, first.json['access_token'])).toBe(200);
      expect((await refreshGrant(t, client, String(first.json['refresh_token']))).status).toBe(200);
    });

    test('A6: a code older than 60 seconds is invalid_grant', async () => {
      const { code, verifier } = await obtainCode(t, client, user);
      await t.running.context.db
        .updateTable('oauth_authorization_codes')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('consumed_at', 'is', null)
        .execute();
      const answer = await codeGrant(t, client, code, verifier);
      expect(answer.status).toBe(400);
      expect(answer.json['error']).toBe('invalid_grant');
      const row = await t.running.context.db
        .selectFrom('oauth_authorization_codes')
        .select(['created_at', 'expires_at'])
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      const { code: fresh } = await obtainCode(t, client, user);
      const freshRow = await t.running.context.db
        .selectFrom('oauth_authorization_codes')
        .select(['created_at', 'expires_at'])
        .where('consumed_at', 'is', null)
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow();
      expect(Date.parse(freshRow.expires_at) - Date.parse(freshRow.created_at)).toBe(60_000);
      expect(fresh).not.toBe(code);
      expect(row.created_at).toBeTruthy();
    });

    test('A7: codes carry 256 random bits and are stored only as SHA-256 hashes', async () => {
      const { code } = await obtainCode(t, client, user);
      expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const rows = await t.running.context.db.selectFrom('oauth_authorization_codes').select('hash').execute();
      expect(rows.map((r) => r.hash)).not.toContain(code);
      const { createHash } = await import('node:crypto');
      expect(rows.map((r) => r.hash)).toContain(createHash('sha256').update(code).digest('base64url'));
    });

    test('A8: code_challenge_method plain, or none, is invalid_request', async () => {
      for (const method of ['plain', '']) {
        const page = await startAuthorization(t, authorizeParams({ code_challenge_method: method }));
        expect(page.response.status).toBe(303);
        const location = new URL(page.location ?? '');
        expect(location.searchParams.get('error')).toBe('invalid_request');
        expect(location.searchParams.get('state')).toBe('xyz');
        expect(page.requestId).toBeUndefined();
      }
    });

    test('A9: challenges and verifiers outside 43-128 unreserved characters are invalid_request', async () => {
      for (const challenge of ['a'.repeat(42), 'a'.repeat(129), `${'a'.repeat(42)}+`, `${'a'.repeat(42)}=`]) {
        const page = await startAuthorization(t, authorizeParams({ code_challenge: challenge }));
        expect(new URL(page.location ?? '').searchParams.get('error'), challenge).toBe('invalid_request');
      }
      const { code } = await obtainCode(t, client, user);
      for (const verifier of ['a'.repeat(42), 'a'.repeat(129), `${'a'.repeat(42)}/`]) {
        const answer = await codeGrant(t, client, code, verifier);
        expect(answer.json['error'], verifier).toBe('invalid_request');
      }
    });

    test('A10: a verifier that does not hash to the challenge is invalid_grant; the seed field name works', async () => {
      const { code, verifier } = await obtainCode(t, client, user);
      const mismatch = await codeGrant(t, client, code, pkce().verifier);
      expect(mismatch.json['error']).toBe('invalid_grant');
      // The seed sends the verifier in a field named code_challenge.
      const seedStyle = await codeGrant(t, client, code, verifier, { code_challenge: verifier }, ['code_verifier']);
      expect(seedStyle.status).toBe(200);
    });

    test('A11: a missing code_challenge is invalid_request, for public and confidential clients', async () => {
      for (const c of [client, publicClient]) {
        const params = authorizeParams({ client_id: c.id });
        delete params['code_challenge'];
        const page = await startAuthorization(t, params);
        expect(new URL(page.location ?? '').searchParams.get('error')).toBe('invalid_request');
        expect(new URL(page.location ?? '').searchParams.get('error_description')).toMatch(/code_challenge/);
      }
    });

    test('A12: no code is ever issued without a challenge, and a redemption without a verifier fails', async () => {
      const { code } = await obtainCode(t, client, user);
      const withoutVerifier = await codeGrant(t, client, code, '', {}, ['code_verifier']);
      expect(withoutVerifier.status).toBe(400);
      expect(withoutVerifier.json['error']).toBe('invalid_request');
      const rows = await t.running.context.db
        .selectFrom('oauth_authorization_codes')
        .select('code_challenge')
        .execute();
      for (const row of rows) expect(row.code_challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    test('A13: a code_challenge reused across authorization requests is refused', async () => {
      const { challenge } = pkce();
      const first = await startAuthorization(t, authorizeParams({ code_challenge: challenge }));
      expect(first.response.status).toBe(200);
      const again = await startAuthorization(t, authorizeParams({ code_challenge: challenge }));
      expect(again.response.status).toBe(303);
      expect(new URL(again.location ?? '').searchParams.get('error')).toBe('invalid_request');
    });

    test('A14: responses carry iss; sign-in answers 303; unknown clients are shown an error, not redirected', async () => {
      const { location } = await obtainCode(t, client, user, { state: 's-1' });
      expect(location.origin + location.pathname).toBe(REDIRECT_URI);
      expect(location.searchParams.get('iss')).toBe(t.config.issuer);
      expect(location.searchParams.get('state')).toBe('s-1');
      const error = await startAuthorization(t, authorizeParams({ response_type: 'token' }));
      expect(error.response.status).toBe(303);
      expect(new URL(error.location ?? '').searchParams.get('iss')).toBe(t.config.issuer);
      const unknown = await startAuthorization(t, authorizeParams({ client_id: 'no-such-client' }));
      expect(unknown.response.status).toBe(400);
      expect(unknown.location).toBeNull();
      expect(unknown.response.headers.get('content-type')).toMatch(/^text\/html/);
    });

    test('A14: a failed sign-in shows the page again with an alert and issues no code', async () => {
      const page = await startAuthorization(t, authorizeParams());
      const failed = await submitSignIn(t, {
        request_id: page.requestId ?? '',
        username: user.username,
        password: 'Wrong-Password-1',
      });
      expect(failed.response.status).toBe(400);
      expect(failed.location).toBeNull();
      expect(failed.html).toContain('role="alert"');
      expect(failed.html).toContain('Invalid username or password.');
      expect(failed.html).toContain(`value="${page.requestId}"`);
      const forged = await submitSignIn(t, { request_id: 'forged', username: user.username, password: user.password });
      expect(forged.response.status).toBe(400);
      expect(forged.location).toBeNull();
      const ok = await submitSignIn(t, {
        request_id: page.requestId ?? '',
        username: user.username,
        password: user.password,
      });
      expect(ok.response.status).toBe(303);
      // The request is single-use: posting it again issues nothing.
      const replay = await submitSignIn(t, {
        request_id: page.requestId ?? '',
        username: user.username,
        password: user.password,
      });
      expect(replay.response.status).toBe(400);
    });

    test('A14: the sign-in page forbids external resources, framing and caching', async () => {
      const page = await startAuthorization(t, authorizeParams());
      const csp = page.response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/form-action 'self' https:\/\/app\.example\.com/);
      expect(page.response.headers.get('x-frame-options')).toBe('DENY');
      expect(page.response.headers.get('cache-control')).toBe('no-store');
      expect(page.html).not.toMatch(/<script|https?:\/\/(?!app\.example)/);
      expect(page.html).toMatch(/<label for="username">/);
      expect(page.html).toMatch(/<label for="password">/);
    });

    test('A15: the code carries the consented scope and the token scope reflects the grant', async () => {
      const { client: scoped, user: shopper } = await signInSetup(t, { roles: ['Shopper', 'MeAdmin', 'MeXpAdmin'] });
      const { code, verifier } = await obtainCode(t, scoped, shopper, { scope: 'openid Shopper MeAdmin OrderAdmin' });
      const answer = await codeGrant(t, scoped, code, verifier);
      expect(answer.json['scope']).toBe('openid Shopper MeAdmin');
      expect(jwtPayload(answer.json['access_token'])['role']).toEqual(['Shopper', 'MeAdmin']);
    });

    test('a public client completes the flow with client_id alone', async () => {
      const { code, verifier } = await obtainCode(t, publicClient, user, { scope: 'openid' });
      const answer = await codeGrant(t, publicClient, code, verifier);
      expect(answer.status).toBe(200);
      expect(answer.json['id_token']).toBeTruthy();
    });
  });
}
