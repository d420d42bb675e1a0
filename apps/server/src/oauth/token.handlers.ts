import type { ApiClientRow } from '../api-clients/api-clients.repository.js';
import type { AppContext } from '../app-context.js';
import { issueAccessToken, liveGrant } from '../auth/access-tokens.js';
import { grantRoles, parseScope } from '../auth/roles.js';
import { OAuthError } from '../http/errors.js';
import type { ApiRequest, Handler } from '../http/operation.js';
import { nowIso, nowSeconds } from '../shared/time.js';
import { authenticateClientThrottled, readClientCredentials } from './client-auth.js';
import { consumeOnce, createGrant, type Grant, type GrantTokens, issueGrantTokens, revokeOnReuse } from './grants.js';
import { sweepExpiredSoon } from './housekeeping.js';
import { hashOpaqueToken } from './opaque-tokens.js';
import { isPkceValue, verifierMatches } from './pkce.js';
import { signIn } from './sign-in.js';

/** RFC 6749 §5.1: token responses are never cached. */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** RFC 6749 §3.2: an empty parameter is the same as an absent one. */
export const param = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

export const OPENID = 'openid';

/** The roles and the `openid` flag a scope asks for: `openid` is not a role. */
export function splitScope(scope: string | undefined): { roles: string[] | null; openid: boolean } {
  const words = parseScope(scope);
  if (words === null) return { roles: null, openid: false };
  const roles = words.filter((word) => word !== OPENID);
  return { roles: roles.length === 0 ? null : roles, openid: words.includes(OPENID) };
}

type TokenBody = ApiRequest<'createToken'>['body'];

const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);

type GrantHandler = (context: AppContext, client: ApiClientRow, body: TokenBody, ip: string) => Promise<GrantTokens>;

/** Every grant this endpoint serves; discovery's grant_types_supported is read from here, so the two cannot differ. */
const GRANTS: Readonly<Record<string, GrantHandler>> = {
  authorization_code: authorizationCodeGrant,
  client_credentials: clientCredentialsGrant,
  password: passwordGrant,
  refresh_token: refreshTokenGrant,
};

export const GRANT_TYPES_SUPPORTED: readonly string[] = Object.keys(GRANTS);

export const createToken: Handler<'createToken'> = async ({ body, headers, ip }, context) => {
  const grantType = param(body.grant_type);
  if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required.');
  const presented = readClientCredentials(headers['authorization'], {
    client_id: param(body.client_id),
    client_secret: param(body.client_secret),
  });
  const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
  if (!grant) throw new OAuthError('unsupported_grant_type', 'The grant type is not supported.');
  const client = await authenticateClientThrottled(context, presented, ip);
  let tokens: GrantTokens;
  try {
    tokens = await grant(context, client, body, ip);
  } catch (error) {
    if (error instanceof OAuthError) {
      context.logger.info('grant.error', { grant_type: grantType, client_id: client.id, error: error.error, ip });
    }
    throw error;
  }
  context.logger.info('grant.success', { grant_type: grantType, client_id: client.id, ip });
  sweepExpiredSoon(context);
  return { status: 200, headers: NO_STORE, body: tokens };
};

async function clientCredentialsGrant(
  context: AppContext,
  client: ApiClientRow,
  body: TokenBody,
): Promise<GrantTokens> {
  if (client.secret_hash === null) {
    throw new OAuthError('unauthorized_client', 'A public client cannot use the client_credentials grant.');
  }
  const roles = grantRoles(JSON.parse(client.roles) as string[], splitScope(param(body.scope)).roles);
  const issued = await issueAccessToken(context, {
    clientId: client.id,
    roles,
    lifetimeSeconds: client.access_token_duration * 60,
  });
  return { access_token: issued.token, expires_in: issued.expiresIn, scope: roles.join(' '), token_type: 'bearer' };
}

async function passwordGrant(
  context: AppContext,
  client: ApiClientRow,
  body: TokenBody,
  ip: string,
): Promise<GrantTokens> {
  const username = param(body.username);
  const password = param(body.password);
  if (username === undefined || password === undefined) {
    throw new OAuthError('invalid_request', 'username and password are required.', {
      orderCloudCode: 'Auth.UsernameAndPasswordRequired',
    });
  }
  const signedIn = await signIn(context, { client, username, password, ip });
  const roles = grantRoles(signedIn.roles, splitScope(param(body.scope)).roles);
  const grant = await createGrant(context.db, {
    client,
    user: signedIn.user,
    roles,
    openid: false,
    authTime: nowSeconds(),
  });
  return issueGrantTokens(context, { client, grant, roles, idToken: null });
}

/**
 * RFC 6749 §4.1.3 with PKCE. The checks that a stranger could fail (client, redirect_uri, verifier) come before the
 * code is consumed, so a replay with wrong parameters changes nothing (OAuth 2.1 §7.5.2); a second valid redemption
 * revokes everything the first one issued.
 */
async function authorizationCodeGrant(
  context: AppContext,
  client: ApiClientRow,
  body: TokenBody,
): Promise<GrantTokens> {
  const code = param(body.code);
  const redirectUri = param(body.redirect_uri);
  // The seed names the verifier `code_challenge`; RFC 7636 names it `code_verifier`.
  const verifier = param(body.code_verifier) ?? param(body.code_challenge);
  if (code === undefined) throw new OAuthError('invalid_request', 'code is required.');
  if (verifier === undefined) throw new OAuthError('invalid_request', 'code_verifier is required.');
  if (!isPkceValue(verifier)) {
    throw new OAuthError('invalid_request', 'code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~.');
  }
  const codeHash = hashOpaqueToken(code);
  const row = await context.db
    .selectFrom('oauth_authorization_codes')
    .selectAll()
    .where('hash', '=', codeHash)
    .executeTakeFirst();
  if (!row || row.client_id !== client.id) throw invalidGrant('The code is invalid.');
  if (redirectUri !== undefined && redirectUri !== row.redirect_uri) {
    throw invalidGrant('redirect_uri differs from the authorization request.');
  }
  if (!verifierMatches(verifier, row.code_challenge)) throw invalidGrant('code_verifier does not match.');
  // The grant is read before the code is consumed, as a refresh does: the losers of parallel redemptions revoke it,
  // and the one redemption that consumed the code must still be answered (its tokens die with the grant, as RFC 6749
  // §4.1.2 asks) rather than fail because a loser came first.
  const grant = await loadLiveGrant(context, row.grant_id);
  if (row.consumed_at !== null || !(await consumeOnce(context.db, 'oauth_authorization_codes', codeHash))) {
    throw await revokeOnReuse(context, 'code', client.id, row.grant_id);
  }
  if (row.expires_at <= nowIso()) throw invalidGrant('The code has expired.');
  if (!grant) throw invalidGrant('The code is invalid.');
  return issueGrantTokens(context, {
    client,
    grant,
    roles: grant.roles,
    idToken: grant.openid ? { nonce: row.nonce } : null,
  });
}

/**
 * Rotation (RFC 9700 §4.14.2): every use consumes the token and issues a successor in the same grant. A consumed token
 * presented again (including the losers of a parallel race) revokes that grant only.
 */
async function refreshTokenGrant(context: AppContext, client: ApiClientRow, body: TokenBody): Promise<GrantTokens> {
  const token = param(body.refresh_token);
  if (token === undefined) throw new OAuthError('invalid_request', 'refresh_token is required.');
  const tokenHash = hashOpaqueToken(token);
  const row = await context.db
    .selectFrom('oauth_refresh_tokens')
    .selectAll()
    .where('hash', '=', tokenHash)
    .executeTakeFirst();
  if (!row || row.client_id !== client.id) throw invalidGrant('The refresh token is invalid.');
  const reuse = () => revokeOnReuse(context, 'refresh', client.id, row.grant_id);
  if (row.consumed_at !== null) throw await reuse();
  if (row.expires_at <= nowIso()) throw invalidGrant('The refresh token has expired.');
  const grant = await loadLiveGrant(context, row.grant_id);
  if (!grant) throw invalidGrant('The refresh token is invalid.');
  const requested = splitScope(param(body.scope));
  const beyondGrant = (requested.roles ?? []).filter((role) => !grant.roles.includes(role));
  if (beyondGrant.length > 0 || (requested.openid && !grant.openid)) {
    // Refused before consumption, so a client asking too much keeps its refresh token.
    throw new OAuthError('invalid_scope', 'A refresh may narrow the scope of the grant, never widen it.');
  }
  if (!(await consumeOnce(context.db, 'oauth_refresh_tokens', tokenHash))) throw await reuse();
  return issueGrantTokens(context, {
    client,
    grant,
    roles: requested.roles ?? grant.roles,
    idToken: grant.openid ? { nonce: null } : null,
  });
}

/** The grant with its user, if it may still issue tokens (see liveGrant). */
async function loadLiveGrant(context: AppContext, grantId: string): Promise<Grant | undefined> {
  const row = await liveGrant(context, grantId);
  if (!row) return undefined;
  return {
    id: row.id,
    clientId: row.client_id,
    user: { uid: row.user_uid, buyerId: row.buyer_id, userId: row.user_id, username: row.username },
    roles: JSON.parse(row.roles) as string[],
    openid: row.openid === 1,
    authTime: row.auth_time,
    impersonator: row.impersonator,
    expiresAt: row.expires_at,
  };
}
