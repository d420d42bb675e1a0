import type { Middleware } from 'openapi-fetch';
import type { OAuthErrorBody } from './errors.js';
import {
  type ClientAuthentication,
  type FetchLike,
  type PostTokenResponse,
  requestToken,
  type Scope,
  type TokenGrant,
  type TokenResult,
} from './token.js';

/** Sign in as an application (`client_credentials`): the client needs a secret. */
export interface ClientCredentialsAuth {
  clientId: string;
  clientSecret: string;
  scope?: Scope;
  username?: never;
  accessToken?: never;
}

/** Sign in as a user (`password`); `clientSecret` only for confidential clients. */
export interface PasswordAuth {
  clientId: string;
  clientSecret?: string;
  username: string;
  password: string;
  scope?: Scope;
  accessToken?: never;
}

/**
 * Use a token obtained elsewhere. With `refreshToken` and `clientId` the client refreshes it; without them it sends
 * it as it is until the server refuses it.
 */
export interface TokenAuth {
  accessToken: string;
  /** Seconds the token has left; unknown means "until the server answers 401". */
  expiresIn?: number;
  refreshToken?: string;
  clientId?: string;
  clientSecret?: string;
  username?: never;
}

export type AuthOptions = ClientCredentialsAuth | PasswordAuth | TokenAuth;

export interface AuthSessionOptions {
  baseUrl: string;
  fetch: FetchLike;
  clientAuthentication?: ClientAuthentication;
  /** Refresh this many seconds before the token expires. Default 30. */
  refreshSkewSeconds?: number;
  /** Milliseconds since the epoch; injectable so expiry can be tested without fake timers. */
  now?: () => number;
}

/** The tokens a client holds, shared by all its requests. */
export interface AuthSession {
  /** A token that is not about to expire: the held one, or a new one (one request serves all concurrent callers). */
  getToken(): Promise<TokenResult>;
  /** Forgets `accessToken` (e.g. after a 401) so the next `getToken()` obtains a new one. Other tokens are kept. */
  invalidate(accessToken: string): void;
  /** Forgets every token; the next call signs in again with the configured credentials. */
  signOut(): void;
}

interface HeldToken {
  token: PostTokenResponse;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** The grant that signs in from scratch, or undefined when only a given token is known. */
function signInGrant(auth: AuthOptions): TokenGrant | undefined {
  if (auth.accessToken !== undefined) return undefined;
  if (auth.username !== undefined) return { grantType: 'password', ...auth };
  return { grantType: 'client_credentials', ...auth };
}

export function createAuthSession(auth: AuthOptions, options: AuthSessionOptions): AuthSession {
  const now = options.now ?? Date.now;
  const skewMs = (options.refreshSkewSeconds ?? 30) * 1000;
  const tokenOptions = {
    baseUrl: options.baseUrl,
    fetch: options.fetch,
    ...(options.clientAuthentication ? { clientAuthentication: options.clientAuthentication } : {}),
  };
  const signIn = signInGrant(auth);
  const clientId = auth.clientId;
  const clientSecret = auth.clientSecret;
  const given: HeldToken | undefined =
    auth.accessToken === undefined
      ? undefined
      : {
          token: {
            accessToken: auth.accessToken,
            expiresIn: auth.expiresIn ?? 0,
            tokenType: 'Bearer',
            ...(auth.refreshToken ? { refreshToken: auth.refreshToken } : {}),
          },
          expiresAt: auth.expiresIn === undefined ? Number.POSITIVE_INFINITY : now() + auth.expiresIn * 1000,
        };
  let held = given;
  let inFlight: Promise<TokenResult> | undefined;

  async function obtain(): Promise<TokenResult> {
    const refreshToken = held?.token.refreshToken;
    if (refreshToken !== undefined && clientId !== undefined) {
      const refreshed = await requestToken(
        { grantType: 'refresh_token', clientId, refreshToken, ...(clientSecret ? { clientSecret } : {}) },
        tokenOptions,
      );
      // A refused refresh token (expired, revoked) falls back to signing in again when credentials are configured.
      if (refreshed.data || signIn === undefined) return keepRefreshToken(refreshed, refreshToken);
    }
    if (signIn !== undefined) return requestToken(signIn, tokenOptions);
    // Nothing to refresh with: the given token is all there is; the server decides whether it still works.
    return { data: (held ?? (given as HeldToken)).token };
  }

  /** RFC 6749 §6: the server may answer a refresh without a new refresh token; the old one then stays valid. */
  function keepRefreshToken(result: TokenResult, refreshToken: string): TokenResult {
    if (result.data && result.data.refreshToken === undefined)
      return { ...result, data: { ...result.data, refreshToken } };
    return result;
  }

  function fresh(token: HeldToken | undefined): token is HeldToken {
    return token !== undefined && now() < token.expiresAt - Math.min(skewMs, token.token.expiresIn * 500);
  }

  return {
    getToken() {
      if (fresh(held)) return Promise.resolve({ data: held.token });
      inFlight ??= obtain()
        .then((result) => {
          if (result.data && result.data !== held?.token) {
            held = { token: result.data, expiresAt: now() + result.data.expiresIn * 1000 };
          }
          return result;
        })
        .finally(() => {
          inFlight = undefined;
        });
      return inFlight;
    },
    invalidate(accessToken) {
      if (held?.token.accessToken === accessToken) held = { ...held, expiresAt: Number.NEGATIVE_INFINITY };
    },
    signOut() {
      held = undefined;
    },
  };
}

/** Only the OrderCloud API (`/v1/…`) takes bearer tokens; `/oauth/*`, discovery and `/healthz` do not. */
const needsBearer = (schemaPath: string): boolean => schemaPath.startsWith('/v1/');

const bearerOf = (request: Request): string | undefined =>
  /^Bearer (.+)$/.exec(request.headers.get('Authorization') ?? '')?.[1];

function withBearer(request: Request, accessToken: string): Request {
  const headers = new Headers(request.headers);
  headers.set('Authorization', `Bearer ${accessToken}`);
  return new Request(request, { headers });
}

/**
 * What an API call answers when no token could be obtained: 401 with the token endpoint's OAuth error, whose
 * `Errors` array makes it a valid OrderCloud error body too, so callers read it like any other `/v1` error.
 */
function signInFailed(error: OAuthErrorBody): Response {
  return new Response(JSON.stringify(error), {
    status: 401,
    headers: { 'Content-Type': 'application/json', 'WWW-Authenticate': 'Bearer' },
  });
}

/**
 * openapi-fetch middleware: attaches the session's token to `/v1` calls (unless the call sets its own
 * Authorization header), and on a 401 obtains a new token and retries the call once.
 */
export function authMiddleware(session: AuthSession): Middleware {
  // Retry copies by request id: a sent Request's body cannot be read again.
  const sentWithToken = new Map<string, Request>();
  return {
    async onRequest({ request, schemaPath, id }) {
      if (!needsBearer(schemaPath) || request.headers.has('Authorization')) return undefined;
      const result = await session.getToken();
      if (result.error) return signInFailed(result.error);
      const authorized = withBearer(request, result.data.accessToken);
      sentWithToken.set(id, authorized.clone());
      return authorized;
    },
    async onResponse({ response, id, options }) {
      const sent = sentWithToken.get(id);
      sentWithToken.delete(id);
      if (sent === undefined || response.status !== 401) return undefined;
      const usedToken = bearerOf(sent);
      if (usedToken !== undefined) session.invalidate(usedToken);
      const result = await session.getToken();
      if (result.error || result.data.accessToken === usedToken) return undefined;
      return options.fetch(withBearer(sent, result.data.accessToken));
    },
    onError({ id }) {
      sentWithToken.delete(id);
      return undefined;
    },
  };
}
