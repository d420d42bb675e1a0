import { issueAccessToken } from '../auth/access-tokens.js';
import { grantRoles, parseScope } from '../auth/roles.js';
import { OAuthError } from '../http/errors.js';
import type { Handler } from '../http/operation.js';
import { authenticateClient, readClientCredentials } from './client-auth.js';

/** RFC 6749 §5.1: token responses are never cached. */
export const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** RFC 6749 §3.2: an empty parameter is the same as an absent one. */
const param = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

export const createToken: Handler<'createToken'> = async ({ body, headers }, context) => {
  const grantType = param(body.grant_type);
  if (grantType === undefined) throw new OAuthError('invalid_request', 'grant_type is required.');
  const presented = readClientCredentials(headers['authorization'], {
    client_id: param(body.client_id),
    client_secret: param(body.client_secret),
  });
  switch (grantType) {
    case 'client_credentials': {
      const client = await authenticateClient(context, presented);
      if (client.secret_hash === null) {
        throw new OAuthError('unauthorized_client', 'A public client cannot use the client_credentials grant.');
      }
      const roles = grantRoles(JSON.parse(client.roles) as string[], parseScope(param(body.scope)));
      const issued = await issueAccessToken(context, {
        clientId: client.id,
        roles,
        lifetimeSeconds: client.access_token_duration * 60,
      });
      return {
        status: 200,
        headers: NO_STORE,
        body: {
          access_token: issued.token,
          expires_in: issued.expiresIn,
          scope: roles.join(' '),
          token_type: 'bearer',
        },
      };
    }
    default:
      throw new OAuthError('unsupported_grant_type', 'The grant type is not supported.');
  }
};
