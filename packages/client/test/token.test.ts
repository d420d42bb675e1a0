import { describe, expect, test } from 'vitest';
import { requestToken } from '../src/index.js';
import { form, json, observedFetch, wireOAuthError, wireToken } from './support/observed-fetch.js';

const baseUrl = 'http://usher.test/';

describe('requestToken', () => {
  test('client_credentials: a form-urlencoded POST to /oauth/token, secret in the body, answer in camelCase', async () => {
    const observed = observedFetch(() => json(wireToken('at-1', { scope: 'FullAccess' })));
    const result = await requestToken(
      { grantType: 'client_credentials', clientId: 'app', clientSecret: 's3cret', scope: ['FullAccess', 'BuyerAdmin'] },
      { baseUrl, fetch: observed.fetch },
    );
    expect(result.data).toEqual({ accessToken: 'at-1', expiresIn: 3600, tokenType: 'Bearer' });
    const [sent] = observed.seen;
    expect(sent?.method).toBe('POST');
    expect(sent?.url.href).toBe('http://usher.test/oauth/token');
    expect(sent?.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
    expect(form(sent as never)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'app',
      client_secret: 's3cret',
      scope: 'FullAccess BuyerAdmin',
    });
  });

  test('password: maps refresh and ID tokens; a public client sends no secret', async () => {
    const observed = observedFetch(() => json(wireToken('at-2', { refresh_token: 'rt-2', id_token: 'id-2' })));
    const result = await requestToken(
      { grantType: 'password', clientId: 'shop', username: 'ann', password: 'Passw0rd!x' },
      { baseUrl, fetch: observed.fetch },
    );
    expect(result.data).toEqual({
      accessToken: 'at-2',
      expiresIn: 3600,
      idToken: 'id-2',
      refreshToken: 'rt-2',
      tokenType: 'Bearer',
    });
    expect(form(observed.seen[0] as never)).toEqual({
      grant_type: 'password',
      username: 'ann',
      password: 'Passw0rd!x',
      client_id: 'shop',
    });
  });

  test('refresh_token with client_secret_basic: RFC 6749 form-url-encoding inside base64', async () => {
    const observed = observedFetch(() => json(wireToken('at-3')));
    await requestToken(
      { grantType: 'refresh_token', clientId: 'my app', clientSecret: "a+b:c'd", refreshToken: 'rt' },
      { baseUrl, fetch: observed.fetch, clientAuthentication: 'client_secret_basic' },
    );
    const sent = observed.seen[0];
    expect(form(sent as never)).toEqual({ grant_type: 'refresh_token', refresh_token: 'rt' });
    expect(sent?.headers.get('authorization')).toBe(`Basic ${btoa('my+app:a%2Bb%3Ac%27d')}`);
  });

  test('an OAuth error is returned as a typed value', async () => {
    const body = wireOAuthError('invalid_client', 'Client authentication failed.', 401);
    const observed = observedFetch(() => json(body, 401));
    const result = await requestToken(
      { grantType: 'client_credentials', clientId: 'app', clientSecret: 'wrong' },
      { baseUrl, fetch: observed.fetch },
    );
    expect(result.data).toBeUndefined();
    expect(result.error).toEqual(body);
    expect(result.error?.Errors[0]?.ErrorCode).toBe('invalid_client');
    expect(result.response?.status).toBe(401);
  });

  test('an answer without an OAuth body becomes a server_error value, not a throw', async () => {
    const observed = observedFetch(() => new Response('<html>Bad gateway</html>', { status: 502 }));
    const result = await requestToken(
      { grantType: 'client_credentials', clientId: 'app', clientSecret: 'x' },
      { baseUrl, fetch: observed.fetch },
    );
    expect(result.error).toMatchObject({ error: 'server_error', Errors: [{ ErrorCode: 'server_error' }] });
    expect(result.error?.errors[0]?.httpcode).toBe(502);
  });
});
