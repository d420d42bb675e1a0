import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, type TestApp } from '@usher/server/testing';
import {
  jwtPayload,
  signInSetup,
  startAuthTestApp,
  type TestClient,
  type TestUser,
} from '@usher/server/testing/auth-fixtures';
import { DIALECTS } from '@usher/server/testing/dialects';
import { Auth, Configuration, Me, type OrderCloudError, Tokens, Users } from 'ordercloud-javascript-sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The official ordercloud-javascript-sdk, unchanged, pointed at Usher.

for (const dialect of DIALECTS) {
  describe(`${dialect}: ordercloud-javascript-sdk auth`, () => {
    let t: TestApp;
    let client: TestClient;
    let user: TestUser;
    beforeAll(async () => {
      t = await startAuthTestApp(dialect);
      Configuration.Set({ baseApiUrl: t.url, timeoutInMilliseconds: 20_000 });
      const setup = await signInSetup(t, { client: { RefreshTokenDuration: 60 } });
      client = setup.client;
      user = setup.user;
    });
    afterAll(() => t.close());

    test('Auth.Login signs a buyer user in and Me.Get reads it back', async () => {
      const auth = await Auth.Login(user.username, user.password, client.id, ['Shopper', 'MeAdmin']);
      expect(auth.token_type.toLowerCase()).toBe('bearer');
      expect(auth.expires_in).toBe(3600);
      expect(auth.refresh_token).toBeTruthy();
      const claims = jwtPayload(auth.access_token);
      expect(claims['cid']).toBe(client.id);
      expect(claims['usr']).toBe(user.username);
      Tokens.SetAccessToken(auth.access_token);
      const me = await Me.Get();
      expect(me.ID).toBe(user.id);
      Tokens.RemoveAccessToken();
    });

    test('Auth.Login with a wrong password surfaces Auth.InvalidUsernameOrPassword', async () => {
      const error = await Auth.Login(user.username, 'Wrong-Password-1', client.id, ['Shopper']).catch(
        (e: unknown) => e,
      );
      // The SDK's own marker (its CJS and ESM builds each have an OrderCloudError class).
      expect((error as OrderCloudError).isOrderCloudError).toBe(true);
      expect((error as OrderCloudError).errorCode).toBe('Auth.InvalidUsernameOrPassword');
      expect((error as OrderCloudError).status).toBe(400);
    });

    test('Auth.ClientCredentials obtains a client token', async () => {
      const auth = await Auth.ClientCredentials(ADMIN_CLIENT_SECRET, ADMIN_CLIENT_ID, ['FullAccess']);
      expect(auth.access_token.split('.')).toHaveLength(3);
      expect(jwtPayload(auth.access_token)['cid']).toBe(ADMIN_CLIENT_ID);
      expect(auth.refresh_token).toBeFalsy();
    });

    test('Auth.RefreshToken rotates the refresh token; the old one then fails', async () => {
      const login = await Auth.Login(user.username, user.password, client.id, ['Shopper']);
      const refreshed = await Auth.RefreshToken(login.refresh_token, client.id);
      expect(refreshed.access_token).not.toBe(login.access_token);
      expect(refreshed.refresh_token).toBeTruthy();
      expect(refreshed.refresh_token).not.toBe(login.refresh_token);
      const reused = await Auth.RefreshToken(login.refresh_token, client.id).catch((e: unknown) => e);
      expect((reused as OrderCloudError).errorCode).toBe('invalid_grant');
    });

    test('Users.GetAccessToken impersonates a user', async () => {
      const admin = await Auth.ClientCredentials(ADMIN_CLIENT_SECRET, ADMIN_CLIENT_ID, ['FullAccess']);
      const impersonation = await Users.GetAccessToken(
        user.buyerId,
        user.id,
        { ClientID: client.id, Roles: ['Shopper'] },
        { accessToken: admin.access_token },
      );
      expect(impersonation.token_type).toBe('bearer');
      const claims = jwtPayload(impersonation.access_token);
      expect(claims['usr']).toBe(user.username);
      expect(claims['imp']).toBe(`client:${ADMIN_CLIENT_ID}`);
      const me = await Me.Get({ accessToken: impersonation.access_token });
      expect(me.ID).toBe(user.id);
    });
  });
}
