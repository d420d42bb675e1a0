import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

// node-oidc-provider with the client_credentials grant enabled and otherwise default settings
// (opaque access tokens, in-memory adapter): what a team would pick instead of Usher for machine tokens.
// With `jwt` as the second argument it issues ES256-signed JWT access tokens instead (through resource indicators,
// its way to choose a token format), like Usher's: the same work per token, for contrast.
const port = Number(process.argv[2] ?? 0);
const jwt = process.argv[3] === 'jwt';
const RESOURCE = 'https://api.bench.test';

const keyOf = (type: 'ec' | 'rsa', alg: string) => {
  const { privateKey } =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: alg.toLowerCase(), alg, use: 'sig' };
};

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'bench',
      client_secret: 'bench-secret-0123456789',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_post',
    },
  ],
  features: {
    clientCredentials: { enabled: true },
    devInteractions: { enabled: false },
    ...(jwt
      ? {
          resourceIndicators: {
            enabled: true,
            defaultResource: () => RESOURCE,
            useGrantedResource: () => true,
            getResourceServerInfo: () => ({
              scope: '',
              audience: RESOURCE,
              accessTokenFormat: 'jwt' as const,
              jwt: { sign: { alg: 'ES256' as const } },
            }),
          },
        }
      : {}),
  },
  ...(jwt ? { jwks: { keys: [keyOf('rsa', 'RS256'), keyOf('ec', 'ES256')] } } : {}),
});
provider.listen(port);
