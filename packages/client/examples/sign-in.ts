import { createClient, requestToken } from '@usher/client';

const baseUrl = 'http://localhost:8080';

// An application: client_credentials.
export const asApplication = createClient({
  baseUrl,
  auth: { clientId: 'my-client-id', clientSecret: 'my-client-secret' },
});

// A buyer user: password grant (a public client needs no secret); refreshes with the refresh token.
export const asUser = createClient({
  baseUrl,
  auth: { clientId: 'storefront', username: 'ann', password: 'Correct-Horse-7', scope: 'Shopper MeAdmin' },
});

// A token you already have (from a login page, a cookie, …).
export const withToken = createClient({ baseUrl, auth: { accessToken: 'eyJhbGciOi…', expiresIn: 3600 } });

// The token endpoint on its own: the OrderCloud SDKs' PostTokenResponse, or the typed OAuth error.
const token = await requestToken(
  { grantType: 'client_credentials', clientId: 'my-client-id', clientSecret: 'my-client-secret' },
  { baseUrl },
);
if (token.data) console.log(token.data.tokenType, token.data.accessToken, token.data.expiresIn);
else console.log(token.error.error, token.error.error_description);
