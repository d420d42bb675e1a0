import { createHmac, createPublicKey, type JsonWebKey, verify } from 'node:crypto';
import http from 'node:http';
import * as oauth from 'oauth4webapi';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { apiAudience } from '../../src/auth/access-tokens.js';
import { accessTokenHash } from '../../src/auth/id-tokens.js';
import { signJwt } from '../../src/auth/jwt.js';
import { MAX_TOKEN_LIFETIME_SECONDS } from '../../src/cli-commands.js';
import { loadConfig } from '../../src/config.js';
import { startServer } from '../../src/server.js';
import { nowSeconds } from '../../src/shared/time.js';
import {
  authorizationParams,
  basic,
  codeGrant,
  createClient,
  introspect,
  jwtHeader,
  jwtPayload,
  meStatus,
  obtainCode,
  passwordGrant,
  pkce,
  postForm,
  REDIRECT_URI,
  refreshGrant,
  revoke,
  signInSetup,
  startAuthorization,
  type TestClient,
  type TestUser,
} from '../support/auth-fixtures.js';
import { usher } from '../support/cli.js';
import { DIALECTS } from '../support/dialects.js';
import { startAppAtIssuer } from '../support/own-url-app.js';
import {
  ADMIN_CLIENT_ID,
  ADMIN_CLIENT_SECRET,
  createTestDatabase,
  startTestAppOn,
  type TestApp,
} from '../support/test-app.js';

const SECRET = 'metadata-secret-0123456789';

for (const dialect of DIALECTS) {
  describe(`${dialect}: ID tokens, keys, metadata, revocation, introspection, resource server (6.6-6.8)`, () => {
    let t: TestApp;
    let confidential: TestClient;
    let publicClient: TestClient;
    let user: TestUser;
    let as: oauth.AuthorizationServer;
    beforeAll(async () => {
      t = await startAppAtIssuer(dialect);
      const setup = await signInSetup(t, { client: { ClientSecret: SECRET } });
      confidential = setup.client;
      user = setup.user;
      publicClient = await createClient(t, { ClientSecret: null });
      as = await oauth.processDiscoveryResponse(
        new URL(t.config.issuer),
        await oauth.discoveryRequest(new URL(t.config.issuer), { [oauth.allowInsecureRequests]: true }),
      );
    });
    afterAll(() => t.close());

    const codeFlow = async (c: TestClient, options: { scope?: string; nonce?: string } = {}) => {
      const { code, verifier } = await obtainCode(t, c, user, { scope: 'openid Shopper', ...options });
      return codeGrant(t, c, code, verifier);
    };

    test('I1: the ID token passes oauth4webapi with the expected nonce and names the client', async () => {
      const { challenge, verifier } = pkce();
      const page = await startAuthorization(
        t,
        authorizationParams(confidential.id, {
          scope: 'openid Shopper',
          state: 'st-1',
          nonce: 'nonce-1',
          code_challenge: challenge,
        }),
      );
      const signedIn = await fetch(`${t.url}/oauth/authorize`, {
        method: 'POST',
        body: new URLSearchParams({
          request_id: page.requestId ?? '',
          username: user.username,
          password: user.password,
        }),
        redirect: 'manual',
      });
      const oauthClient: oauth.Client = { client_id: confidential.id };
      const params = oauth.validateAuthResponse(
        as,
        oauthClient,
        new URL(signedIn.headers.get('location') ?? ''),
        'st-1',
      );
      const response = await oauth.authorizationCodeGrantRequest(
        as,
        oauthClient,
        oauth.ClientSecretPost(SECRET),
        params,
        REDIRECT_URI,
        verifier,
        { [oauth.allowInsecureRequests]: true },
      );
      const result = await oauth.processAuthorizationCodeResponse(as, oauthClient, response, {
        expectedNonce: 'nonce-1',
        requireIdToken: true,
      });
      const claims = oauth.getValidatedIdTokenClaims(result);
      expect(claims?.aud).toBe(confidential.id);
      expect(claims?.sub).toBe(user.uid);
      expect(claims?.iss).toBe(t.config.issuer);
      expect(typeof claims?.auth_time).toBe('number');
      expect(typeof claims?.exp).toBe('number');
      // No nonce sent: no nonce claim; and no openid: no ID token at all.
      expect(jwtPayload((await codeFlow(confidential)).json['id_token'])['nonce']).toBeUndefined();
      expect((await codeFlow(confidential, { scope: 'Shopper' })).json['id_token']).toBeUndefined();
      expect(
        (await passwordGrant(t, confidential, user, { scope: 'openid Shopper' })).json['id_token'],
      ).toBeUndefined();
    });

    test('I2: access tokens are ES256 and ID tokens RS256, each under a published key of its kind; alg none is never accepted', async () => {
      const answer = await codeFlow(confidential);
      const jwks = await fetchJwks(t);
      for (const [token, alg, kty] of [
        [answer.json['id_token'], 'RS256', 'RSA'],
        [answer.json['access_token'], 'ES256', 'EC'],
      ] as const) {
        const header = jwtHeader(token);
        expect(header['alg']).toBe(alg);
        expect(jwks.keys.find((k) => k['kid'] === header['kid'])).toMatchObject({ alg, kty, use: 'sig' });
      }
      expect(as.id_token_signing_alg_values_supported).toEqual(['RS256']);
      const [, payload] = String(answer.json['access_token']).split('.');
      const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'at+jwt', kid: jwtHeader(answer.json['access_token'])['kid'] })).toString('base64url')}.${payload}.`;
      expect(await meStatus(t, unsigned)).toBe(401);
    });

    test('I2: the JWKS holds only public members, and each published key verifies the tokens of its kid', async () => {
      const answer = await codeFlow(confidential);
      const jwks = await fetchJwks(t);
      expect(new Set(jwks.keys.map((k) => k['alg']))).toEqual(new Set(['RS256', 'ES256']));
      for (const key of jwks.keys) {
        expect(Object.keys(key).sort()).toEqual(
          key['kty'] === 'EC' ? ['alg', 'crv', 'kid', 'kty', 'use', 'x', 'y'] : ['alg', 'e', 'kid', 'kty', 'n', 'use'],
        );
        expect(key['kty'] === 'EC' ? ['ES256', 'P-256'] : ['RS256', undefined]).toEqual([key['alg'], key['crv']]);
      }
      // Verified with node:crypto from the published JWK alone, independent of the server's own code.
      for (const token of [String(answer.json['access_token']), String(answer.json['id_token'])]) {
        const [h, p, signature] = token.split('.') as [string, string, string];
        const jwk = jwks.keys.find((k) => k['kid'] === jwtHeader(token)['kid']);
        const publicKey = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
        const keyInput = jwk?.['kty'] === 'EC' ? { key: publicKey, dsaEncoding: 'ieee-p1363' as const } : publicKey;
        expect(verify('sha256', Buffer.from(`${h}.${p}`), keyInput, Buffer.from(signature, 'base64url'))).toBe(true);
      }
    });

    test('S4: no algorithm confusion: a token is verified only by the algorithm of the key its kid names', async () => {
      const genuine = String((await passwordGrant(t, confidential, user)).json['access_token']);
      expect(await meStatus(t, genuine)).toBe(200);
      const payload = jwtPayload(genuine);
      const keys = t.running.context.keys;
      const ecKey = await keys.signingKey('ES256');
      const rsaKey = await keys.signingKey('RS256');
      const jwks = await fetchJwks(t);
      const ecJwk = jwks.keys.find((k) => k['kid'] === ecKey.kid);
      const hs256 = (kid: string, secret: string | Buffer) => {
        const input = `${segment({ alg: 'HS256', typ: 'at+jwt', kid })}.${segment(payload)}`;
        return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
      };
      const ecPublicPem = createPublicKey(ecKey.privateKey).export({ format: 'pem', type: 'spki' });
      const forgeries = {
        'HS256 keyed with the EC public key (PEM)': hs256(ecKey.kid, ecPublicPem),
        'HS256 keyed with the published JWK': hs256(ecKey.kid, JSON.stringify(ecJwk)),
        // Signed by our own RSA key, so the signature is genuine, but the kid names the EC key.
        'RS256 under the kid of the EC key': signJwt(
          { alg: 'RS256', typ: 'at+jwt', kid: ecKey.kid },
          payload,
          rsaKey.privateKey,
        ),
        'ES256 under the kid of the RSA key': signJwt(
          { alg: 'ES256', typ: 'at+jwt', kid: rsaKey.kid },
          payload,
          ecKey.privateKey,
        ),
        'ES256 without a kid': signJwt({ alg: 'ES256', typ: 'at+jwt' }, payload, ecKey.privateKey),
        'none under the kid of the EC key': `${segment({ alg: 'none', typ: 'at+jwt', kid: ecKey.kid })}.${segment(payload)}.`,
      };
      for (const [name, token] of Object.entries(forgeries)) expect(await meStatus(t, token), name).toBe(401);
      // An RS256 access token under the RSA key's own kid is genuine: tokens issued before access tokens moved to
      // ES256 keep working until they expire.
      const rs256 = signJwt({ alg: 'RS256', typ: 'at+jwt', kid: rsaKey.kid }, payload, rsaKey.privateKey);
      expect(await meStatus(t, rs256)).toBe(200);
    });

    test('I3: at_hash is the left half of SHA-256 of the access token', async () => {
      const answer = await codeFlow(confidential);
      expect(jwtPayload(answer.json['id_token'])['at_hash']).toBe(accessTokenHash(String(answer.json['access_token'])));
      expect(String(jwtPayload(answer.json['id_token'])['at_hash'])).toHaveLength(22);
    });

    test('I4: rotated keys of both kinds are published before they sign, and tokens of the old keys stay valid', async () => {
      const before = await codeFlow(confidential);
      const oldKids = kidsOf(before.json);
      const pending = await t.running.context.keys.rotate({ activateInSeconds: 300 });
      const jwks = await fetchJwks(t);
      expect(jwks.keys.map((k) => k['kid'])).toEqual(
        expect.arrayContaining([oldKids.access, oldKids.id, pending.ES256, pending.RS256]),
      );
      for (const key of jwks.keys) {
        expect(key['use']).toBe('sig');
        for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key[secret]).toBeUndefined();
      }
      // Not active yet: the old keys still sign.
      expect(kidsOf((await codeFlow(confidential)).json)).toEqual(oldKids);
      // The operator command adds keys that sign at once; every instance reads them from the database.
      const { code, lines } = await usher(t.config.databaseUrl, 'rotate-keys', '--activate-in', '0');
      expect(code).toBe(0);
      await t.running.context.keys.reload();
      const after = await codeFlow(confidential);
      const newKids = kidsOf(after.json);
      expect(newKids.access).not.toBe(oldKids.access);
      expect(newKids.id).not.toBe(oldKids.id);
      expect(lines.join('\n')).toContain(`ES256 signing key ${newKids.access}`);
      expect(lines.join('\n')).toContain(`RS256 signing key ${newKids.id}`);
      expect(await meStatus(t, before.json['access_token'])).toBe(200);
      expect(await meStatus(t, after.json['access_token'])).toBe(200);
    });

    test('I4: a key superseded by one of its own kind for longer than any token lives is retired; the signers never are', async () => {
      const keys = t.running.context.keys;
      const db = t.running.context.db;
      const activatedHoursAgo = (kid: string, hours: number) =>
        db
          .updateTable('signing_keys')
          .set({ activates_at: new Date(Date.now() - hours * 3600_000).toISOString() })
          .where('kid', '=', kid)
          .execute();
      const old = await keys.rotate();
      const next = await keys.rotate();
      await activatedHoursAgo(old.ES256, 12);
      await activatedHoursAgo(next.ES256, 11);
      // The old RSA key's own successor activated only nine hours ago; the newer EC key does not supersede it.
      await activatedHoursAgo(old.RS256, 12);
      await activatedHoursAgo(next.RS256, 9);
      await keys.reload();
      const retired = await keys.retireSuperseded(MAX_TOKEN_LIFETIME_SECONDS);
      expect(retired).toEqual([old.ES256]);
      for (const alg of ['ES256', 'RS256'] as const) expect(retired).not.toContain((await keys.signingKey(alg)).kid);
      const published = (await fetchJwks(t)).keys.map((k) => k['kid']);
      expect(published).not.toContain(old.ES256);
      expect(published).toEqual(expect.arrayContaining([old.RS256, next.RS256, next.ES256]));
    });

    test('I4: a database in use that gains its first ES256 key publishes it first; RS256 signs access tokens meanwhile', async () => {
      // A database from before access tokens moved to ES256: it holds an RS256 key only.
      const database = await createTestDatabase(dialect);
      const before = await startTestAppOn(database.url, { dialect });
      await before.running.context.keys.init();
      await before.running.context.db.deleteFrom('signing_keys').where('algorithm', '=', 'ES256').execute();
      const rsaKid = (await before.running.context.keys.signingKey('RS256')).kid;
      await before.close();
      const upgraded = await startTestAppOn(database.url, { dialect, onClose: database.drop });
      try {
        const keys = upgraded.running.context.keys;
        const [ecKey] = (await keys.jwks()).keys.filter((k) => k.alg === 'ES256');
        expect(ecKey).toBeDefined();
        expect((await fetchJwks(upgraded)).keys.map((k) => k['kid'])).toEqual(
          expect.arrayContaining([rsaKid, ecKey?.kid]),
        );
        // Published, but a verifier may hold the old JWKS for its max-age: the RS256 key still signs access tokens.
        const during = await upgraded.adminToken();
        expect(jwtHeader(during)).toMatchObject({ alg: 'RS256', kid: rsaKid });
        expect((await upgraded.as(during).GET('/v1/buyers')).response.status).toBe(200);
        // Once the JWKS max-age has passed, the ES256 key signs.
        await upgraded.running.context.db
          .updateTable('signing_keys')
          .set({ activates_at: new Date(Date.now() - 1000).toISOString() })
          .where('algorithm', '=', 'ES256')
          .execute();
        await keys.reload();
        const after = await upgraded.token(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
        expect(jwtHeader(after)).toMatchObject({ alg: 'ES256', kid: ecKey?.kid });
        for (const token of [during, after])
          expect((await upgraded.as(token).GET('/v1/buyers')).response.status).toBe(200);
      } finally {
        await upgraded.close();
      }
    });

    test('I5: the issuer is the configured constant; forged Host headers change nothing', async () => {
      const get = (path: string, headers: Record<string, string>) =>
        new Promise<Record<string, unknown>>((resolve, reject) => {
          http
            .get(`${t.url}${path}`, { headers }, (res) => {
              let data = '';
              res.on('data', (chunk) => {
                data += chunk;
              });
              res.on('end', () => resolve(JSON.parse(data) as Record<string, unknown>));
            })
            .on('error', reject);
        });
      const forged = await get('/.well-known/openid-configuration', {
        Host: 'evil.example',
        'X-Forwarded-Host': 'evil.example',
        'X-Forwarded-Proto': 'https',
      });
      expect(forged['issuer']).toBe(t.config.issuer);
      expect(forged['token_endpoint']).toBe(`${t.config.issuer}/oauth/token`);
      const answer = await codeFlow(confidential);
      expect(jwtPayload(answer.json['id_token'])['iss']).toBe(t.config.issuer);
      expect(jwtPayload(answer.json['access_token'])['iss']).toBe(t.config.issuer);
      const { location } = await obtainCode(t, confidential, user);
      expect(location.searchParams.get('iss')).toBe(t.config.issuer);
    });

    test('I6: both metadata documents are equal, and what they advertise is what happens', async () => {
      const oidc = await (await fetch(`${t.url}/.well-known/openid-configuration`)).json();
      const rfc8414 = (await (await fetch(`${t.url}/.well-known/oauth-authorization-server`)).json()) as Record<
        string,
        string[]
      >;
      expect(rfc8414).toEqual(oidc);
      expect(rfc8414['grant_types_supported']).toEqual([
        'authorization_code',
        'client_credentials',
        'password',
        'refresh_token',
      ]);
      expect(rfc8414['code_challenge_methods_supported']).toEqual(['S256']);
      // Each advertised grant works…
      const cc = await postForm(t, {
        grant_type: 'client_credentials',
        client_id: confidential.id,
        client_secret: SECRET,
      });
      const pw = await passwordGrant(t, confidential, user);
      const code = await codeFlow(confidential);
      const rt = await refreshGrant(t, confidential, String(pw.json['refresh_token']));
      expect([cc.status, pw.status, code.status, rt.status]).toEqual([200, 200, 200, 200]);
      // …with each advertised client authentication method…
      const viaBasic = await postForm(
        t,
        { grant_type: 'client_credentials' },
        { headers: { Authorization: basic(confidential.id, SECRET) } },
      );
      const viaNone = await passwordGrant(t, publicClient, user);
      expect([viaBasic.status, viaNone.status]).toEqual([200, 200]);
      // …and nothing unadvertised does.
      const implicit = await startAuthorization(t, authorizationParams(confidential.id, { response_type: 'token' }));
      expect(new URL(implicit.location ?? '').searchParams.get('error')).toBe('unsupported_response_type');
      const plain = await startAuthorization(
        t,
        authorizationParams(confidential.id, { code_challenge: pkce().verifier, code_challenge_method: 'plain' }),
      );
      expect(new URL(plain.location ?? '').searchParams.get('error')).toBe('invalid_request');
      const deviceCode = await postForm(t, {
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: confidential.id,
        client_secret: SECRET,
      });
      expect(deviceCode.json['error']).toBe('unsupported_grant_type');
      const publicIntrospection = await introspect(t, publicClient, pw.json['access_token']);
      expect(publicIntrospection.status).toBe(400);
      expect(publicIntrospection.json['error']).toBe('unauthorized_client');
      expect(rfc8414['scopes_supported']).toContain('openid');
      expect(rfc8414['authorization_response_iss_parameter_supported']).toBe(true);
    });

    test('I7: discovery answers 200 JSON without redirects, and openid-client discovers the server', async () => {
      const response = await fetch(`${t.url}/.well-known/openid-configuration`, { redirect: 'manual' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const config = await client.discovery(new URL(t.config.issuer), confidential.id, SECRET, undefined, {
        execute: [client.allowInsecureRequests],
      });
      expect(config.serverMetadata().issuer).toBe(t.config.issuer);
      expect(config.serverMetadata().supportsPKCE()).toBe(true);
      const token = await client.clientCredentialsGrant(config, {});
      expect(token.access_token).toBeTruthy();
    });

    test('I8: access tokens are RFC 9068 JWTs; an ID token is refused as an access token', async () => {
      const answer = await codeFlow(confidential);
      const access = String(answer.json['access_token']);
      expect(jwtHeader(access)['typ']).toBe('at+jwt');
      const claims = jwtPayload(access);
      for (const claim of ['iss', 'exp', 'aud', 'sub', 'iat', 'jti', 'client_id', 'cid', 'sid']) {
        expect(claims[claim], claim).toBeDefined();
      }
      expect(claims['aud']).toBe(apiAudience(t.config.issuer));
      const validated = await oauth.validateJwtAccessToken(
        as,
        new Request(`${t.url}/v1/me`, { headers: { Authorization: `Bearer ${access}` } }),
        apiAudience(t.config.issuer),
        { [oauth.allowInsecureRequests]: true },
      );
      expect(validated.client_id).toBe(confidential.id);
      expect(await meStatus(t, answer.json['id_token'])).toBe(401);
    });

    test('V1: revocation needs client authentication; unknown or foreign tokens answer 200 and change nothing', async () => {
      const mine = await passwordGrant(t, confidential, user);
      const other = await createClient(t, { ClientSecret: 'other-client-secret-0123' });
      const unauthenticated = await postForm(
        t,
        { token: String(mine.json['refresh_token']) },
        { path: '/oauth/revoke' },
      );
      expect(unauthenticated.status).toBe(400);
      const wrongSecret = await revoke(
        t,
        { id: confidential.id, secret: 'wrong-0123456789' },
        mine.json['refresh_token'],
      );
      expect(wrongSecret.status).toBe(401);
      for (const token of ['no-such-token', String(mine.json['refresh_token']), String(mine.json['access_token'])]) {
        const foreign = await revoke(t, other, token);
        expect(foreign.status).toBe(200);
      }
      expect(await meStatus(t, mine.json['access_token'])).toBe(200);
      expect((await refreshGrant(t, confidential, String(mine.json['refresh_token']))).status).toBe(200);
      // oauth4webapi accepts the answer (it requires exactly 200).
      const response = await oauth.revocationRequest(
        as,
        { client_id: confidential.id },
        oauth.ClientSecretPost(SECRET),
        'unknown-token',
        { [oauth.allowInsecureRequests]: true },
      );
      await expect(oauth.processRevocationResponse(response)).resolves.toBeUndefined();
    });

    test('V2: a wrong token_type_hint is ignored: every kind of token is searched', async () => {
      const answer = await passwordGrant(t, confidential, user);
      const revokeRefreshAsAccess = await revoke(t, confidential, answer.json['refresh_token'], {
        token_type_hint: 'access_token',
      });
      expect(revokeRefreshAsAccess.status).toBe(200);
      expect((await refreshGrant(t, confidential, String(answer.json['refresh_token']))).json['error']).toBe(
        'invalid_grant',
      );
      const cc = await postForm(t, {
        grant_type: 'client_credentials',
        client_id: confidential.id,
        client_secret: SECRET,
      });
      const revokeAccessAsRefresh = await revoke(t, confidential, cc.json['access_token'], {
        token_type_hint: 'bogus',
      });
      expect(revokeAccessAsRefresh.status).toBe(200);
      const admin = await fetch(`${t.url}/v1/apiclients`, {
        headers: { Authorization: `Bearer ${String(cc.json['access_token'])}` },
      });
      expect(admin.status).toBe(401);
    });

    test('V3: introspection needs a confidential client; inactive is only {active:false}; active has the claims', async () => {
      const answer = await passwordGrant(t, confidential, user);
      const active = await introspect(t, confidential, answer.json['access_token']);
      expect(active.headers.get('cache-control')).toBe('no-store');
      expect(active.json).toMatchObject({
        active: true,
        client_id: confidential.id,
        sub: user.uid,
        token_type: 'Bearer',
        iss: t.config.issuer,
        aud: apiAudience(t.config.issuer),
        scope: 'MeAdmin Shopper',
      });
      expect(typeof active.json['exp']).toBe('number');
      expect(typeof active.json['iat']).toBe('number');
      const refresh = await introspect(t, confidential, answer.json['refresh_token']);
      expect(refresh.json).toMatchObject({ active: true, client_id: confidential.id, sub: user.uid });
      const other = await createClient(t, { ClientSecret: 'other-client-secret-0123' });
      expect((await introspect(t, other, answer.json['access_token'])).json).toEqual({ active: false });
      expect((await introspect(t, confidential, 'garbage')).json).toEqual({ active: false });
      expect(
        (await introspect(t, { id: confidential.id, secret: undefined }, answer.json['access_token'])).status,
      ).toBe(401);
      const response = await oauth.introspectionRequest(
        as,
        { client_id: confidential.id },
        oauth.ClientSecretBasic(SECRET),
        String(answer.json['access_token']),
        { [oauth.allowInsecureRequests]: true },
      );
      expect((await oauth.processIntrospectionResponse(as, { client_id: confidential.id }, response)).active).toBe(
        true,
      );
    });

    test('V4: after revocation, introspection on another instance says inactive at once', async () => {
      const answer = await passwordGrant(t, confidential, user);
      const second = await startServer(loadConfig({ ...process.env, ...envOf(t), PORT: '0' }));
      try {
        await revoke(t, confidential, answer.json['refresh_token']);
        const response = await fetch(`${second.url}/oauth/introspect`, {
          method: 'POST',
          body: new URLSearchParams({
            token: String(answer.json['access_token']),
            client_id: confidential.id,
            client_secret: SECRET,
          }),
        });
        expect(await response.json()).toEqual({ active: false });
      } finally {
        await second.close();
      }
    });

    test('S1: no token, a bad token and a token without the role answer as RFC 6750 says', async () => {
      const none = await fetch(`${t.url}/v1/me`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="usher"');
      const bad = await fetch(`${t.url}/v1/me`, { headers: { Authorization: 'Bearer not.a.token' } });
      expect(bad.status).toBe(401);
      expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
      const shopper = await passwordGrant(t, confidential, user);
      const forbidden = await fetch(`${t.url}/v1/apiclients`, {
        headers: { Authorization: `Bearer ${String(shopper.json['access_token'])}` },
      });
      expect(forbidden.status).toBe(403);
      expect(forbidden.headers.get('www-authenticate')).toMatch(/error="insufficient_scope", scope="FullAccess/);
    });

    test('S2: access tokens in the query string are not accepted', async () => {
      const answer = await passwordGrant(t, confidential, user);
      const response = await fetch(`${t.url}/v1/me?access_token=${String(answer.json['access_token'])}`);
      expect([400, 401]).toContain(response.status);
      expect(response.status).not.toBe(200);
    });

    test('S3: a token for another audience is refused', async () => {
      const key = await t.running.context.keys.signingKey('ES256');
      const iat = nowSeconds();
      const foreign = signJwt(
        { alg: key.alg, typ: 'at+jwt', kid: key.kid },
        {
          iss: t.config.issuer,
          aud: 'https://other-resource.example',
          sub: confidential.id,
          cid: confidential.id,
          client_id: confidential.id,
          jti: 'x',
          iat,
          exp: iat + 60,
          role: 'FullAccess',
        },
        key.privateKey,
      );
      const response = await fetch(`${t.url}/v1/buyers`, { headers: { Authorization: `Bearer ${foreign}` } });
      expect(response.status).toBe(401);
    });
  });
}

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function fetchJwks(t: TestApp): Promise<{ keys: Array<Record<string, unknown>> }> {
  return (await (await fetch(`${t.url}/oauth/jwks`)).json()) as { keys: Array<Record<string, unknown>> };
}

/** The kids of a token response's access token and ID token. */
function kidsOf(tokens: Record<string, unknown>): { access: unknown; id: unknown } {
  return { access: jwtHeader(tokens['access_token'])['kid'], id: jwtHeader(tokens['id_token'])['kid'] };
}

function envOf(t: TestApp): Record<string, string> {
  return {
    DATABASE_URL: t.config.databaseUrl,
    ISSUER: t.config.issuer,
    LOG_LEVEL: 'silent',
    VALIDATE_RESPONSES: 'true',
  };
}
