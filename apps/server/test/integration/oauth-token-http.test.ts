import { sql } from 'kysely';
import * as oauth from 'oauth4webapi';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashClientSecret } from '../../src/auth/client-secrets.js';
import {
  basic,
  createClient,
  introspect,
  jwtPayload,
  PASSWORD,
  passwordGrant,
  postForm,
  signInSetup,
  startAuthTestApp,
  type TestClient,
  type TestUser,
} from '../support/auth-fixtures.js';
import { DIALECTS } from '../support/dialects.js';
import { ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET, type TestApp } from '../support/test-app.js';

const SECRET = 'confidential-secret-0123456789';

for (const dialect of DIALECTS) {
  describe(`${dialect}: token endpoint HTTP shape and client authentication (6.1, 6.2, 6.5)`, () => {
    let t: TestApp;
    let confidential: TestClient;
    let publicClient: TestClient;
    let user: TestUser;
    beforeAll(async () => {
      t = await startAuthTestApp(dialect);
      const setup = await signInSetup(t, { client: { ClientSecret: SECRET, Roles: ['BuyerReader', 'CustomThing'] } });
      confidential = setup.client;
      user = setup.user;
      publicClient = await createClient(t, { ClientSecret: null });
    });
    afterAll(() => t.close());

    const clientCredentials = (extra: Record<string, string> = {}) =>
      postForm(t, { grant_type: 'client_credentials', client_id: confidential.id, client_secret: SECRET, ...extra });

    test('T1: success and error responses carry Cache-Control: no-store and Pragma: no-cache', async () => {
      const ok = await clientCredentials();
      const bad = await postForm(t, {
        grant_type: 'client_credentials',
        client_id: confidential.id,
        client_secret: 'x',
      });
      const introspection = await introspect(t, confidential, ok.json['access_token']);
      for (const answer of [ok, bad, introspection]) {
        expect(answer.headers.get('cache-control')).toBe('no-store');
        expect(answer.headers.get('pragma')).toBe('no-cache');
      }
      expect([ok.status, bad.status, introspection.status]).toEqual([200, 401, 200]);
    });

    test('T2: GET /oauth/token is 405 and issues nothing', async () => {
      const response = await fetch(
        `${t.url}/oauth/token?grant_type=client_credentials&client_id=${confidential.id}&client_secret=${SECRET}`,
      );
      const json = (await response.json()) as Record<string, unknown>;
      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
      expect(json['error']).toBe('invalid_request');
      expect(json['access_token']).toBeUndefined();
    });

    test('T3: JSON, multipart and missing content types are 400 invalid_request, not 500', async () => {
      const json = await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ grant_type: 'client_credentials', client_id: confidential.id, client_secret: SECRET }),
      });
      const form = new FormData();
      form.set('grant_type', 'client_credentials');
      const multipart = await fetch(`${t.url}/oauth/token`, { method: 'POST', body: form });
      const none = await fetch(`${t.url}/oauth/token`, { method: 'POST' });
      for (const response of [json, multipart, none]) {
        expect(response.status).toBe(400);
        expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
      }
    });

    test('T4: duplicate parameters are invalid_request', async () => {
      const response = await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&grant_type=password&client_id=${confidential.id}&client_secret=${SECRET}`,
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: string }).error).toBe('invalid_request');
      const twoCodes = await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `grant_type=authorization_code&code=a&code=b&client_id=${confidential.id}&client_secret=${SECRET}`,
      });
      expect(((await twoCodes.json()) as { error: string }).error).toBe('invalid_request');
    });

    test('T5: an empty parameter is the same as an absent one (scope= grants every role)', async () => {
      const empty = await clientCredentials({ scope: '' });
      const absent = await clientCredentials();
      expect(empty.status).toBe(200);
      expect(empty.json['scope']).toBe('BuyerReader CustomThing');
      expect(empty.json['scope']).toBe(absent.json['scope']);
    });

    test('T6: unknown parameters are ignored', async () => {
      const answer = await clientCredentials({ foo: 'bar', resource_hint: 'x' });
      expect(answer.status).toBe(200);
    });

    test('T7: credentials in the query string are refused, never used', async () => {
      const response = await fetch(`${t.url}/oauth/token?client_secret=${SECRET}`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: confidential.id }),
      });
      const json = (await response.json()) as Record<string, unknown>;
      expect(response.status).toBe(400);
      expect(json['error']).toBe('invalid_request');
      expect(json['access_token']).toBeUndefined();
    });

    test('T8: success is 200 JSON with token_type bearer, numeric expires_in and space-delimited scope', async () => {
      const answer = await clientCredentials({ scope: 'BuyerReader CustomThing' });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
      expect(answer.json['token_type']).toBe('bearer');
      expect(answer.json['expires_in']).toBe(3600);
      expect(answer.json['scope']).toBe('BuyerReader CustomThing');
      expect(String(answer.json['access_token']).split('.')).toHaveLength(3);
    });

    test('T9: errors carry a registered error that oauth4webapi surfaces as ResponseBodyError', async () => {
      const as: oauth.AuthorizationServer = { issuer: t.config.issuer, token_endpoint: `${t.url}/oauth/token` };
      const client: oauth.Client = { client_id: confidential.id };
      const response = await oauth.refreshTokenGrantRequest(
        as,
        client,
        oauth.ClientSecretPost(SECRET),
        'not-a-refresh-token',
        { [oauth.allowInsecureRequests]: true },
      );
      const error = await oauth.processRefreshTokenResponse(as, client, response).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(oauth.ResponseBodyError);
      expect((error as oauth.ResponseBodyError).error).toBe('invalid_grant');
      expect((error as oauth.ResponseBodyError).status).toBe(400);
      const body = (error as oauth.ResponseBodyError).cause as Record<string, unknown>;
      expect(body['errors']).toEqual([{ httpcode: 400, message: expect.stringMatching(/^invalid_grant: /) }]);
      expect(body['meta']).toEqual({ pagination: { limit: 0, offset: 0, total_count: 1 } });
      expect(String(body['error_description'])).toMatch(/^[\x20-\x21\x23-\x5B\x5D-\x7E]+$/);
    });

    test('T10: a body over 16 KiB is refused with 413 and the server keeps serving', async () => {
      const answer = await postForm(t, { grant_type: 'client_credentials', padding: 'x'.repeat(20_000) });
      expect(answer.status).toBe(413);
      expect(answer.json['error']).toBe('invalid_request');
      expect((await clientCredentials()).status).toBe(200);
    });

    test('T12: no CORS on the token or authorization endpoints', async () => {
      const headers = { Origin: 'https://evil.example' };
      const token = await fetch(`${t.url}/oauth/token`, {
        method: 'POST',
        headers,
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: confidential.id,
          client_secret: SECRET,
        }),
      });
      const page = await fetch(`${t.url}/oauth/authorize?client_id=${confidential.id}`, { headers });
      const preflight = await fetch(`${t.url}/oauth/token`, { method: 'OPTIONS', headers });
      for (const response of [token, page, preflight]) {
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
        await response.arrayBuffer();
      }
    });

    test('C1: client_secret_basic form-url-decodes both halves after base64; malformed is 400, never 500', async () => {
      const special = "p%+:/= &~*'()!é-0123456789";
      const client = await createClient(t, { ClientSecret: special, Roles: ['BuyerReader'] });
      const ok = await postForm(
        t,
        { grant_type: 'client_credentials' },
        { headers: { Authorization: basic(client.id, special) } },
      );
      expect(ok.status).toBe(200);
      // The same with oauth4webapi's own encoder.
      const as: oauth.AuthorizationServer = { issuer: t.config.issuer, token_endpoint: `${t.url}/oauth/token` };
      const response = await oauth.clientCredentialsGrantRequest(
        as,
        { client_id: client.id },
        oauth.ClientSecretBasic(special),
        new URLSearchParams(),
        { [oauth.allowInsecureRequests]: true },
      );
      const processed = await oauth.processClientCredentialsResponse(as, { client_id: client.id }, response);
      expect(processed.access_token).toBeTruthy();
      const notBase64 = await postForm(
        t,
        { grant_type: 'client_credentials' },
        { headers: { Authorization: 'Basic %%%' } },
      );
      const badEscape = await postForm(
        t,
        { grant_type: 'client_credentials' },
        { headers: { Authorization: `Basic ${Buffer.from(`${client.id}:%zz`).toString('base64')}` } },
      );
      for (const bad of [notBase64, badEscape]) {
        expect(bad.status).toBe(400);
        expect(bad.json['error']).toBe('invalid_request');
      }
    });

    test('C2: client_secret_post is accepted', async () => {
      expect((await clientCredentials()).status).toBe(200);
    });

    test('C3: HTTP Basic and a body secret together are invalid_request', async () => {
      const answer = await postForm(
        t,
        { grant_type: 'client_credentials', client_secret: SECRET },
        { headers: { Authorization: basic(confidential.id, SECRET) } },
      );
      expect(answer.status).toBe(400);
      expect(answer.json['error']).toBe('invalid_request');
    });

    test('C4: a body client_id different from the Basic user name is invalid_request', async () => {
      const answer = await postForm(
        t,
        { grant_type: 'client_credentials', client_id: 'someone-else' },
        { headers: { Authorization: basic(confidential.id, SECRET) } },
      );
      expect(answer.status).toBe(400);
      expect(answer.json['error']).toBe('invalid_request');
    });

    test('C5: wrong secret, unknown and disabled clients are the same 401 invalid_client', async () => {
      const disabled = await createClient(t, { ClientSecret: SECRET, Active: false });
      const attempt = (clientId: string, secret: string) =>
        postForm(t, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });
      const answers = [
        await attempt(confidential.id, 'wrong-secret-0123456789'),
        await attempt('no-such-client', SECRET),
        await attempt(disabled.id, SECRET),
      ];
      for (const answer of answers) {
        expect(answer.status).toBe(401);
        expect(answer.json).toEqual(answers[0]?.json);
        expect(answer.headers.get('www-authenticate')).toBeNull();
      }
      expect(answers[0]?.json['error']).toBe('invalid_client');
      const viaBasic = await postForm(
        t,
        { grant_type: 'client_credentials' },
        { headers: { Authorization: basic(confidential.id, 'wrong-secret') } },
      );
      expect(viaBasic.status).toBe(401);
      expect(viaBasic.headers.get('www-authenticate')).toBe('Basic realm="usher"');
    });

    test('C7: client secrets are stored as a keyed hash, never as given', async () => {
      const row = await t.running.context.db
        .selectFrom('api_clients')
        .select('secret_hash')
        .where('id', '=', confidential.id)
        .executeTakeFirstOrThrow();
      expect(row.secret_hash).not.toContain(SECRET);
      expect(row.secret_hash).toBe(hashClientSecret(t.running.context.secretPepper, SECRET));
      expect(Buffer.from(row.secret_hash ?? '', 'base64url')).toHaveLength(32);
    });

    test('C8: a public client sending a secret, or a confidential one sending none, is invalid_client', async () => {
      const publicWithSecret = await passwordGrant(
        t,
        { id: publicClient.id, secret: 'made-up-secret-0123456789' },
        user,
      );
      const confidentialWithout = await passwordGrant(t, { id: confidential.id, secret: undefined }, user);
      for (const answer of [publicWithSecret, confidentialWithout]) {
        expect(answer.status).toBe(401);
        expect(answer.json['error']).toBe('invalid_client');
      }
      expect((await passwordGrant(t, publicClient, user)).status).toBe(200);
    });

    test('C9: a grant the client may not use is unauthorized_client', async () => {
      const answer = await postForm(t, { grant_type: 'client_credentials', client_id: publicClient.id });
      expect(answer.status).toBe(400);
      expect(answer.json['error']).toBe('unauthorized_client');
    });

    test('G1: client_credentials gives no refresh or ID token, only roles the client has, all by default', async () => {
      const all = await clientCredentials({ scope: 'openid' });
      expect(all.json['refresh_token']).toBeUndefined();
      expect(all.json['id_token']).toBeUndefined();
      const narrowed = await clientCredentials({ scope: 'BuyerReader FullAccess NotARole' });
      expect(narrowed.json['scope']).toBe('BuyerReader');
      expect(jwtPayload(narrowed.json['access_token'])['role']).toBe('BuyerReader');
      const everything = await clientCredentials();
      expect(everything.json['scope']).toBe('BuyerReader CustomThing');
    });

    test('G2: password grant: unknown user and bad password fail identically; it is advertised', async () => {
      const unknown = await passwordGrant(t, confidential, { username: 'nobody-here', password: PASSWORD });
      const wrong = await passwordGrant(t, confidential, { username: user.username, password: 'Wrong-Password-1' });
      expect(unknown.status).toBe(400);
      expect(unknown.json).toEqual(wrong.json);
      expect(unknown.json['error']).toBe('invalid_grant');
      expect(unknown.json['Errors']).toEqual([
        { ErrorCode: 'Auth.InvalidUsernameOrPassword', Message: 'Invalid username or password.', Data: null },
      ]);
      const ok = await passwordGrant(t, confidential, user);
      expect(ok.status).toBe(200);
      const metadata = (await (await fetch(`${t.url}/.well-known/openid-configuration`)).json()) as {
        grant_types_supported: string[];
      };
      expect(metadata.grant_types_supported).toContain('password');
    });

    test('G3: unsupported and implicit grant types are unsupported_grant_type', async () => {
      for (const grantType of ['implicit', 'urn:ietf:params:oauth:grant-type:device_code', 'token']) {
        const answer = await postForm(t, { grant_type: grantType, client_id: confidential.id, client_secret: SECRET });
        expect(answer.status).toBe(400);
        expect(answer.json['error']).toBe('unsupported_grant_type');
      }
    });

    test('the admin client still gets FullAccess through client_credentials', async () => {
      const answer = await postForm(t, {
        grant_type: 'client_credentials',
        client_id: ADMIN_CLIENT_ID,
        client_secret: ADMIN_CLIENT_SECRET,
      });
      expect(answer.json['scope']).toBe('FullAccess');
    });
  });

  describe(`${dialect}: unexpected failures (T11)`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startAuthTestApp(dialect);
    });
    afterAll(() => t.close());

    test('T11: an unexpected exception is 500 server_error without internals', async () => {
      const { client, user } = await signInSetup(t);
      await sql`alter table oauth_grants rename to oauth_grants_gone`.execute(t.running.context.db);
      const answer = await passwordGrant(t, client, user);
      expect(answer.status).toBe(500);
      expect(answer.json['error']).toBe('server_error');
      expect(JSON.stringify(answer.json)).not.toMatch(/oauth_grants|SQL|at .*\.ts|stack/i);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: client secret rotation (C10)`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startAuthTestApp(dialect, { CLIENT_SECRET_OVERLAP_SECONDS: '60' });
    });
    afterAll(() => t.close());

    const grant = (clientId: string, secret: string) =>
      postForm(t, { grant_type: 'client_credentials', client_id: clientId, client_secret: secret });

    test('C10: after a rotation both secrets work during the overlap; the old one fails once it expires', async () => {
      const client = await createClient(t, { ClientSecret: 'first-secret-0123456789', Roles: ['BuyerReader'] });
      const admin = t.as(await t.adminToken());
      const patched = await admin.PATCH('/v1/apiclients/{apiClientID}', {
        params: { path: { apiClientID: client.id } },
        body: { ClientSecret: 'second-secret-0123456789' },
      });
      expect(patched.response.status).toBe(200);
      expect((await grant(client.id, 'second-secret-0123456789')).status).toBe(200);
      expect((await grant(client.id, 'first-secret-0123456789')).status).toBe(200);
      expect((await grant(client.id, 'never-a-secret-0123456789')).status).toBe(401);
      await t.running.context.db
        .updateTable('api_client_previous_secrets')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('client_id', '=', client.id)
        .execute();
      const expired = await grant(client.id, 'first-secret-0123456789');
      expect(expired.status).toBe(401);
      expect(expired.json['error']).toBe('invalid_client');
      expect((await grant(client.id, 'second-secret-0123456789')).status).toBe(200);
    });

    test('C10: without an overlap (the default) a replaced secret stops at once; removing a secret keeps none', async () => {
      const strict = await startAuthTestApp(dialect);
      try {
        const client = await createClient(strict, { ClientSecret: 'first-secret-0123456789', Roles: ['BuyerReader'] });
        const admin = strict.as(await strict.adminToken());
        await admin.PATCH('/v1/apiclients/{apiClientID}', {
          params: { path: { apiClientID: client.id } },
          body: { ClientSecret: 'second-secret-0123456789' },
        });
        const old = await postForm(strict, {
          grant_type: 'client_credentials',
          client_id: client.id,
          client_secret: 'first-secret-0123456789',
        });
        expect(old.status).toBe(401);
      } finally {
        await strict.close();
      }
      const becomesPublic = await createClient(t, { ClientSecret: 'public-soon-0123456789' });
      await t.as(await t.adminToken()).PATCH('/v1/apiclients/{apiClientID}', {
        params: { path: { apiClientID: becomesPublic.id } },
        body: { ClientSecret: null },
      });
      expect((await grant(becomesPublic.id, 'public-soon-0123456789')).status).toBe(401);
    });
  });
}
