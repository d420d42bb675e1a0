import Provider from 'oidc-provider';

// node-oidc-provider with the client_credentials grant enabled and otherwise default settings
// (opaque access tokens, in-memory adapter): what a team would pick instead of Usher for machine tokens.
const port = Number(process.argv[2] ?? 0);
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
  features: { clientCredentials: { enabled: true }, devInteractions: { enabled: false } },
});
provider.listen(port);
