import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signJwt } from '../../src/auth/jwt.js';
import { DIALECTS } from '../support/dialects.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: bearer tokens and roles on /v1`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ dialect });
    });
    afterAll(() => t.close());

    const get = (path: string, authorization?: string) =>
      fetch(`${t.url}${path}`, { headers: authorization === undefined ? {} : { Authorization: authorization } });

    test('no token: 401 InvalidToken with WWW-Authenticate: Bearer and no error code', async () => {
      const res = await get('/v1/buyers');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="usher"');
      expect(((await res.json()) as { Errors: Array<{ ErrorCode: string }> }).Errors[0]?.ErrorCode).toBe(
        'InvalidToken',
      );
    });

    test.each([
      ['an empty bearer (what the OrderCloud SDK sends without a token)', 'Bearer '],
      ['garbage', 'Bearer not.a.token'],
      ['another scheme', 'Basic abc'],
    ])('401 for %s', async (_name, header) => {
      const res = await get('/v1/buyers', header);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="usher"/);
    });

    test('a token signed by a key the server did not publish is refused', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const now = Math.floor(Date.now() / 1000);
      const forged = signJwt(
        { alg: 'RS256', typ: 'at+jwt', kid: 'forged' },
        {
          iss: t.config.issuer,
          aud: `${t.config.issuer}/v1`,
          cid: 'test-admin',
          jti: 'x',
          iat: now,
          exp: now + 600,
          role: 'FullAccess',
        },
        privateKey,
      );
      expect((await get('/v1/buyers', `Bearer ${forged}`)).status).toBe(401);
    });

    test('a token in the query string is not accepted', async () => {
      const res = await fetch(`${t.url}/v1/buyers?access_token=${await t.adminToken()}`);
      expect([400, 401]).toContain(res.status);
    });

    test('a token without a sufficient role: 403 InsufficientRoles naming both role lists', async () => {
      const admin = t.as(await t.adminToken());
      await admin.POST('/v1/apiclients', {
        body: { ID: 'buyer-reader', AppName: 'BR', ClientSecret: 'buyer-reader-secret-01234', Roles: ['BuyerReader'] },
      });
      const reader = t.as(await t.token('buyer-reader', 'buyer-reader-secret-01234'));
      expect((await reader.GET('/v1/buyers')).response.status).toBe(200);
      const write = await reader.POST('/v1/buyers', { body: { ID: 'nope', Name: 'Nope' } });
      expect(write.response.status).toBe(403);
      expect(write.error?.Errors[0]).toEqual({
        ErrorCode: 'InsufficientRoles',
        Message: 'User does not have role(s) required to perform this action.',
        Data: { SufficientRoles: ['FullAccess', 'BuyerAdmin'], AssignedRoles: ['BuyerReader'] },
      });
      expect((await admin.GET('/v1/buyers/{buyerID}', { params: { path: { buyerID: 'nope' } } })).response.status).toBe(
        404,
      );
      expect((await reader.GET('/v1/apiclients')).response.status).toBe(403);
    });

    test('authentication comes before validation: an anonymous bad request is 401, not 400', async () => {
      const res = await fetch(`${t.url}/v1/buyers`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(401);
    });

    test('unknown paths are 404 NotFound with Data; a wrong method is 405 with Allow', async () => {
      const missing = await get('/v1/widgets', `Bearer ${await t.adminToken()}`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { Errors: Array<{ Data: unknown }> }).Errors[0]?.Data).toEqual({
        ObjectType: 'Endpoint',
        ObjectID: '/v1/widgets',
      });
      const wrong = await fetch(`${t.url}/v1/buyers`, { method: 'DELETE' });
      expect(wrong.status).toBe(405);
      expect(wrong.headers.get('allow')).toBe('GET, POST');
    });

    test('GET /healthz needs no token', async () => {
      const res = await get('/healthz');
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: 'ok' });
    });
  });
}
