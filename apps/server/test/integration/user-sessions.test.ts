import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  createBuyer,
  meStatus,
  passwordGrant,
  refreshGrant,
  signInSetup,
  startAuthTestApp,
  type TestClient,
  type TestUser,
} from '../support/auth-fixtures.js';
import { DIALECTS } from '../support/dialects.js';
import type { TestApp } from '../support/test-app.js';

// Changes to a user made through the Users API end the sessions they invalidate, at once, through the same
// tokens_valid_after check the authorization server applies to every access and refresh token.

for (const dialect of DIALECTS) {
  describe(`${dialect}: user changes end sessions`, () => {
    let t: TestApp;
    let admin: ReturnType<TestApp['as']>;
    beforeAll(async () => {
      t = await startAuthTestApp(dialect);
      admin = t.as(await t.adminToken());
    });
    afterAll(() => t.close());

    async function signedIn(): Promise<{ client: TestClient; user: TestUser; access: string; refresh: string }> {
      const { client, user } = await signInSetup(t, { client: { ClientSecret: 'sessions-secret-0123456789' } });
      const answer = await passwordGrant(t, client, user);
      expect(answer.status).toBe(200);
      return {
        client,
        user,
        access: String(answer.json['access_token']),
        refresh: String(answer.json['refresh_token']),
      };
    }

    test('a new password revokes the access and refresh tokens issued with the old one', async () => {
      const { client, user, access, refresh } = await signedIn();
      expect(await meStatus(t, access)).toBe(200);
      const changed = await admin.PATCH('/v1/buyers/{buyerID}/users/{userID}', {
        params: { path: { buyerID: user.buyerId, userID: user.id } },
        body: { Password: 'Another-Horse-2' },
      });
      expect(changed.response.status).toBe(200);
      expect(await meStatus(t, access)).toBe(401);
      expect((await refreshGrant(t, client, refresh)).status).toBe(400);
      expect((await passwordGrant(t, client, user)).status).toBe(400);
      const fresh = await passwordGrant(t, client, { username: user.username, password: 'Another-Horse-2' });
      expect(fresh.status).toBe(200);
      expect(await meStatus(t, fresh.json['access_token'])).toBe(200);
    });

    test('a PATCH without a password keeps the sessions', async () => {
      const { user, access } = await signedIn();
      await admin.PATCH('/v1/buyers/{buyerID}/users/{userID}', {
        params: { path: { buyerID: user.buyerId, userID: user.id } },
        body: { FirstName: 'Renamed' },
      });
      expect(await meStatus(t, access)).toBe(200);
    });

    test('moving the user to another buyer revokes its tokens', async () => {
      const { client, user, access, refresh } = await signedIn();
      const target = await createBuyer(t);
      const moved = await admin.POST('/v1/buyers/{buyerID}/users/{userID}/moveto/{newBuyerID}', {
        params: { path: { buyerID: user.buyerId, userID: user.id, newBuyerID: target }, query: { orders: 'None' } },
      });
      expect(moved.response.status).toBe(201);
      expect(await meStatus(t, access)).toBe(401);
      expect((await refreshGrant(t, client, refresh)).status).toBe(400);
    });

    test('deleting the user revokes its tokens', async () => {
      const { client, user, access, refresh } = await signedIn();
      await admin.DELETE('/v1/buyers/{buyerID}/users/{userID}', {
        params: { path: { buyerID: user.buyerId, userID: user.id } },
      });
      expect(await meStatus(t, access)).toBe(401);
      expect((await refreshGrant(t, client, refresh)).status).toBe(400);
    });
  });
}
