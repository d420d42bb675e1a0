import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AppContext } from '../app-context.js';
import type { Database } from '../db/database.js';
import { preparedQuery } from '../db/prepared-query.js';
import { nowIso, nowSeconds } from '../shared/time.js';
import type { AuthContext } from './auth-context.js';
import { decodeJwt, signJwt, verifyJwtSignature } from './jwt.js';
import { ACCESS_TOKEN_ALGS, type SigningKeys } from './signing-keys.js';

/** The audience of access tokens: this server's `/v1` API. */
export const apiAudience = (issuer: string): string => `${issuer}/v1`;

export interface IssueAccessTokenInput {
  clientId: string;
  roles: readonly string[];
  lifetimeSeconds: number;
  user?: AuthContext['user'];
  /** The grant (sign-in) the token belongs to: revoking the grant refuses the token at once. */
  grantId?: string;
  /** Who impersonates the user (OrderCloud's `imp`). */
  impersonator?: string | null;
}

export interface IssuedAccessToken {
  token: string;
  tokenId: string;
  expiresIn: number;
}

/**
 * Signs an RFC 9068 JWT access token. Claims follow OrderCloud where it has them (`cid`, `role`, `usr`, `u`,
 * `usrtype`) and RFC 9068 where it does not (`sub`, `client_id`, `jti`, `typ: at+jwt`).
 */
export async function issueAccessToken(context: AppContext, input: IssueAccessTokenInput): Promise<IssuedAccessToken> {
  const key = await context.keys.signingKey(...ACCESS_TOKEN_ALGS);
  const iat = nowSeconds();
  const tokenId = randomUUID();
  const payload: Record<string, unknown> = {
    iss: context.config.issuer,
    aud: apiAudience(context.config.issuer),
    sub: input.user ? input.user.uid : input.clientId,
    cid: input.clientId,
    client_id: input.clientId,
    jti: tokenId,
    iat,
    nbf: iat,
    exp: iat + input.lifetimeSeconds,
    // OrderCloud writes a single role as a string and several as an array.
    role: input.roles.length === 1 ? input.roles[0] : [...input.roles],
  };
  if (input.user) {
    Object.assign(payload, {
      usr: input.user.username,
      u: input.user.uid,
      usrtype: 'buyer',
      buyer: input.user.buyerId,
      uid: input.user.userId,
    });
  }
  if (input.grantId) payload['sid'] = input.grantId;
  if (input.impersonator) payload['imp'] = input.impersonator;
  const token = signJwt({ alg: key.alg, typ: 'at+jwt', kid: key.kid }, payload, key.privateKey);
  return { token, tokenId, expiresIn: input.lifetimeSeconds };
}

/**
 * Verifies a bearer token: signature by a published key, `typ`, issuer, audience, lifetime, that the client still
 * exists and is active, that the token was not revoked one by one, and for user tokens that their grant is not revoked,
 * the user and its buyer still exist and are active, and the user's tokens were not revoked after the grant began.
 * Null for anything else; callers answer 401 without saying why.
 */
export async function verifyAccessToken(context: AppContext, token: string): Promise<AuthContext | null> {
  const claims = await verifiedClaims(context, token);
  if (!claims) return null;
  const { clientId, tokenId, iat, exp } = claims;
  const role = claims.payload['role'];
  const roles =
    typeof role === 'string' ? [role] : Array.isArray(role) ? role.filter((r) => typeof r === 'string') : [];

  const [standing] = await tokenStanding(context.db, clientId, tokenId);
  if (standing?.active !== 1 || standing.revoked !== null) return null;

  const grantId = claims.payload['sid'];
  if (grantId === undefined) return { tokenId, clientId, roles, user: null, issuedAt: iat, expiresAt: exp };
  if (typeof grantId !== 'string') return null;
  const live = await liveGrant(context, grantId);
  if (!live || live.client_id !== clientId) return null;
  const impersonator = claims.payload['imp'];
  return {
    tokenId,
    clientId,
    roles,
    user: { uid: live.user_uid, buyerId: live.buyer_id, userId: live.user_id, username: live.username },
    issuedAt: iat,
    expiresAt: exp,
    grantId,
    impersonator: typeof impersonator === 'string' ? impersonator : null,
  };
}

/**
 * Payloads of tokens whose signature was already checked, by token text. A bearer token is presented many times;
 * checking its RSA signature once saves that work on every later call (lifetime, issuer, audience and revocation
 * are still checked every time). One cache per key set, so a server never trusts what another one verified.
 * Bounded: cleared when full.
 */
const signedPayloadsByKeys = new WeakMap<SigningKeys, Map<string, Record<string, unknown>>>();
const SIGNED_PAYLOADS_MAX = 10_000;

function signedPayloadsOf(keys: SigningKeys): Map<string, Record<string, unknown>> {
  let cache = signedPayloadsByKeys.get(keys);
  if (!cache) {
    cache = new Map();
    signedPayloadsByKeys.set(keys, cache);
  }
  return cache;
}

async function checkSignature(context: AppContext, token: string): Promise<Record<string, unknown> | null> {
  const jwt = decodeJwt(token);
  if (jwt?.header.typ !== 'at+jwt' || typeof jwt.header.kid !== 'string') return null;
  const publicKey = await context.keys.verificationKey(jwt.header.kid);
  if (!publicKey || !verifyJwtSignature(jwt, publicKey)) return null;
  const cache = signedPayloadsOf(context.keys);
  if (cache.size >= SIGNED_PAYLOADS_MAX) cache.clear();
  cache.set(token, jwt.payload);
  return jwt.payload;
}

/** The claims of a JWT access token whose signature, `typ`, issuer, audience and lifetime check out; null otherwise. */
export async function verifiedClaims(
  context: AppContext,
  token: string,
): Promise<{ payload: Record<string, unknown>; clientId: string; tokenId: string; iat: number; exp: number } | null> {
  const claims = signedPayloadsOf(context.keys).get(token) ?? (await checkSignature(context, token));
  if (!claims) return null;
  const now = nowSeconds();
  if (claims['iss'] !== context.config.issuer || claims['aud'] !== apiAudience(context.config.issuer)) return null;
  const exp = claims['exp'];
  const iat = claims['iat'];
  const nbf = claims['nbf'];
  if (typeof exp !== 'number' || exp <= now || typeof iat !== 'number') return null;
  if (typeof nbf === 'number' && nbf > now + 60) return null;
  const clientId = claims['cid'];
  const tokenId = claims['jti'];
  if (typeof clientId !== 'string' || typeof tokenId !== 'string') return null;
  return { payload: claims, clientId, tokenId, iat, exp };
}

/**
 * A grant that may still be used: not revoked, within its absolute lifetime, begun after the user's last revoke-all,
 * and whose user and buyer exist and are active. One query, so every `/v1` call sees revocations at once.
 */
export async function liveGrant(context: AppContext, grantId: string) {
  const [row] = await liveGrantRows(context.db, grantId, nowIso());
  if (!row) return undefined;
  if (row.tokens_valid_after !== null && row.created_at < row.tokens_valid_after) return undefined;
  return row;
}

/** One query for both per-call checks: the client is still active and this token was not revoked by itself. */
const tokenStanding = preparedQuery(2, (db: Kysely<Database>, clientId: string, tokenId: string) =>
  db
    .selectFrom('api_clients as c')
    .leftJoin('oauth_revoked_access_tokens as r', (join) => join.on('r.jti', '=', tokenId))
    .select(['c.active', 'r.jti as revoked'])
    .where('c.id', '=', clientId),
);

const liveGrantRows = preparedQuery(2, (db: Kysely<Database>, grantId: string, now: string) =>
  db
    .selectFrom('oauth_grants as g')
    .innerJoin('users as u', 'u.uid', 'g.user_uid')
    .innerJoin('buyers as b', 'b.id', 'u.buyer_id')
    .select([
      'g.id',
      'g.client_id',
      'g.user_uid',
      'g.roles',
      'g.openid',
      'g.auth_time',
      'g.impersonator',
      'g.created_at',
      'g.expires_at',
      'u.id as user_id',
      'u.buyer_id',
      'u.username',
      'u.tokens_valid_after',
    ])
    .where('g.id', '=', grantId)
    .where('g.revoked_at', 'is', null)
    .where('g.expires_at', '>', now)
    .where('u.active', '=', 1)
    .where('b.active', '=', 1),
);
