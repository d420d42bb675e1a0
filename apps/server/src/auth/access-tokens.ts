import { randomUUID } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import { nowSeconds } from '../shared/time.js';
import type { AuthContext } from './auth-context.js';
import { decodeJwt, signJwt, verifyJwtSignature } from './jwt.js';

/** The audience of access tokens: this server's `/v1` API. */
export const apiAudience = (issuer: string): string => `${issuer}/v1`;

export interface IssueAccessTokenInput {
  clientId: string;
  roles: readonly string[];
  lifetimeSeconds: number;
  user?: AuthContext['user'];
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
  const key = await context.keys.signingKey();
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
  const token = signJwt({ alg: 'RS256', typ: 'at+jwt', kid: key.kid }, payload, key.privateKey);
  return { token, tokenId, expiresIn: input.lifetimeSeconds };
}

/**
 * Verifies a bearer token: signature by a published key, `typ`, issuer, audience, lifetime, and that the client
 * still exists and is active. Null for anything else; callers answer 401 without saying why.
 */
export async function verifyAccessToken(context: AppContext, token: string): Promise<AuthContext | null> {
  const jwt = decodeJwt(token);
  if (jwt?.header.typ !== 'at+jwt' || typeof jwt.header.kid !== 'string') return null;
  const publicKey = await context.keys.verificationKey(jwt.header.kid);
  if (!publicKey || !verifyJwtSignature(jwt, publicKey)) return null;
  const claims = jwt.payload;
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
  const role = claims['role'];
  const roles =
    typeof role === 'string' ? [role] : Array.isArray(role) ? role.filter((r) => typeof r === 'string') : [];

  const client = await context.db
    .selectFrom('api_clients')
    .select('active')
    .where('id', '=', clientId)
    .executeTakeFirst();
  if (client?.active !== 1) return null;

  return { tokenId, clientId, roles, user: null, issuedAt: iat, expiresAt: exp };
}
