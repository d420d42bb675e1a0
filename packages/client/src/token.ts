import type { components } from '@usher/api-types';
import type { OAuthErrorBody } from './errors.js';
import { isOAuthError } from './errors.js';

/** What openapi-fetch calls: a `fetch` that takes a `Request`. Inject one in tests; the global one is the default. */
export type FetchLike = (request: Request) => Promise<Response>;

/** Roles to ask for: a space-delimited string or a list. */
export type Scope = string | readonly string[];

/** A token as the OrderCloud SDKs return it (the seed's `PostTokenResponse`), mapped from the wire's snake_case. */
export interface PostTokenResponse {
  /** An OAuth access token that can be used to call the API. */
  accessToken: string;
  /** Seconds from the time the token was returned until it expires. */
  expiresIn: number;
  /** A signed JWT identifying who authorized the request (password and authorization-code grants with `openid`). */
  idToken?: string;
  /** A token that obtains a new access token when this one expires (clients with a `RefreshTokenDuration`). */
  refreshToken?: string;
  /** The Authorization header scheme to use: always `Bearer`. */
  tokenType: 'Bearer';
}

/** How the client proves who it is at the token endpoint (RFC 6749 §2.3.1). Secrets go in the body by default. */
export type ClientAuthentication = 'client_secret_post' | 'client_secret_basic';

/** One token request, by grant. Field names are the SDK's camelCase; the wire's names are in the comments. */
export type TokenGrant =
  | { grantType: 'client_credentials'; clientId: string; clientSecret: string; scope?: Scope }
  | {
      grantType: 'password';
      clientId: string;
      clientSecret?: string;
      username: string;
      password: string;
      scope?: Scope;
    }
  | { grantType: 'refresh_token'; clientId: string; clientSecret?: string; refreshToken: string; scope?: Scope };

export interface TokenRequestOptions {
  /** The server's root URL, e.g. `http://localhost:8080` (the token endpoint is `${baseUrl}/oauth/token`). */
  baseUrl: string;
  fetch?: FetchLike;
  clientAuthentication?: ClientAuthentication;
}

/** Either a token or the OAuth error that refused it, never both; `response` is the token endpoint's answer. */
export type TokenResult =
  | { data: PostTokenResponse; error?: undefined; response?: Response }
  | { data?: undefined; error: OAuthErrorBody; response: Response };

/** The wire's success body; refresh and ID tokens come with the grants that issue them. */
type WireTokenResponse = components['schemas']['TokenResponse'] & { refresh_token?: string; id_token?: string };

export const defaultFetch: FetchLike = (request) => globalThis.fetch(request);

const scopeString = (scope: Scope): string => (typeof scope === 'string' ? scope : scope.join(' '));

/** RFC 6749 Appendix B: what `application/x-www-form-urlencoded` makes of a value (needed inside HTTP Basic). */
function formUrlEncode(value: string): string {
  return encodeURIComponent(value)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replaceAll('%20', '+');
}

function wireParameters(grant: TokenGrant): Record<string, string | undefined> {
  const scope = grant.scope === undefined ? undefined : scopeString(grant.scope);
  switch (grant.grantType) {
    case 'client_credentials':
      return { grant_type: grant.grantType, scope };
    case 'password':
      return { grant_type: grant.grantType, username: grant.username, password: grant.password, scope };
    case 'refresh_token':
      return { grant_type: grant.grantType, refresh_token: grant.refreshToken, scope };
  }
}

/** Builds the form-urlencoded `POST /oauth/token` request for a grant. */
export function tokenRequest(grant: TokenGrant, options: TokenRequestOptions): Request {
  const body = new URLSearchParams();
  const headers = new Headers({ Accept: 'application/json' });
  for (const [name, value] of Object.entries(wireParameters(grant))) if (value !== undefined) body.set(name, value);
  if (options.clientAuthentication === 'client_secret_basic' && grant.clientSecret !== undefined) {
    headers.set(
      'Authorization',
      `Basic ${btoa(`${formUrlEncode(grant.clientId)}:${formUrlEncode(grant.clientSecret)}`)}`,
    );
  } else {
    body.set('client_id', grant.clientId);
    if (grant.clientSecret !== undefined) body.set('client_secret', grant.clientSecret);
  }
  return new Request(`${options.baseUrl.replace(/\/+$/, '')}/oauth/token`, { method: 'POST', headers, body });
}

/** An OAuth error for answers that carry none (a proxy's HTML page, a malformed success body). */
export function localOAuthError(error: OAuthErrorBody['error'], description: string, httpcode: number): OAuthErrorBody {
  return {
    error,
    error_description: description,
    meta: { pagination: { limit: 0, offset: 0, total_count: 1 } },
    errors: [{ httpcode, message: `${error}: ${description}` }],
    Errors: [{ ErrorCode: error, Message: description, Data: null }],
  };
}

const isWireToken = (value: unknown): value is WireTokenResponse =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Record<string, unknown>)['access_token'] === 'string' &&
  Number.isFinite(Number((value as Record<string, unknown>)['expires_in']));

async function readJson(response: Response): Promise<unknown> {
  try {
    return JSON.parse(await response.text());
  } catch {
    return undefined;
  }
}

/** Reads a token endpoint answer into a `TokenResult`. */
export async function readTokenResponse(response: Response): Promise<TokenResult> {
  const body = await readJson(response);
  if (response.status === 200 && isWireToken(body)) {
    const token: PostTokenResponse = {
      accessToken: body.access_token,
      expiresIn: Number(body.expires_in),
      tokenType: 'Bearer',
    };
    if (body.id_token) token.idToken = body.id_token;
    if (body.refresh_token) token.refreshToken = body.refresh_token;
    return { data: token, response };
  }
  if (isOAuthError(body)) return { error: body, response };
  const status = response.status === 200 ? 502 : response.status;
  return {
    error: localOAuthError(
      'server_error',
      `The token endpoint answered ${response.status} without a usable body.`,
      status,
    ),
    response,
  };
}

/** `POST /oauth/token` for one grant: a token in the SDKs' `PostTokenResponse` shape, or the typed OAuth error. */
export async function requestToken(grant: TokenGrant, options: TokenRequestOptions): Promise<TokenResult> {
  const fetch = options.fetch ?? defaultFetch;
  return readTokenResponse(await fetch(tokenRequest(grant, options)));
}
