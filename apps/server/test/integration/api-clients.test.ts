import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: API clients`, () => {
    let t: TestApp;
    let api: TestApp['client'];
    beforeAll(async () => {
      t = await startTestApp({ dialect });
      api = t.as(await t.adminToken());
    });
    afterAll(() => t.close());

    test('creates a client with defaults; the secret is never returned and works for tokens', async () => {
      const secret = 'storefront-secret-0123456789';
      const created = await api.POST('/v1/apiclients', {
        body: { ID: 'storefront', AppName: 'Storefront', ClientSecret: secret, Roles: ['BuyerReader'] },
      });
      expect(created.response.status).toBe(201);
      expect(created.data).toEqual({
        ID: 'storefront',
        AppName: 'Storefront',
        Active: true,
        AccessTokenDuration: 60,
        RefreshTokenDuration: 0,
        AllowAnyBuyer: false,
        RedirectUris: [],
        Roles: ['BuyerReader'],
        xp: null,
      });
      const raw = await (
        await fetch(`${t.url}/v1/apiclients/storefront`, {
          headers: { Authorization: `Bearer ${await t.adminToken()}` },
        })
      ).text();
      expect(raw).not.toContain(secret);
      expect(raw).not.toContain('ClientSecret');
      await expect(t.token('storefront', secret)).resolves.toMatch(/^ey/);
    });

    test('PUT keeps the secret when ClientSecret is absent and removes it with null', async () => {
      const secret = 'keep-me-secret-0123456789';
      await api.POST('/v1/apiclients', {
        body: { ID: 'rotating', AppName: 'R', ClientSecret: secret, Roles: ['BuyerReader'] },
      });
      await api.PUT('/v1/apiclients/{apiClientID}', {
        params: { path: { apiClientID: 'rotating' } },
        body: { AppName: 'R2', Roles: ['BuyerReader'] },
      });
      await expect(t.token('rotating', secret)).resolves.toMatch(/^ey/);
      await api.PATCH('/v1/apiclients/{apiClientID}', {
        params: { path: { apiClientID: 'rotating' } },
        body: { ClientSecret: null },
      });
      await expect(t.token('rotating', secret)).rejects.toThrow(/401/);
    });

    test('PATCH changes only the given fields and deep-merges xp', async () => {
      await api.POST('/v1/apiclients', {
        body: { ID: 'patchme', AppName: 'P', AccessTokenDuration: 30, xp: { a: { b: 1 } } },
      });
      const patched = await api.PATCH('/v1/apiclients/{apiClientID}', {
        params: { path: { apiClientID: 'patchme' } },
        body: { RedirectUris: ['https://app.example.com/cb'], xp: { a: { c: 2 } } },
      });
      expect(patched.data).toMatchObject({
        AppName: 'P',
        AccessTokenDuration: 30,
        RedirectUris: ['https://app.example.com/cb'],
        xp: { a: { b: 1, c: 2 } },
      });
    });

    test.each([
      ['AccessTokenDuration below 10', { AppName: 'x', AccessTokenDuration: 9 }, 'AccessTokenDuration'],
      ['AccessTokenDuration above 600', { AppName: 'x', AccessTokenDuration: 601 }, 'AccessTokenDuration'],
      ['negative RefreshTokenDuration', { AppName: 'x', RefreshTokenDuration: -1 }, 'RefreshTokenDuration'],
      ['a short secret', { AppName: 'x', ClientSecret: 'short' }, 'ClientSecret'],
      ['a relative redirect URI', { AppName: 'x', RedirectUris: ['/callback'] }, 'RedirectUris.0'],
      ['no AppName', {}, 'AppName'],
    ])('400 for %s', async (_name, body, property) => {
      const res = await api.POST('/v1/apiclients', { body: body as never });
      expect(res.response.status).toBe(400);
      expect(res.error?.Errors[0]?.Data).toMatchObject({ Property: property });
    });

    test('deleting a client makes its tokens stop working at once', async () => {
      const secret = 'short-lived-secret-0123456789';
      await api.POST('/v1/apiclients', {
        body: { ID: 'doomed', AppName: 'D', ClientSecret: secret, Roles: ['BuyerReader'] },
      });
      const token = await t.token('doomed', secret);
      expect((await t.as(token).GET('/v1/buyers')).response.status).toBe(200);
      expect(
        (await api.DELETE('/v1/apiclients/{apiClientID}', { params: { path: { apiClientID: 'doomed' } } })).response
          .status,
      ).toBe(204);
      const after = await t.as(token).GET('/v1/buyers');
      expect(after.response.status).toBe(401);
      expect(after.error?.Errors[0]?.ErrorCode).toBe('InvalidToken');
    });

    test('deactivating a client stops its tokens and its grants', async () => {
      const secret = 'inactive-secret-0123456789';
      await api.POST('/v1/apiclients', {
        body: { ID: 'sleepy', AppName: 'S', ClientSecret: secret, Roles: ['BuyerReader'] },
      });
      const token = await t.token('sleepy', secret);
      await api.PATCH('/v1/apiclients/{apiClientID}', {
        params: { path: { apiClientID: 'sleepy' } },
        body: { Active: false },
      });
      expect((await t.as(token).GET('/v1/buyers')).response.status).toBe(401);
      await expect(t.token('sleepy', secret)).rejects.toThrow(/401/);
    });

    test('a caller may only hand out roles it holds (ApiClientAdmin cannot mint FullAccess)', async () => {
      const secret = 'client-admin-secret-0123456789';
      await api.POST('/v1/apiclients', {
        body: { ID: 'client-admin', AppName: 'CA', ClientSecret: secret, Roles: ['ApiClientAdmin'] },
      });
      const limited = t.as(await t.token('client-admin', secret));
      const escalate = await limited.POST('/v1/apiclients', {
        body: { ID: 'escalated', AppName: 'E', Roles: ['FullAccess'] },
      });
      expect(escalate.response.status).toBe(403);
      expect(escalate.error?.Errors[0]).toMatchObject({ ErrorCode: 'InsufficientRoles' });
      expect(
        (await api.GET('/v1/apiclients/{apiClientID}', { params: { path: { apiClientID: 'escalated' } } })).response
          .status,
      ).toBe(404);
      const allowed = await limited.POST('/v1/apiclients', {
        body: { ID: 'harmless', AppName: 'H', Roles: ['ApiClientAdmin'] },
      });
      expect(allowed.response.status).toBe(201);
    });

    test('lists clients in ID order without secrets', async () => {
      const list = await api.GET('/v1/apiclients', { params: { query: { pageSize: 100 } } });
      expect(list.response.status).toBe(200);
      const ids = list.data?.Items.map((c) => c.ID) ?? [];
      expect(ids).toContain('test-admin');
      expect(ids).toEqual([...ids].sort());
      expect(JSON.stringify(list.data)).not.toContain('Secret');
    });
  });
}
