import { type ApiClientRow, findApiClient } from '../api-clients/api-clients.repository.js';
import type { AppContext } from '../app-context.js';
import { grantRoles } from '../auth/roles.js';
import { OAuthError } from '../http/errors.js';
import type { Handler } from '../http/operation.js';
import { nowIso, nowSeconds } from '../shared/time.js';
import { consumeOnce, createGrant } from './grants.js';
import { hashOpaqueToken, newOpaqueToken } from './opaque-tokens.js';
import { isPkceValue } from './pkce.js';
import { signIn } from './sign-in.js';
import { errorPage, pageHeaders, signInPage } from './sign-in-page.js';
import { param, splitScope } from './token.handlers.js';

/** How long the sign-in page stays usable. */
const REQUEST_LIFETIME_MS = 10 * 60_000;
/** How long a code may wait for redemption (RFC 6749 §4.1.2; oidc-provider and Keycloak use 60 s). */
export const CODE_LIFETIME_MS = 60_000;

function redirectOrigin(redirectUri: string): string | null {
  try {
    return new URL(redirectUri).origin;
  } catch {
    return null;
  }
}

/** The client's redirect URI with the response parameters added; RFC 9207 `iss` always, so mix-up is detectable. */
function redirectTo(context: AppContext, redirectUri: string, params: Record<string, string | null | undefined>) {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.append(name, value);
  url.searchParams.append('iss', context.config.issuer);
  return { status: 303 as const, headers: { Location: url.href, 'Cache-Control': 'no-store' } };
}

function registeredRedirectUris(client: ApiClientRow): string[] {
  return JSON.parse(client.redirect_uris) as string[];
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** RFC 9700 §2.6: codes travel only over https, except to a native app listening on a loopback address. */
function isSafeRedirectUri(redirectUri: string): boolean {
  try {
    const url = new URL(redirectUri);
    return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  } catch {
    return false;
  }
}

export const authorize: Handler<'authorize'> = async ({ query }, context) => {
  const clientId = param(query.client_id);
  const redirectUri = param(query.redirect_uri);
  const client = clientId === undefined ? undefined : await findApiClient(context.db, clientId);
  // Without a trustworthy redirect URI the error is shown here, never sent anywhere (RFC 6749 §4.1.2.1).
  if (client?.active !== 1) {
    return { status: 400, headers: pageHeaders(null), html: errorPage('The application (client_id) is unknown.') };
  }
  if (redirectUri === undefined || !registeredRedirectUris(client).includes(redirectUri)) {
    return {
      status: 400,
      headers: pageHeaders(null),
      html: errorPage('The redirect_uri is not registered for this application.'),
    };
  }
  if (!isSafeRedirectUri(redirectUri)) {
    return {
      status: 400,
      headers: pageHeaders(null),
      html: errorPage('The redirect_uri must use https (plain http is allowed only on a loopback address).'),
    };
  }
  const state = param(query.state);
  const fail = (error: string, description: string) =>
    redirectTo(context, redirectUri, { error, error_description: description, state });
  if (param(query.response_type) !== 'code') {
    return fail('unsupported_response_type', 'response_type must be code.');
  }
  const challenge = param(query.code_challenge);
  if (challenge === undefined) return fail('invalid_request', 'code_challenge is required (PKCE).');
  if (param(query.code_challenge_method) !== 'S256') {
    return fail('invalid_request', 'code_challenge_method must be S256.');
  }
  if (!isPkceValue(challenge)) return fail('invalid_request', 'code_challenge is malformed.');
  // RFC 9700 §2.1.1: a challenge must be fresh per transaction; a constant one defeats PKCE.
  const reused = await context.db
    .selectFrom('oauth_authorization_requests')
    .select('hash')
    .where('client_id', '=', client.id)
    .where('code_challenge', '=', challenge)
    .executeTakeFirst();
  if (reused) return fail('invalid_request', 'code_challenge was already used; use a new one per request.');

  const requestId = newOpaqueToken();
  const now = Date.now();
  await context.db
    .insertInto('oauth_authorization_requests')
    .values({
      hash: hashOpaqueToken(requestId),
      client_id: client.id,
      redirect_uri: redirectUri,
      scope: param(query.scope) ?? null,
      state: state ?? null,
      nonce: param(query.nonce) ?? null,
      code_challenge: challenge,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + REQUEST_LIFETIME_MS).toISOString(),
      consumed_at: null,
    })
    .execute();
  return {
    status: 200,
    headers: pageHeaders(redirectOrigin(redirectUri)),
    html: signInPage({ appName: client.app_name, requestId }),
  };
};

export const submitAuthorization: Handler<'submitAuthorization'> = async ({ body, ip }, context) => {
  const requestId = param(body.request_id) ?? '';
  const requestHash = hashOpaqueToken(requestId);
  const request = await context.db
    .selectFrom('oauth_authorization_requests')
    .selectAll()
    .where('hash', '=', requestHash)
    .executeTakeFirst();
  const client = request ? await findApiClient(context.db, request.client_id) : undefined;
  if (!request || request.consumed_at !== null || request.expires_at <= nowIso() || client?.active !== 1) {
    return {
      status: 400,
      headers: pageHeaders(null),
      html: errorPage(
        'This sign-in request has expired or was already used. Go back to the application and start again.',
      ),
    };
  }
  const headers = pageHeaders(redirectOrigin(request.redirect_uri));
  const username = param(body.username) ?? '';
  const password = param(body.password) ?? '';
  const showAgain = (error: string) => ({
    status: 400 as const,
    headers,
    html: signInPage({ appName: client.app_name, requestId, username, error }),
  });
  if (username === '' || password === '') return showAgain('Enter your username and password.');
  let signedIn: Awaited<ReturnType<typeof signIn>>;
  try {
    signedIn = await signIn(context, { client, username, password, ip });
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (error.status === 429) {
      return {
        status: 429,
        headers: { ...headers, 'Retry-After': error.headers['Retry-After'] ?? '60' },
        html: signInPage({ appName: client.app_name, requestId, username, error: error.message }),
      };
    }
    return showAgain(error.message);
  }
  if (!(await consumeOnce(context.db, 'oauth_authorization_requests', requestHash))) {
    return { status: 400, headers, html: errorPage('This sign-in request was already used.') };
  }
  const scope = splitScope(request.scope ?? undefined);
  const grant = await createGrant(context.db, {
    client,
    user: signedIn.user,
    roles: grantRoles(signedIn.roles, scope.roles),
    openid: scope.openid,
    authTime: nowSeconds(),
  });
  const code = newOpaqueToken();
  const now = Date.now();
  await context.db
    .insertInto('oauth_authorization_codes')
    .values({
      hash: hashOpaqueToken(code),
      grant_id: grant.id,
      client_id: client.id,
      redirect_uri: request.redirect_uri,
      code_challenge: request.code_challenge,
      nonce: request.nonce,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + CODE_LIFETIME_MS).toISOString(),
      consumed_at: null,
    })
    .execute();
  return redirectTo(context, request.redirect_uri, { code, state: request.state });
};
