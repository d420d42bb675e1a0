import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { newOpaqueToken } from '../../src/oauth/opaque-tokens.js';
import type { Logger } from '../../src/shared/logger.js';
import { createLogger } from '../../src/shared/logger.js';
import {
  authorizationParams,
  codeGrant,
  createBuyer,
  createClient,
  createUser,
  jwtPayload,
  meStatus,
  obtainCode,
  PASSWORD,
  passwordGrant,
  postForm,
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

const SECRET = 'abuse-secret-0123456789';

for (const dialect of DIALECTS) {
  describe(`${dialect}: users, lockout, impersonation and revocation at the API`, () => {
    let t: TestApp;
    let client: TestClient;
    let user: TestUser;
    let admin: ReturnType<TestApp['as']>;
    beforeAll(async () => {
      t = await startAuthTestApp(dialect);
      const setup = await signInSetup(t, { client: { ClientSecret: SECRET } });
      client = setup.client;
      user = setup.user;
      admin = t.as(await t.adminToken());
    });
    afterAll(() => t.close());

    const wrong = (u: TestUser) => passwordGrant(t, client, { username: u.username, password: 'Wrong-Password-9' });

    test('ten failed sign-ins lock the user (Auth.LockedOut); unlock clears it', async () => {
      const victim = await createUser(t, user.buyerId);
      for (let i = 0; i < 10; i++) expect((await wrong(victim)).json['error']).toBe('invalid_grant');
      const locked = await passwordGrant(t, client, victim);
      expect(locked.status).toBe(400);
      expect(locked.json['error']).toBe('invalid_grant');
      expect((locked.json['Errors'] as Array<{ ErrorCode: string }>)[0]?.ErrorCode).toBe('Auth.LockedOut');
      const unlock = await admin.POST('/v1/buyers/{buyerID}/users/{userID}/unlock', {
        params: { path: { buyerID: victim.buyerId, userID: victim.id } },
      });
      expect(unlock.response.status).toBe(204);
      expect((await passwordGrant(t, client, victim)).status).toBe(200);
    });

    test('a lockout ends by itself when its time has passed, and a success resets the count', async () => {
      const victim = await createUser(t, user.buyerId);
      for (let i = 0; i < 10; i++) await wrong(victim);
      expect(
        ((await passwordGrant(t, client, victim)).json['Errors'] as Array<{ ErrorCode: string }>)[0]?.ErrorCode,
      ).toBe('Auth.LockedOut');
      await t.running.context.db
        .updateTable('users')
        .set({ locked_until: new Date(Date.now() - 1000).toISOString() })
        .where('uid', '=', victim.uid)
        .execute();
      expect((await passwordGrant(t, client, victim)).status).toBe(200);
      for (let i = 0; i < 9; i++) await wrong(victim);
      expect((await passwordGrant(t, client, victim)).status).toBe(200);
      const row = await t.running.context.db
        .selectFrom('users')
        .select('failed_login_attempts')
        .where('uid', '=', victim.uid)
        .executeTakeFirstOrThrow();
      expect(row.failed_login_attempts).toBe(0);
    });

    test('an inactive user gets Auth.UserNotActive, but only with the right password', async () => {
      const inactive = await createUser(t, user.buyerId, { active: false });
      const right = await passwordGrant(t, client, inactive);
      expect((right.json['Errors'] as Array<{ ErrorCode: string }>)[0]?.ErrorCode).toBe('Auth.UserNotActive');
      const bad = await wrong(inactive);
      expect((bad.json['Errors'] as Array<{ ErrorCode: string }>)[0]?.ErrorCode).toBe('Auth.InvalidUsernameOrPassword');
    });

    test("a client that does not serve every buyer cannot sign in that buyer's users", async () => {
      const restricted = await createClient(t, { AllowAnyBuyer: false });
      const answer = await passwordGrant(t, restricted, user);
      expect(answer.status).toBe(400);
      expect(answer.json['error']).toBe('invalid_grant');
    });

    test('GET /v1/me returns the signed-in user; roles and user-less tokens are checked', async () => {
      const answer = await passwordGrant(t, client, user);
      const me = await t.as(String(answer.json['access_token'])).GET('/v1/me');
      expect(me.response.status).toBe(200);
      expect(me.data).toMatchObject({ ID: user.id, Username: user.username, CompanyID: user.buyerId, Active: true });
      expect(me.data?.AvailableRoles).toEqual(['MeAdmin', 'Shopper']);
      const noMeRole = await createUser(t, user.buyerId, { roles: ['OrderReader'] });
      const limited = await passwordGrant(t, client, noMeRole);
      expect(await meStatus(t, limited.json['access_token'])).toBe(403);
      expect((await admin.GET('/v1/me')).response.status).toBe(404);
    });

    test('deactivating or deleting the user, or deactivating its buyer, refuses its tokens at once', async () => {
      const buyerId = await createBuyer(t);
      const a = await createUser(t, buyerId);
      const b = await createUser(t, buyerId);
      const tokenA = (await passwordGrant(t, client, a)).json['access_token'];
      const tokenB = (await passwordGrant(t, client, b)).json['access_token'];
      expect(await meStatus(t, tokenA)).toBe(200);
      await t.running.context.db.updateTable('users').set({ active: 0 }).where('uid', '=', a.uid).execute();
      expect(await meStatus(t, tokenA)).toBe(401);
      await t.running.context.db.deleteFrom('users').where('uid', '=', b.uid).execute();
      expect(await meStatus(t, tokenB)).toBe(401);
      const c = await createUser(t, buyerId);
      const tokenC = (await passwordGrant(t, client, c)).json['access_token'];
      await admin.PATCH('/v1/buyers/{buyerID}', { params: { path: { buyerID: buyerId } }, body: { Active: false } });
      expect(await meStatus(t, tokenC)).toBe(401);
    });

    test('DELETE …/tokens revokes every token of that user only', async () => {
      const other = await createUser(t, user.buyerId);
      const mine = await passwordGrant(t, client, user);
      const theirs = await passwordGrant(t, client, other);
      const revoked = await admin.DELETE('/v1/buyers/{buyerID}/users/{userID}/tokens', {
        params: { path: { buyerID: user.buyerId, userID: user.id } },
      });
      expect(revoked.response.status).toBe(204);
      expect(await meStatus(t, mine.json['access_token'])).toBe(401);
      expect(await meStatus(t, theirs.json['access_token'])).toBe(200);
      const missing = await admin.DELETE('/v1/buyers/{buyerID}/users/{userID}/tokens', {
        params: { path: { buyerID: user.buyerId, userID: 'nobody' } },
      });
      expect(missing.response.status).toBe(404);
    });

    test('impersonation: a token for the user with the requested roles it has, recording who impersonates', async () => {
      const impersonator = await createClient(t, {
        ClientSecret: 'impersonator-secret-0123',
        Roles: ['BuyerImpersonation'],
      });
      const callerToken = await t.token(impersonator.id, 'impersonator-secret-0123');
      const answer = await t.as(callerToken).POST('/v1/buyers/{buyerID}/users/{userID}/accesstoken', {
        params: { path: { buyerID: user.buyerId, userID: user.id } },
        body: { ClientID: client.id, Roles: ['Shopper', 'OrderAdmin'] },
      });
      expect(answer.response.status).toBe(200);
      expect(answer.data?.token_type).toBe('bearer');
      expect(answer.data?.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const claims = jwtPayload(answer.data?.access_token);
      expect(claims['role']).toBe('Shopper');
      expect(claims['imp']).toBe(`client:${impersonator.id}`);
      expect(claims['cid']).toBe(client.id);
      const me = await t.as(String(answer.data?.access_token)).GET('/v1/me');
      expect(me.data?.ID).toBe(user.id);
      // Without BuyerImpersonation: 403; an unknown client: 404.
      const shopper = await passwordGrant(t, client, user);
      const denied = await t
        .as(String(shopper.json['access_token']))
        .POST('/v1/buyers/{buyerID}/users/{userID}/accesstoken', {
          params: { path: { buyerID: user.buyerId, userID: user.id } },
          body: { ClientID: client.id, Roles: [] },
        });
      expect(denied.response.status).toBe(403);
      const unknownClient = await admin.POST('/v1/buyers/{buyerID}/users/{userID}/accesstoken', {
        params: { path: { buyerID: user.buyerId, userID: user.id } },
        body: { ClientID: 'no-such-client', Roles: ['Shopper'] },
      });
      expect(unknownClient.response.status).toBe(404);
      expect(unknownClient.error?.Errors[0]?.ErrorCode).toBe('Impersonation.ClientIDNotFound');
    });

    test('X3: logs carry audit events and never a secret, password, code or token', async () => {
      const lines: string[] = [];
      const logger: Logger = createLogger('debug', (line) => lines.push(line));
      const logged = await startAuthTestApp(dialect, {}, logger);
      try {
        const { client: c, user: u } = await signInSetup(logged, { client: { ClientSecret: SECRET } });
        const pw = await passwordGrant(logged, c, u);
        await passwordGrant(logged, c, { username: u.username, password: 'Wrong-Password-9' });
        await postForm(logged, {
          grant_type: 'client_credentials',
          client_id: c.id,
          client_secret: 'not-the-secret-123',
        });
        const refresh = String(pw.json['refresh_token']);
        const rotated = await refreshGrant(logged, c, refresh);
        await refreshGrant(logged, c, refresh);
        const { code, verifier } = await obtainCode(logged, c, u, { scope: 'openid' });
        const issued = await codeGrant(logged, c, code, verifier);
        await codeGrant(logged, c, code, verifier);
        const text = lines.join('\n');
        for (const event of [
          'grant.success',
          'grant.error',
          'refresh.reuse_detected',
          'code.reuse_detected',
          'client_auth.failed',
        ]) {
          expect(text).toContain(`"msg":"${event}"`);
        }
        for (const secret of [
          SECRET,
          PASSWORD,
          'Wrong-Password-9',
          'not-the-secret-123',
          refresh,
          code,
          verifier,
          String(pw.json['access_token']),
          String(rotated.json['refresh_token']),
          String(issued.json['id_token']),
        ]) {
          expect(text).not.toContain(secret);
        }
      } finally {
        await logged.close();
      }
    });

    test('X4: redirect URIs must be https except on loopback; HSTS when the issuer is https', async () => {
      const insecure = await createClient(t, {
        RedirectUris: ['http://app.example.com/cb', 'http://127.0.0.1:8123/cb'],
      });
      const params = (redirectUri: string) => authorizationParams(insecure.id, { redirect_uri: redirectUri });
      const refused = await startAuthorization(t, params('http://app.example.com/cb'));
      expect(refused.response.status).toBe(400);
      expect(refused.location).toBeNull();
      expect((await startAuthorization(t, params('http://127.0.0.1:8123/cb'))).response.status).toBe(200);
      const tls = await startAuthTestApp(dialect, { ISSUER: 'https://auth.example.com' });
      try {
        const response = await fetch(`${tls.url}/.well-known/openid-configuration`);
        expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      } finally {
        await tls.close();
      }
      const plain = await fetch(`${t.url}/healthz`);
      expect(plain.headers.get('strict-transport-security')).toBeNull();
    });

    test('X5: codes, refresh tokens and request ids are 256-bit base64url values', async () => {
      const values = new Set(Array.from({ length: 1000 }, () => newOpaqueToken()));
      expect(values.size).toBe(1000);
      for (const value of values) expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const page = await startAuthorization(t, authorizationParams(client.id));
      expect(page.requestId).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const signedIn = await submitSignIn(t, {
        request_id: page.requestId ?? '',
        username: user.username,
        password: user.password,
      });
      expect(new URL(signedIn.location ?? '').searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });
  });

  describe(`${dialect}: rate limits (X1, X2)`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startAuthTestApp(dialect, {
        RATE_LIMIT_FAILURES_PER_CLIENT: '5',
        RATE_LIMIT_FAILURES_PER_ADDRESS: '8',
        TRUST_PROXY_HOPS: '1',
      });
    });
    afterAll(() => t.close());

    const from = (ip: string, params: Record<string, string>) =>
      postForm(t, params, { headers: { 'X-Forwarded-For': ip } });

    test('X1: failed client authentication is limited per client_id: 429 with Retry-After; other clients are untouched', async () => {
      const target = await createClient(t, { ClientSecret: SECRET, Roles: ['BuyerReader'] });
      const bystander = await createClient(t, { ClientSecret: SECRET, Roles: ['BuyerReader'] });
      const attempt = (ip: string, c: TestClient, secret: string) =>
        from(ip, { grant_type: 'client_credentials', client_id: c.id, client_secret: secret });
      for (let i = 0; i < 5; i++) expect((await attempt(`10.1.0.${i}`, target, 'guess-0123456789')).status).toBe(401);
      const blocked = await attempt('10.1.1.1', target, SECRET);
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(blocked.json['error']).toBe('slow_down');
      expect(blocked.headers.get('cache-control')).toBe('no-store');
      for (let i = 0; i < 20; i++) expect((await attempt('10.1.1.1', bystander, SECRET)).status).toBe(200);
    });

    test('X1: failures are limited per source address too, and failed sign-ins count', async () => {
      const c = await createClient(t, { ClientSecret: SECRET, Roles: ['BuyerReader'] });
      for (let i = 0; i < 8; i++) {
        const answer = await from('10.2.0.1', {
          grant_type: 'client_credentials',
          client_id: `ghost-${i}`,
          client_secret: 'x',
        });
        expect(answer.status).toBe(401);
      }
      const blocked = await from('10.2.0.1', {
        grant_type: 'client_credentials',
        client_id: c.id,
        client_secret: SECRET,
      });
      expect(blocked.status).toBe(429);
      const elsewhere = await from('10.2.0.2', {
        grant_type: 'client_credentials',
        client_id: c.id,
        client_secret: SECRET,
      });
      expect(elsewhere.status).toBe(200);

      const { client: signInClient, user } = await signInSetup(t);
      const signIn = (ip: string, password: string) =>
        from(ip, { grant_type: 'password', client_id: signInClient.id, username: user.username, password });
      for (let i = 0; i < 5; i++) expect((await signIn(`10.3.0.${i}`, 'Wrong-Password-9')).status).toBe(400);
      const throttled = await signIn('10.3.1.1', PASSWORD);
      expect(throttled.status).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    });

    test('X2: only the trusted hop of X-Forwarded-For counts; a forged left part cannot dodge the limit', async () => {
      const c = await createClient(t, { ClientSecret: SECRET, Roles: ['BuyerReader'] });
      for (let i = 0; i < 8; i++) {
        await from(`1.2.3.${i}, 10.4.0.1`, {
          grant_type: 'client_credentials',
          client_id: `nobody-${i}`,
          client_secret: 'x',
        });
      }
      const blocked = await from('9.9.9.9, 10.4.0.1', {
        grant_type: 'client_credentials',
        client_id: c.id,
        client_secret: SECRET,
      });
      expect(blocked.status).toBe(429);
    });

    test('X2: without trusted proxies, X-Forwarded-For is ignored entirely', async () => {
      const direct = await startAuthTestApp(dialect, {
        RATE_LIMIT_FAILURES_PER_CLIENT: '100',
        RATE_LIMIT_FAILURES_PER_ADDRESS: '3',
      });
      try {
        for (let i = 0; i < 3; i++) {
          await postForm(
            direct,
            { grant_type: 'client_credentials', client_id: `nobody-${i}`, client_secret: 'x' },
            { headers: { 'X-Forwarded-For': `5.5.5.${i}` } },
          );
        }
        const blocked = await postForm(
          direct,
          { grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' },
          { headers: { 'X-Forwarded-For': '6.6.6.6' } },
        );
        expect(blocked.status).toBe(429);
      } finally {
        await direct.close();
      }
    });

    test('X1: the sign-in page answers 429 with Retry-After once the client is throttled', async () => {
      const { client: c, user } = await signInSetup(t);
      const page = await startAuthorization(t, authorizationParams(c.id));
      let last: Response | undefined;
      for (let i = 0; i < 6; i++) {
        last = await fetch(`${t.url}/oauth/authorize`, {
          method: 'POST',
          headers: { 'X-Forwarded-For': `10.5.0.${i}` },
          body: new URLSearchParams({
            request_id: page.requestId ?? '',
            username: user.username,
            password: 'Wrong-Password-9',
          }),
          redirect: 'manual',
        });
      }
      expect(last?.status).toBe(429);
      expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await last?.text()).toContain('role="alert"');
    });
  });
}
