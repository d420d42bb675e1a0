import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeJwt } from '../../src/auth/jwt.js';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestApp, TEST_ISSUER, type TestApp } from '../support/test-app.js';

type OAuthBody = {
  error: string;
  error_description: string;
  meta: unknown;
  errors: Array<{ httpcode: number }>;
  Errors: Array<{ ErrorCode: string }>;
};

for (const dialect of DIALECTS) {
  describe(`${dialect}: POST /oauth/token (client_credentials)`, () => {
    let t: TestApp;
    const post = (body: string | URLSearchParams, headers: Record<string, string> = {}) =>
      fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body: body.toString(),
      });
    const form = (fields: Record<string, string>) => new URLSearchParams(fields);
    beforeAll(async () => {
      t = await startTestApp({ dialect });
      await t.as(await t.adminToken()).POST('/v1/apiclients', {
        body: {
          ID: 'reader',
          AppName: 'Reader',
          ClientSecret: 'reader secret: %+&=/~*()!',
          Roles: ['BuyerReader', 'CustomThing'],
        },
      });
    });
    afterAll(() => t.close());

    test('issues a signed ES256 JWT with the seed shape and no-store headers', async () => {
      const res = await post(
        form({ grant_type: 'client_credentials', client_id: ADMIN_CLIENT_ID, client_secret: ADMIN_CLIENT_SECRET }),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
      const body = (await res.json()) as Record<string, unknown>;
      expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
      expect(body).toMatchObject({ expires_in: 3600, scope: 'FullAccess', token_type: 'bearer' });
      const jwt = decodeJwt(String(body['access_token']));
      expect(jwt?.header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      expect(typeof jwt?.header.kid).toBe('string');
      const claims = jwt?.payload ?? {};
      expect(claims).toMatchObject({ iss: TEST_ISSUER, cid: ADMIN_CLIENT_ID, role: 'FullAccess' });
      expect(Number(claims['exp']) - Number(claims['iat'])).toBe(3600);
    });

    test('scope narrows the granted roles; unknown words are ignored', async () => {
      const res = await post(
        form({
          grant_type: 'client_credentials',
          client_id: 'reader',
          client_secret: 'reader secret: %+&=/~*()!',
          scope: 'BuyerReader nonsense BuyerAdmin',
        }),
      );
      expect(res.status).toBe(200);
      const body = (await res.json()) as { scope: string; access_token: string };
      expect(body.scope).toBe('BuyerReader');
      expect(decodeJwt(body.access_token)?.payload['role']).toBe('BuyerReader');
    });

    test('HTTP Basic with form-url-encoded special characters authenticates', async () => {
      const encode = (s: string) =>
        encodeURIComponent(s)
          .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
          .replace(/%20/g, '+');
      const basic = Buffer.from(`${encode('reader')}:${encode('reader secret: %+&=/~*()!')}`).toString('base64');
      const res = await post(form({ grant_type: 'client_credentials' }), { Authorization: `Basic ${basic}` });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { scope: string }).scope).toBe('BuyerReader CustomThing');
    });

    test('a wrong secret, an unknown client and a missing secret fail alike with 401 invalid_client', async () => {
      const bodies: OAuthBody[] = [];
      const attempts: Array<Record<string, string>> = [
        { client_id: 'reader', client_secret: 'wrong' },
        { client_id: 'nobody', client_secret: 'wrong' },
        { client_id: 'reader' },
      ];
      for (const fields of attempts) {
        const res = await post(form({ grant_type: 'client_credentials', ...fields }));
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBeNull();
        bodies.push((await res.json()) as OAuthBody);
      }
      expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
      expect(bodies[0]).toMatchObject({
        error: 'invalid_client',
        errors: [{ httpcode: 401 }],
        Errors: [{ ErrorCode: 'invalid_client' }],
      });
    });

    test('failed HTTP Basic authentication answers WWW-Authenticate: Basic', async () => {
      const res = await post(form({ grant_type: 'client_credentials' }), {
        Authorization: `Basic ${Buffer.from('reader:wrong').toString('base64')}`,
      });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    });

    test.each([
      ['a missing grant_type', 'client_id=reader', 'invalid_request'],
      ['an empty grant_type', 'grant_type=&client_id=reader', 'invalid_request'],
      ['an unknown grant_type', 'grant_type=implicit&client_id=reader', 'unsupported_grant_type'],
      [
        'a repeated parameter',
        'grant_type=client_credentials&grant_type=client_credentials&client_id=reader',
        'invalid_request',
      ],
      ['no client at all', 'grant_type=client_credentials', 'invalid_request'],
    ])('400 for %s', async (_name, body, error) => {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(((await res.json()) as OAuthBody).error).toBe(error);
    });

    test('Basic and body secret together are refused', async () => {
      const res = await post(form({ grant_type: 'client_credentials', client_secret: 'x' }), {
        Authorization: `Basic ${Buffer.from('reader:x').toString('base64')}`,
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as OAuthBody).error).toBe('invalid_request');
    });

    test('a JSON body is 400 invalid_request, never a 5xx', async () => {
      const res = await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials' }),
      });
      expect(res.status).toBe(400);
      const body = (await res.json()) as OAuthBody;
      expect(body.error).toBe('invalid_request');
      expect(body.Errors[0]?.ErrorCode).toBe('Request.InvalidContentType');
    });

    test('GET /oauth/token issues nothing', async () => {
      const res = await fetch(
        `${t.url}/oauth/token?grant_type=client_credentials&client_id=${ADMIN_CLIENT_ID}&client_secret=${ADMIN_CLIENT_SECRET}`,
      );
      expect(res.status).toBe(405);
      expect(JSON.stringify(await res.json())).not.toContain('access_token');
    });

    test('credentials in the query string are never used', async () => {
      const res = await fetch(`${t.url}/oauth/token?client_secret=${encodeURIComponent(ADMIN_CLIENT_SECRET)}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: form({ grant_type: 'client_credentials', client_id: ADMIN_CLIENT_ID }).toString(),
      });
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(await res.json())).not.toContain('access_token');
    });

    test('an oversized body is refused with 413 and the server keeps serving', async () => {
      const res = await post(`grant_type=client_credentials&padding=${'x'.repeat(20_000)}`);
      expect(res.status).toBe(413);
      expect(((await res.json()) as OAuthBody).error).toBe('invalid_request');
      expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
    });

    test('a public client cannot use client_credentials', async () => {
      await t
        .as(await t.adminToken())
        .POST('/v1/apiclients', { body: { ID: 'public-app', AppName: 'Public', Roles: ['BuyerReader'] } });
      const res = await post(form({ grant_type: 'client_credentials', client_id: 'public-app' }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as OAuthBody).error).toBe('unauthorized_client');
    });
  });
}
