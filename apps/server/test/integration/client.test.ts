import { createClient, requestToken } from '@usher/client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { signInSetup } from '../support/auth-fixtures.js';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, startTestApp, type TestApp } from '../support/test-app.js';

// @usher/client against the real server: every grant it speaks, its refresh and its typed errors.
for (const dialect of DIALECTS) {
  describe(`${dialect}: @usher/client`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp({ dialect });
    });
    afterAll(() => t.close());

    test('requestToken returns the PostTokenResponse shape for client_credentials', async () => {
      const result = await requestToken(
        {
          grantType: 'client_credentials',
          clientId: ADMIN_CLIENT_ID,
          clientSecret: ADMIN_CLIENT_SECRET,
          scope: ['BuyerReader'],
        },
        { baseUrl: t.url },
      );
      expect(result.data).toEqual({ accessToken: expect.any(String), expiresIn: 3600, tokenType: 'Bearer' });
      const basic = await requestToken(
        { grantType: 'client_credentials', clientId: ADMIN_CLIENT_ID, clientSecret: ADMIN_CLIENT_SECRET },
        { baseUrl: t.url, clientAuthentication: 'client_secret_basic' },
      );
      expect(basic.data?.accessToken).toEqual(expect.any(String));
    });

    test('signs in with client credentials, creates and pages through buyers', async () => {
      const usher = createClient({
        baseUrl: t.url,
        auth: { clientId: ADMIN_CLIENT_ID, clientSecret: ADMIN_CLIENT_SECRET, scope: 'FullAccess' },
      });
      for (let i = 0; i < 5; i++) {
        const created = await usher.POST('/v1/buyers', { body: { ID: `client-${i}`, Name: `Client ${i}` } });
        expect(created.response.status).toBe(201);
      }
      const first = await usher.list('/v1/buyers', { pageSize: 2 });
      expect(first.data?.Meta).toMatchObject({ Page: 1, PageSize: 2, TotalCount: 5, TotalPages: 3 });
      const ids: string[] = [];
      for await (const page of usher.listAll('/v1/buyers', { pageSize: 2 })) {
        ids.push(...page.Items.map((buyer) => buyer.ID ?? ''));
      }
      expect(ids).toEqual(['client-0', 'client-1', 'client-2', 'client-3', 'client-4']);
    });

    test('obtains a new token when the current one is about to expire', async () => {
      let now = Date.now();
      const usher = createClient({
        baseUrl: t.url,
        auth: { clientId: ADMIN_CLIENT_ID, clientSecret: ADMIN_CLIENT_SECRET },
        now: () => now,
      });
      const before = await usher.auth?.getToken();
      now += 3_590_000;
      const after = await usher.auth?.getToken();
      expect(after?.data?.accessToken).not.toBe(before?.data?.accessToken);
      expect((await usher.GET('/v1/buyers')).response.status).toBe(200);
    });

    test('errors arrive as typed values: OAuth errors from sign-in, OrderCloud errors from the API', async () => {
      const wrongSecret = createClient({
        baseUrl: t.url,
        auth: { clientId: ADMIN_CLIENT_ID, clientSecret: 'not-the-secret-0123456789' },
      });
      const refused = await wrongSecret.GET('/v1/buyers');
      expect(refused.response.status).toBe(401);
      expect(refused.error?.Errors[0]?.ErrorCode).toBe('invalid_client');

      const readerOnly = createClient({
        baseUrl: t.url,
        auth: { clientId: ADMIN_CLIENT_ID, clientSecret: ADMIN_CLIENT_SECRET, scope: ['BuyerReader'] },
      });
      const forbidden = await readerOnly.POST('/v1/buyers', { body: { Name: 'Nope' } });
      expect(forbidden.response.status).toBe(403);
      expect(forbidden.error?.Errors[0]).toMatchObject({
        ErrorCode: 'InsufficientRoles',
        Data: { AssignedRoles: ['BuyerReader'] },
      });

      const token = await t.client.POST('/oauth/token', { body: { grant_type: 'password' } });
      expect(token.response.status).toBe(400);
      expect(token.error?.error).toBe('invalid_request');
    });

    test('a given token that the server refuses is answered as 401 InvalidToken', async () => {
      const stale = createClient({ baseUrl: t.url, auth: { accessToken: 'not-a-token' } });
      const result = await stale.GET('/v1/buyers');
      expect(result.response.status).toBe(401);
      expect(result.error?.Errors[0]?.ErrorCode).toBe('InvalidToken');
    });

    test('signs a user in with the password grant, lists users, and refreshes with the refresh token', async () => {
      const { client, user } = await signInSetup(t, {
        client: { ClientSecret: 'client-package-secret-0123' },
        roles: ['BuyerUserReader', 'MeAdmin'],
      });
      let now = Date.now();
      const usher = createClient({
        baseUrl: t.url,
        auth: {
          clientId: client.id,
          clientSecret: 'client-package-secret-0123',
          username: user.username,
          password: user.password,
        },
        now: () => now,
      });
      const first = await usher.auth?.getToken();
      expect(first?.data).toMatchObject({ tokenType: 'Bearer', expiresIn: 3600, refreshToken: expect.any(String) });
      const listed = await usher.list('/v1/buyers/{buyerID}/users', {
        path: { buyerID: user.buyerId },
        filters: { Username: user.username },
      });
      expect(listed.data?.Items.map((item) => item.ID)).toEqual([user.id]);
      now += 3_590_000;
      const second = await usher.auth?.getToken();
      expect(second?.data?.accessToken).not.toBe(first?.data?.accessToken);
      expect(second?.data?.refreshToken).not.toBe(first?.data?.refreshToken);
      // The rotated-away refresh token is spent: presenting it again fails (and revokes the chain).
      const replay = await requestToken(
        {
          grantType: 'refresh_token',
          clientId: client.id,
          clientSecret: 'client-package-secret-0123',
          refreshToken: String(first?.data?.refreshToken),
        },
        { baseUrl: t.url },
      );
      expect(replay.error?.error).toBe('invalid_grant');
      // The replay revoked the chain: the refreshed access token is dead, and the client signs in again on its own.
      expect((await t.as(String(second?.data?.accessToken)).GET('/v1/me')).response.status).toBe(401);
      const me = await usher.GET('/v1/me');
      expect(me.response.status).toBe(200);
      expect(me.data?.ID).toBe(user.id);
    });

    test('a wrong password arrives as a typed OAuth error with the OrderCloud code', async () => {
      const { client, user } = await signInSetup(t);
      const result = await requestToken(
        { grantType: 'password', clientId: client.id, username: user.username, password: 'Wrong-Password-9' },
        { baseUrl: t.url },
      );
      expect(result.error?.error).toBe('invalid_grant');
      expect(result.error?.Errors[0]?.ErrorCode).toBe('Auth.InvalidUsernameOrPassword');
    });
  });
}
