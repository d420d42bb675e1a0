import { createHash } from 'node:crypto';
import type { AppContext } from '../app-context.js';
import { nowSeconds } from '../shared/time.js';
import { signJwt } from './jwt.js';
import { ID_TOKEN_ALG } from './signing-keys.js';

export interface IdTokenInput {
  clientId: string;
  userUid: string;
  /** When the user signed in (seconds); unchanged by refreshes (OIDC Core §12.2). */
  authTime: number;
  /** Echoed only when the authorization request sent one; never on refresh. */
  nonce: string | null;
  accessToken: string;
  lifetimeSeconds: number;
}

/** OIDC Core §3.1.3.6: the left half of SHA-256 of the access token, base64url. */
export function accessTokenHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken, 'ascii').digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/**
 * Signs an OpenID Connect ID token (RS256, `typ: JWT`, so it never passes as an `at+jwt` access token). `aud` is the
 * client alone, so no `azp` is needed.
 */
export async function issueIdToken(context: AppContext, input: IdTokenInput): Promise<string> {
  const key = await context.keys.signingKey(ID_TOKEN_ALG);
  const iat = nowSeconds();
  const payload: Record<string, unknown> = {
    iss: context.config.issuer,
    sub: input.userUid,
    aud: input.clientId,
    exp: iat + input.lifetimeSeconds,
    iat,
    auth_time: input.authTime,
    at_hash: accessTokenHash(input.accessToken),
  };
  if (input.nonce !== null) payload['nonce'] = input.nonce;
  return signJwt({ alg: key.alg, typ: 'JWT', kid: key.kid }, payload, key.privateKey);
}
