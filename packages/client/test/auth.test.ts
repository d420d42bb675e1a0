import { describe, expect, test } from 'vitest';
import { createClient } from '../src/index.js';
import { json, observedFetch, page, type SeenRequest, wireOAuthError, wireToken } from './support/observed-fetch.js';

const baseUrl = 'http://usher.test';
const buyers = page([{ ID: 'acme', Name: 'Acme' }], 1, 1);

/** A fake server: the token endpoint hands out at-1, at-2, …; `/v1` accepts only the tokens in `valid`. */
function fakeServer(options: { expiresIn?: number; refreshToken?: boolean; tokenDelayMs?: number } = {}) {
  let issued = 0;
  const valid = new Set<string>();
  const observed = observedFetch(async (request: SeenRequest) => {
    if (request.url.pathname === '/oauth/token') {
      if (options.tokenDelayMs) await new Promise((resolve) => setTimeout(resolve, options.tokenDelayMs));
      issued += 1;
      const token = `at-${issued}`;
      valid.add(token);
      return json(
        wireToken(token, {
          expires_in: options.expiresIn ?? 3600,
          ...(options.refreshToken ? { refresh_token: `rt-${issued}` } : {}),
        }),
      );
    }
    const bearer = request.headers.get('authorization')?.replace(/^Bearer /, '') ?? '';
    if (!valid.has(bearer)) {
      return json(
        { Errors: [{ ErrorCode: 'InvalidToken', Message: 'Access token is invalid or expired.', Data: null }] },
        401,
      );
    }
    if (request.method === 'POST') return json(JSON.parse(request.body), 201);
    return json(buyers);
  });
  const tokenRequests = () => observed.seen.filter((r) => r.url.pathname === '/oauth/token');
  const apiRequests = () => observed.seen.filter((r) => r.url.pathname.startsWith('/v1/'));
  return { observed, valid, tokenRequests, apiRequests };
}

const credentials = { clientId: 'app', clientSecret: 'app-secret-0123456789' };

describe('auth middleware', () => {
  test('obtains a token once and attaches it to every /v1 call', async () => {
    const server = fakeServer();
    const client = createClient({ baseUrl, fetch: server.observed.fetch, auth: credentials });
    const first = await client.GET('/v1/buyers');
    const second = await client.GET('/v1/buyers');
    expect(first.data).toEqual(buyers);
    expect(second.data).toEqual(buyers);
    expect(server.tokenRequests()).toHaveLength(1);
    expect(server.apiRequests().map((r) => r.headers.get('authorization'))).toEqual(['Bearer at-1', 'Bearer at-1']);
  });

  test('concurrent calls share one token request', async () => {
    const server = fakeServer({ tokenDelayMs: 20 });
    const client = createClient({ baseUrl, fetch: server.observed.fetch, auth: credentials });
    const results = await Promise.all(Array.from({ length: 8 }, () => client.GET('/v1/buyers')));
    expect(results.every((r) => r.response.status === 200)).toBe(true);
    expect(server.tokenRequests()).toHaveLength(1);
  });

  test('obtains a new token shortly before the current one expires', async () => {
    let now = 1_000_000;
    const server = fakeServer({ expiresIn: 600 });
    const client = createClient({
      baseUrl,
      fetch: server.observed.fetch,
      auth: credentials,
      refreshSkewSeconds: 30,
      now: () => now,
    });
    await client.GET('/v1/buyers');
    now += 569_000; // 31 s left: still fresh
    await client.GET('/v1/buyers');
    now += 2_000; // 29 s left: refresh first
    await client.GET('/v1/buyers');
    expect(server.apiRequests().map((r) => r.headers.get('authorization'))).toEqual([
      'Bearer at-1',
      'Bearer at-1',
      'Bearer at-2',
    ]);
  });

  test('on a 401 it obtains a new token and retries the call once, body included', async () => {
    const server = fakeServer();
    const client = createClient({ baseUrl, fetch: server.observed.fetch, auth: credentials });
    await client.GET('/v1/buyers');
    server.valid.clear(); // e.g. the token was revoked
    const created = await client.POST('/v1/buyers', { body: { ID: 'new', Name: 'New' } });
    expect(created.response.status).toBe(201);
    expect(created.data).toEqual({ ID: 'new', Name: 'New' });
    const posts = server.apiRequests().filter((r) => r.method === 'POST');
    expect(posts.map((r) => [r.headers.get('authorization'), r.body])).toEqual([
      ['Bearer at-1', '{"ID":"new","Name":"New"}'],
      ['Bearer at-2', '{"ID":"new","Name":"New"}'],
    ]);
  });

  test('a second 401 is answered to the caller as a typed error, without a loop', async () => {
    const observed = observedFetch((request) =>
      request.url.pathname === '/oauth/token'
        ? json(wireToken(`at-${Math.random()}`))
        : json(
            { Errors: [{ ErrorCode: 'InvalidToken', Message: 'Access token is invalid or expired.', Data: null }] },
            401,
          ),
    );
    const client = createClient({ baseUrl, fetch: observed.fetch, auth: credentials });
    const result = await client.GET('/v1/buyers');
    expect(result.response.status).toBe(401);
    expect(result.error?.Errors[0]?.ErrorCode).toBe('InvalidToken');
    expect(observed.seen.map((r) => r.url.pathname)).toEqual([
      '/oauth/token',
      '/v1/buyers',
      '/oauth/token',
      '/v1/buyers',
    ]);
  });

  test('when no token can be obtained, the call answers 401 with the OAuth error, and the API is not called', async () => {
    const body = wireOAuthError('invalid_client', 'Client authentication failed.', 401);
    const observed = observedFetch(() => json(body, 401));
    const client = createClient({ baseUrl, fetch: observed.fetch, auth: credentials });
    const result = await client.GET('/v1/buyers');
    expect(result.response.status).toBe(401);
    expect(result.error).toEqual(body);
    expect(result.error?.Errors[0]?.ErrorCode).toBe('invalid_client');
    expect(observed.seen.map((r) => r.url.pathname)).toEqual(['/oauth/token']);
  });

  test('password sign-in refreshes with the refresh token, and signs in again when it is refused', async () => {
    let clock = 0;
    const server = fakeServer({ expiresIn: 60, refreshToken: true });
    const client = createClient({
      baseUrl,
      fetch: server.observed.fetch,
      auth: { clientId: 'shop', username: 'ann', password: 'Passw0rd!x' },
      now: () => clock,
    });
    await client.GET('/v1/buyers');
    clock += 60_000;
    await client.GET('/v1/buyers');
    const grants = server.tokenRequests().map((r) => Object.fromEntries(new URLSearchParams(r.body)));
    expect(grants).toEqual([
      { grant_type: 'password', username: 'ann', password: 'Passw0rd!x', client_id: 'shop' },
      { grant_type: 'refresh_token', refresh_token: 'rt-1', client_id: 'shop' },
    ]);

    const refused = observedFetch((request) => {
      const grant = new URLSearchParams(request.body).get('grant_type');
      if (grant === 'refresh_token')
        return json(wireOAuthError('invalid_grant', 'The refresh token is invalid.', 400), 400);
      if (grant === 'password') return json(wireToken('signed-in-again', { refresh_token: 'rt-new' }));
      return json(buyers);
    });
    const expiring = createClient({
      baseUrl,
      fetch: refused.fetch,
      auth: { accessToken: 'old', expiresIn: 0, refreshToken: 'rt-old', clientId: 'shop' },
    });
    const result = await expiring.GET('/v1/buyers');
    // A given token with a refused refresh token and no credentials: the refusal reaches the caller.
    expect(result.error?.Errors[0]?.ErrorCode).toBe('invalid_grant');
    let now = 0;
    const withCredentials = createClient({
      baseUrl,
      fetch: refused.fetch,
      auth: { clientId: 'shop', username: 'ann', password: 'Passw0rd!x' },
      now: () => now,
    });
    await withCredentials.GET('/v1/buyers');
    now += 3_600_000;
    // The refresh token is refused: the configured credentials sign in again.
    expect((await withCredentials.GET('/v1/buyers')).data).toEqual(buyers);
    const grantTypes = refused.seen.map((r) => new URLSearchParams(r.body).get('grant_type')).filter(Boolean);
    expect(grantTypes).toEqual(['refresh_token', 'password', 'refresh_token', 'password']);
  });

  test('an existing token is used as given; /oauth and /healthz calls carry no bearer; a caller header wins', async () => {
    const observed = observedFetch(() => json({ status: 'ok' }));
    const client = createClient({ baseUrl, fetch: observed.fetch, auth: { accessToken: 'given' } });
    await client.GET('/v1/buyers');
    await client.GET('/healthz');
    await client.GET('/v1/buyers', { headers: { Authorization: 'Bearer mine' } });
    expect(observed.seen.map((r) => [r.url.pathname, r.headers.get('authorization')])).toEqual([
      ['/v1/buyers', 'Bearer given'],
      ['/healthz', null],
      ['/v1/buyers', 'Bearer mine'],
    ]);
    expect(await client.auth?.getToken()).toEqual({
      data: { accessToken: 'given', expiresIn: 0, tokenType: 'Bearer' },
    });
  });
});
