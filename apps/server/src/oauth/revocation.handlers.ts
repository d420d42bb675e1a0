import type { Schema } from '@usher/api-types';
import type { ApiClientRow } from '../api-clients/api-clients.repository.js';
import type { AppContext } from '../app-context.js';
import { apiAudience, liveGrant, verifiedClaims, verifyAccessToken } from '../auth/access-tokens.js';
import { OAuthError } from '../http/errors.js';
import type { Handler } from '../http/operation.js';
import { nowIso } from '../shared/time.js';
import { authenticateClientThrottled, readClientCredentials } from './client-auth.js';
import { revokeGrant } from './grants.js';
import { hashOpaqueToken } from './opaque-tokens.js';
import { NO_STORE, param } from './token.handlers.js';

/** Authenticates the caller of /oauth/revoke or /oauth/introspect exactly as the token endpoint does. */
async function callingClient(
  context: AppContext,
  body: { client_id?: string; client_secret?: string },
  headers: Readonly<Record<string, string | undefined>>,
  ip: string,
): Promise<ApiClientRow> {
  const presented = readClientCredentials(headers['authorization'], {
    client_id: param(body.client_id),
    client_secret: param(body.client_secret),
  });
  return authenticateClientThrottled(context, presented, ip);
}

/** The refresh-token row of `token` if it is one of `clientId`'s. */
async function findRefreshToken(context: AppContext, token: string, clientId: string) {
  const row = await context.db
    .selectFrom('oauth_refresh_tokens')
    .selectAll()
    .where('hash', '=', hashOpaqueToken(token))
    .executeTakeFirst();
  return row?.client_id === clientId ? row : undefined;
}

/**
 * RFC 7009. A refresh token revokes its grant (and so the grant's access tokens, R8); an access token is revoked by its
 * `jti`. Anything unknown, foreign or already dead answers 200 as well, so the endpoint reveals nothing.
 */
export const revokeToken: Handler<'revokeToken'> = async ({ body, headers, ip }, context) => {
  const client = await callingClient(context, body, headers, ip);
  const token = param(body.token);
  if (token === undefined) throw new OAuthError('invalid_request', 'token is required.');
  // token_type_hint is only a hint (RFC 7009 §2.1): both kinds are searched whatever it says.
  const refresh = await findRefreshToken(context, token, client.id);
  if (refresh) {
    await revokeGrant(context.db, refresh.grant_id);
    context.logger.info('token.revoked', { client_id: client.id, kind: 'refresh_token', grant: refresh.grant_id });
    return { status: 200, headers: NO_STORE };
  }
  const claims = await verifiedClaims(context, token);
  if (claims && claims.clientId === client.id) {
    await context.db
      .insertInto('oauth_revoked_access_tokens')
      .values({ jti: claims.tokenId, expires_at: new Date(claims.exp * 1000).toISOString() })
      .onConflict((oc) => oc.column('jti').doNothing())
      .execute();
    context.logger.info('token.revoked', { client_id: client.id, kind: 'access_token' });
  }
  return { status: 200, headers: NO_STORE };
};

type Introspection = Schema<'IntrospectionResponse'>;
const INACTIVE: Introspection = { active: false };

/** RFC 7662, for confidential clients, about their own tokens only; everything else is `{"active": false}`. */
export const introspectToken: Handler<'introspectToken'> = async ({ body, headers, ip }, context) => {
  const client = await callingClient(context, body, headers, ip);
  if (client.secret_hash === null) {
    throw new OAuthError('unauthorized_client', 'Only clients with a secret may introspect tokens.');
  }
  const token = param(body.token);
  if (token === undefined) throw new OAuthError('invalid_request', 'token is required.');
  return { status: 200, headers: NO_STORE, body: await introspect(context, token, client.id) };
};

async function introspect(context: AppContext, token: string, clientId: string): Promise<Introspection> {
  const auth = await verifyAccessToken(context, token);
  if (auth) {
    if (auth.clientId !== clientId) return INACTIVE;
    return {
      active: true,
      scope: auth.roles.join(' '),
      client_id: auth.clientId,
      token_type: 'Bearer',
      exp: auth.expiresAt,
      iat: auth.issuedAt,
      sub: auth.user?.uid ?? auth.clientId,
      ...(auth.user ? { username: auth.user.username } : {}),
      aud: apiAudience(context.config.issuer),
      iss: context.config.issuer,
      jti: auth.tokenId,
    };
  }
  const refresh = await findRefreshToken(context, token, clientId);
  if (!refresh || refresh.consumed_at !== null || refresh.expires_at <= nowIso()) return INACTIVE;
  const grant = await liveGrant(context, refresh.grant_id);
  if (!grant) return INACTIVE;
  return {
    active: true,
    scope: [...(grant.openid === 1 ? ['openid'] : []), ...(JSON.parse(grant.roles) as string[])].join(' '),
    client_id: clientId,
    token_type: 'refresh_token',
    exp: Math.floor(Date.parse(refresh.expires_at) / 1000),
    iat: Math.floor(Date.parse(refresh.created_at) / 1000),
    sub: grant.user_uid,
    username: grant.username,
    iss: context.config.issuer,
  };
}
