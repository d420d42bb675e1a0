import { createHash, randomBytes } from 'node:crypto';
import type { Schema } from '@usher/api-types';
import type { Dialect } from '../../src/config.js';
import type { Logger } from '../../src/shared/logger.js';
import { startTestApp, type TestApp } from './test-app.js';

// Buyers, API clients, users, security profiles and assignments are all created through the API.

/** A test app whose failure limits are high enough not to interfere, unless a test asks otherwise. */
export function startAuthTestApp(dialect: Dialect, env: Record<string, string> = {}, logger?: Logger) {
  return startTestApp({
    dialect,
    env: { RATE_LIMIT_FAILURES_PER_CLIENT: '10000', RATE_LIMIT_FAILURES_PER_ADDRESS: '10000', ...env },
    ...(logger ? { logger } : {}),
  });
}

export const PASSWORD = 'Correct-Horse-1';

let counter = 0;
/** A unique, readable suffix for IDs in one test run. */
export const unique = (prefix: string): string => `${prefix}-${++counter}-${randomBytes(3).toString('hex')}`;

export async function createBuyer(t: TestApp, options: { id?: string; active?: boolean } = {}): Promise<string> {
  const id = options.id ?? unique('buyer');
  const api = t.as(await t.adminToken());
  const res = await api.POST('/v1/buyers', { body: { ID: id, Name: id, Active: options.active ?? true } });
  if (res.response.status !== 201) throw new Error(`createBuyer: ${res.response.status}`);
  return id;
}

export interface TestClient {
  id: string;
  secret: string | undefined;
}

export async function createClient(t: TestApp, options: Partial<Schema<'ApiClient'>> = {}): Promise<TestClient> {
  const id = options.ID ?? unique('client');
  const body: Schema<'ApiClient'> = {
    AppName: `App ${id}`,
    AllowAnyBuyer: true,
    AccessTokenDuration: 60,
    RefreshTokenDuration: 60,
    RedirectUris: ['https://app.example.com/cb'],
    ...options,
    ID: id,
  };
  const api = t.as(await t.adminToken());
  const res = await api.POST('/v1/apiclients', { body });
  if (res.response.status !== 201) throw new Error(`createClient: ${res.response.status} ${JSON.stringify(res.error)}`);
  return { id, secret: options.ClientSecret ?? undefined };
}

export interface TestUser {
  uid: string;
  id: string;
  buyerId: string;
  username: string;
  password: string;
}

/** A buyer user with `roles` from a user-level security profile, created through the Users and SecurityProfiles API. */
export async function createUser(
  t: TestApp,
  buyerId: string,
  options: { roles?: string[]; customRoles?: string[]; active?: boolean; username?: string } = {},
): Promise<TestUser> {
  const api = t.as(await t.adminToken());
  const id = unique('user');
  const username = options.username ?? id;
  const created = await api.POST('/v1/buyers/{buyerID}/users', {
    params: { path: { buyerID: buyerId } },
    body: {
      ID: id,
      Username: username,
      Password: PASSWORD,
      FirstName: 'Test',
      LastName: 'User',
      Email: `${id}@example.com`,
      Active: options.active ?? true,
    },
  });
  if (created.response.status !== 201)
    throw new Error(`createUser: ${created.response.status} ${JSON.stringify(created.error)}`);
  const roles = options.roles ?? ['Shopper', 'MeAdmin'];
  const customRoles = options.customRoles ?? [];
  if (roles.length + customRoles.length > 0) {
    const profileId = unique('profile');
    const profile = await api.POST('/v1/securityprofiles', {
      body: { ID: profileId, Name: profileId, Roles: roles, CustomRoles: customRoles },
    });
    if (profile.response.status !== 201)
      throw new Error(`createUser profile: ${profile.response.status} ${JSON.stringify(profile.error)}`);
    const assigned = await api.POST('/v1/securityprofiles/assignments', {
      body: { SecurityProfileID: profileId, BuyerID: buyerId, UserID: id },
    });
    if (assigned.response.status !== 204) throw new Error(`createUser assignment: ${assigned.response.status}`);
  }
  // The internal uid is what tokens carry as `sub`; the API never shows it, so the test reads it back.
  const { uid } = await t.running.context.db
    .selectFrom('users')
    .select('uid')
    .where('buyer_id', '=', buyerId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow();
  return { uid, id, buyerId, username, password: PASSWORD };
}

/** A buyer, a client allowed on any buyer, and one of the buyer's users. */
export async function signInSetup(
  t: TestApp,
  options: { client?: Partial<Schema<'ApiClient'>>; roles?: string[] } = {},
): Promise<{ buyerId: string; client: TestClient; user: TestUser }> {
  const buyerId = await createBuyer(t);
  const client = await createClient(t, options.client);
  const user = await createUser(t, buyerId, options.roles ? { roles: options.roles } : {});
  return { buyerId, client, user };
}

export interface TokenAnswer {
  status: number;
  headers: Headers;
  json: Record<string, unknown>;
}

/** POSTs a form to the token endpoint (or another /oauth endpoint) and reads the JSON answer. */
export async function postForm(
  t: TestApp,
  params: Record<string, string>,
  options: { path?: string; headers?: Record<string, string> } = {},
): Promise<TokenAnswer> {
  const response = await fetch(`${t.url}${options.path ?? '/oauth/token'}`, {
    method: 'POST',
    headers: options.headers ?? {},
    body: new URLSearchParams(params),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
  };
}

/** The client's credentials as form fields (client_secret_post), or client_id alone for a public client. */
const credentials = (client: TestClient): Record<string, string> => ({
  client_id: client.id,
  ...(client.secret ? { client_secret: client.secret } : {}),
});

/** RFC 7009 revocation by `client`. */
export const revoke = (t: TestApp, client: TestClient, token: unknown, extra: Record<string, string> = {}) =>
  postForm(t, { token: String(token), ...credentials(client), ...extra }, { path: '/oauth/revoke' });

/** RFC 7662 introspection by `client`. */
export const introspect = (t: TestApp, client: TestClient, token: unknown) =>
  postForm(t, { token: String(token), ...credentials(client) }, { path: '/oauth/introspect' });

export function passwordGrant(
  t: TestApp,
  client: TestClient,
  user: { username: string; password: string },
  extra: Record<string, string> = {},
) {
  return postForm(t, {
    grant_type: 'password',
    ...credentials(client),
    username: user.username,
    password: user.password,
    ...extra,
  });
}

export function refreshGrant(t: TestApp, client: TestClient, refreshToken: string, extra: Record<string, string> = {}) {
  return postForm(t, {
    grant_type: 'refresh_token',
    ...credentials(client),
    refresh_token: refreshToken,
    ...extra,
  });
}

export function basic(id: string, secret: string): string {
  const encode = (value: string) =>
    encodeURIComponent(value)
      .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
      .replaceAll('%20', '+');
  return `Basic ${Buffer.from(`${encode(id)}:${encode(secret)}`).toString('base64')}`;
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const REDIRECT_URI = 'https://app.example.com/cb';

/** A valid authorization request for `clientId` with a fresh PKCE challenge; `overrides` replace any parameter. */
export function authorizationParams(clientId: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    code_challenge: pkce().challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
}

/** GET /oauth/authorize without following redirects. */
export async function startAuthorization(t: TestApp, params: Record<string, string>) {
  const response = await fetch(`${t.url}/oauth/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });
  const html = await response.text();
  const requestId = /name="request_id" value="([^"]+)"/.exec(html)?.[1];
  return { response, html, requestId, location: response.headers.get('location') };
}

/** POST the sign-in form without following redirects. */
export async function submitSignIn(t: TestApp, form: Record<string, string>) {
  const response = await fetch(`${t.url}/oauth/authorize`, {
    method: 'POST',
    body: new URLSearchParams(form),
    redirect: 'manual',
  });
  return { response, html: await response.text(), location: response.headers.get('location') };
}

/** The whole front channel over plain HTTP: authorize, sign in, and the code from the redirect. */
export async function obtainCode(
  t: TestApp,
  client: TestClient,
  user: TestUser,
  options: { scope?: string; nonce?: string; state?: string; redirectUri?: string } = {},
) {
  const { verifier, challenge } = pkce();
  const params = authorizationParams(client.id, {
    redirect_uri: options.redirectUri ?? REDIRECT_URI,
    code_challenge: challenge,
    state: options.state ?? 'st',
  });
  if (options.scope !== undefined) params['scope'] = options.scope;
  if (options.nonce !== undefined) params['nonce'] = options.nonce;
  const page = await startAuthorization(t, params);
  if (!page.requestId)
    throw new Error(`no sign-in page: ${page.response.status} ${page.location} ${page.html.slice(0, 2000)}`);
  const submitted = await submitSignIn(t, {
    request_id: page.requestId,
    username: user.username,
    password: user.password,
  });
  if (submitted.response.status !== 303 || !submitted.location) {
    throw new Error(`sign-in failed: ${submitted.response.status}`);
  }
  const location = new URL(submitted.location);
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${submitted.location}`);
  return { code, verifier, location };
}

/** The code redemption; `extra` adds or replaces parameters, `omit` leaves some out. */
export function codeGrant(
  t: TestApp,
  client: TestClient,
  code: string,
  verifier: string,
  extra: Record<string, string> = {},
  omit: readonly string[] = [],
) {
  const params: Record<string, string> = {
    grant_type: 'authorization_code',
    ...credentials(client),
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: verifier,
    ...extra,
  };
  for (const name of omit) delete params[name];
  return postForm(t, params);
}

/** The decoded payload of a JWT (no verification). */
export function jwtPayload(token: unknown): Record<string, unknown> {
  const part = String(token).split('.')[1] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function jwtHeader(token: unknown): Record<string, unknown> {
  const part = String(token).split('.')[0] ?? '';
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** GET /v1/me with a token; the status tells whether the token is accepted. */
export async function meStatus(t: TestApp, token: unknown): Promise<number> {
  const response = await fetch(`${t.url}/v1/me`, { headers: { Authorization: `Bearer ${String(token)}` } });
  await response.arrayBuffer();
  return response.status;
}
