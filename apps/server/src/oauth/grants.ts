import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiClientRow } from '../api-clients/api-clients.repository.js';
import type { AppContext } from '../app-context.js';
import { issueAccessToken } from '../auth/access-tokens.js';
import { issueIdToken } from '../auth/id-tokens.js';
import type { Database } from '../db/database.js';
import { OAuthError } from '../http/errors.js';
import { nowIso } from '../shared/time.js';
import { hashOpaqueToken, newOpaqueToken } from './opaque-tokens.js';

/** No refresh extends a sign-in beyond a year (RFC 9700 §4.14.2: an absolute lifetime cap). */
const GRANT_MAX_LIFETIME_MS = 365 * 24 * 3600 * 1000;

export interface SignedInUser {
  uid: string;
  buyerId: string;
  userId: string;
  username: string;
}

export interface NewGrant {
  client: ApiClientRow;
  user: SignedInUser;
  roles: readonly string[];
  openid: boolean;
  /** Seconds since the epoch. */
  authTime: number;
  impersonator?: string | null;
}

export interface Grant {
  id: string;
  clientId: string;
  user: SignedInUser;
  roles: string[];
  openid: boolean;
  authTime: number;
  impersonator: string | null;
  expiresAt: string;
}

/** Records a sign-in: the family every access token, refresh token and code of it belongs to. */
export async function createGrant(db: Kysely<Database>, input: NewGrant): Promise<Grant> {
  const now = new Date();
  const grant: Grant = {
    id: randomUUID(),
    clientId: input.client.id,
    user: input.user,
    roles: [...input.roles],
    openid: input.openid,
    authTime: input.authTime,
    impersonator: input.impersonator ?? null,
    expiresAt: new Date(now.getTime() + GRANT_MAX_LIFETIME_MS).toISOString(),
  };
  await db
    .insertInto('oauth_grants')
    .values({
      id: grant.id,
      client_id: grant.clientId,
      user_uid: grant.user.uid,
      roles: JSON.stringify(grant.roles),
      openid: grant.openid ? 1 : 0,
      auth_time: grant.authTime,
      impersonator: grant.impersonator,
      created_at: now.toISOString(),
      expires_at: grant.expiresAt,
      revoked_at: null,
    })
    .execute();
  return grant;
}

/** Ends a grant: its access tokens are refused at once, its refresh tokens and codes can no longer be redeemed. */
export async function revokeGrant(db: Kysely<Database>, grantId: string): Promise<void> {
  await db
    .updateTable('oauth_grants')
    .set({ revoked_at: nowIso() })
    .where('id', '=', grantId)
    .where('revoked_at', 'is', null)
    .execute();
}

/**
 * Single use, atomically: marks the row consumed only if nobody did before. Exactly one of any number of parallel
 * callers gets true, on SQLite and PostgreSQL alike, with no lock held across statements.
 */
export async function consumeOnce(
  db: Kysely<Database>,
  table: 'oauth_refresh_tokens' | 'oauth_authorization_codes' | 'oauth_authorization_requests',
  hash: string,
): Promise<boolean> {
  const result = await db
    .updateTable(table)
    .set({ consumed_at: nowIso() })
    .where('hash', '=', hash)
    .where('consumed_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * A single-use artefact (code or refresh token) came back: revoke the grant it belongs to, so whatever its first use
 * issued stops working, and answer invalid_grant.
 */
export async function revokeOnReuse(
  context: AppContext,
  kind: 'code' | 'refresh',
  clientId: string,
  grantId: string,
): Promise<OAuthError> {
  await revokeGrant(context.db, grantId);
  context.logger.warn(`${kind}.reuse_detected`, { client_id: clientId, grant: grantId });
  return new OAuthError(
    'invalid_grant',
    `The ${kind === 'code' ? 'code' : 'refresh token'} was already used; its grant is revoked.`,
  );
}

export interface GrantTokens {
  access_token: string;
  expires_in: number;
  token_type: 'bearer';
  scope: string;
  refresh_token?: string;
  id_token?: string;
}

/**
 * Issues the tokens of one grant request: an access token carrying `roles` (the grant's, or fewer on a narrowing
 * refresh), a refresh token when the client's RefreshTokenDuration > 0, and an ID token when asked for.
 */
export async function issueGrantTokens(
  context: AppContext,
  input: { client: ApiClientRow; grant: Grant; roles: readonly string[]; idToken: { nonce: string | null } | null },
): Promise<GrantTokens> {
  const { client, grant } = input;
  const lifetimeSeconds = client.access_token_duration * 60;
  const access = await issueAccessToken(context, {
    clientId: client.id,
    roles: input.roles,
    lifetimeSeconds,
    user: grant.user,
    grantId: grant.id,
    impersonator: grant.impersonator,
  });
  const tokens: GrantTokens = {
    access_token: access.token,
    expires_in: access.expiresIn,
    token_type: 'bearer',
    scope: [...(grant.openid ? ['openid'] : []), ...input.roles].join(' '),
  };
  const refresh = await issueRefreshToken(context.db, client, grant);
  if (refresh) tokens.refresh_token = refresh;
  if (input.idToken) {
    tokens.id_token = await issueIdToken(context, {
      clientId: client.id,
      userUid: grant.user.uid,
      authTime: grant.authTime,
      nonce: input.idToken.nonce,
      accessToken: access.token,
      lifetimeSeconds,
    });
  }
  return tokens;
}

/** A refresh token of the grant, or undefined when the client issues none (RefreshTokenDuration 0). */
async function issueRefreshToken(
  db: Kysely<Database>,
  client: ApiClientRow,
  grant: Grant,
): Promise<string | undefined> {
  if (client.refresh_token_duration <= 0) return undefined;
  const token = newOpaqueToken();
  const now = new Date();
  const idleExpiry = new Date(now.getTime() + client.refresh_token_duration * 60_000).toISOString();
  await db
    .insertInto('oauth_refresh_tokens')
    .values({
      hash: hashOpaqueToken(token),
      grant_id: grant.id,
      client_id: client.id,
      created_at: now.toISOString(),
      expires_at: [idleExpiry, grant.expiresAt].sort()[0] ?? idleExpiry,
      consumed_at: null,
    })
    .execute();
  return token;
}
