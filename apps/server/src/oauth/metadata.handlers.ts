import type { Schema } from '@usher/api-types';
import type { AppContext } from '../app-context.js';
import { API_ROLES } from '../auth/roles.js';
import { ID_TOKEN_ALG, JWKS_MAX_AGE_SECONDS, type PublicJwk } from '../auth/signing-keys.js';
import type { Handler } from '../http/operation.js';
import { GRANT_TYPES_SUPPORTED, OPENID } from './token.handlers.js';

/**
 * One document for both well-known URLs, built from the configured issuer only (never the Host header). Every value
 * here is what the handlers do; the metadata tests exercise each of them.
 */
export function authorizationServerMetadata(context: AppContext): Schema<'AuthorizationServerMetadata'> {
  const issuer = context.config.issuer;
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    jwks_uri: `${issuer}/oauth/jwks`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: [...GRANT_TYPES_SUPPORTED],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    id_token_signing_alg_values_supported: [ID_TOKEN_ALG],
    subject_types_supported: ['public'],
    scopes_supported: [OPENID, ...[...API_ROLES].sort()],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash'],
    authorization_response_iss_parameter_supported: true,
  };
}

export const getOpenIdConfiguration: Handler<'getOpenIdConfiguration'> = async (_request, context) => ({
  status: 200,
  body: authorizationServerMetadata(context),
});

export const getOAuthAuthorizationServerMetadata: Handler<'getOAuthAuthorizationServerMetadata'> = async (
  _request,
  context,
) => ({ status: 200, body: authorizationServerMetadata(context) });

export const getJwks: Handler<'getJwks'> = async (_request, context) => {
  const { keys } = await context.keys.jwks();
  return {
    status: 200,
    body: { keys: keys.map(publicMembers) },
    headers: { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` },
  };
};

/** Only the public members of a key, whatever else the stored JWK holds. */
function publicMembers({ kid, alg, use, n, e, x, y }: PublicJwk): Schema<'JsonWebKeySet'>['keys'][number] {
  return alg === 'ES256'
    ? { kty: 'EC', kid, alg, use, crv: 'P-256', x: x ?? '', y: y ?? '' }
    : { kty: 'RSA', kid, alg, use, n: n ?? '', e: e ?? '' };
}
