import type { Kysely } from 'kysely';
import type { ApiClientRow } from '../api-clients/api-clients.repository.js';
import { findApiClient } from '../api-clients/api-clients.repository.js';
import type { AppContext } from '../app-context.js';
import { verifyClientSecret } from '../auth/client-secrets.js';
import type { Database } from '../db/database.js';
import { OAuthError } from '../http/errors.js';
import { nowIso } from '../shared/time.js';
import { assertNotThrottled, recordFailure } from './failure-limiter.js';

export interface PresentedClient {
  clientId: string;
  secret: string | undefined;
  /** How the client authenticated: RFC 7591 method names. */
  method: 'client_secret_basic' | 'client_secret_post' | 'none';
}

/** RFC 6749 Appendix B: `+` is a space, then percent-decoding. */
function formUrlDecode(value: string): string {
  return decodeURIComponent(value.replaceAll('+', ' '));
}

/**
 * Reads client credentials from HTTP Basic or the body, never both (OAuth 2.1 §3.2.4). Basic's halves are
 * form-url-decoded after base64, as RFC 6749 §2.3.1 says and oauth4webapi sends.
 */
export function readClientCredentials(
  authorization: string | undefined,
  body: { client_id?: string | undefined; client_secret?: string | undefined },
): PresentedClient {
  const bodyId = body.client_id || undefined;
  const bodySecret = body.client_secret || undefined;
  if (authorization !== undefined && /^basic /i.test(authorization)) {
    const encoded = authorization.slice(6).trim();
    const decoded = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (colon < 1) throw new OAuthError('invalid_request', 'The Authorization header is not valid HTTP Basic.');
    let clientId: string;
    let secret: string;
    try {
      clientId = formUrlDecode(decoded.slice(0, colon));
      secret = formUrlDecode(decoded.slice(colon + 1));
    } catch {
      throw new OAuthError('invalid_request', 'The HTTP Basic credentials are not form-url-encoded.');
    }
    if (bodySecret !== undefined) {
      throw new OAuthError('invalid_request', 'Send the client secret in HTTP Basic or in the body, not both.');
    }
    if (bodyId !== undefined && bodyId !== clientId) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the HTTP Basic user name.');
    }
    return { clientId, secret, method: 'client_secret_basic' };
  }
  if (bodyId === undefined) throw new OAuthError('invalid_request', 'client_id is required.');
  return { clientId: bodyId, secret: bodySecret, method: bodySecret === undefined ? 'none' : 'client_secret_post' };
}

/**
 * Authenticates the client. Unknown client, inactive client, wrong secret, a secret sent to a public client and a
 * missing secret of a confidential client all fail alike with 401 invalid_client (RFC 6749 §5.2).
 */
export async function authenticateClient(context: AppContext, presented: PresentedClient): Promise<ApiClientRow> {
  const client = await findApiClient(context.db, presented.clientId);
  const secretOk =
    presented.secret === undefined
      ? client !== undefined && client.secret_hash === null
      : verifyClientSecret(context.secretPepper, presented.secret, client?.secret_hash ?? null) ||
        // Looked up for unknown clients too, so a wrong secret costs the same whether or not the client exists.
        ((await matchesPreviousSecret(context, presented.clientId, presented.secret)) && client?.secret_hash != null);
  if (client?.active !== 1 || !secretOk) {
    throw new OAuthError('invalid_client', 'Client authentication failed.', {
      status: 401,
      headers: presented.method === 'client_secret_basic' ? { 'WWW-Authenticate': 'Basic realm="usher"' } : {},
    });
  }
  return client;
}

/** True when `secret` is a replaced secret of the client whose overlap has not ended (C10). */
async function matchesPreviousSecret(context: AppContext, clientId: string, secret: string): Promise<boolean> {
  const previous = await context.db
    .selectFrom('api_client_previous_secrets')
    .select('secret_hash')
    .where('client_id', '=', clientId)
    .where('expires_at', '>', nowIso())
    .execute();
  // Every candidate is compared, so the time does not tell which one matched.
  let matched = false;
  for (const row of previous) matched = verifyClientSecret(context.secretPepper, secret, row.secret_hash) || matched;
  return matched;
}

/**
 * After a client's secret was replaced (or removed), keeps the old one working for CLIENT_SECRET_OVERLAP_SECONDS, so
 * the application can roll its configuration without downtime. Removing the secret (public client) keeps nothing.
 */
export async function keepPreviousSecret(
  context: AppContext,
  db: Kysely<Database>,
  clientId: string,
  previousHash: string | null,
  nextHash: string | null,
): Promise<void> {
  const overlap = context.config.clientSecretOverlapSeconds;
  if (overlap <= 0 || previousHash === null || nextHash === null || previousHash === nextHash) return;
  await db
    .insertInto('api_client_previous_secrets')
    .values({
      client_id: clientId,
      secret_hash: previousHash,
      expires_at: new Date(Date.now() + overlap * 1000).toISOString(),
    })
    .onConflict((oc) =>
      oc.columns(['client_id', 'secret_hash']).doUpdateSet({
        expires_at: new Date(Date.now() + overlap * 1000).toISOString(),
      }),
    )
    .execute();
}

/**
 * authenticateClient behind the failure limiter: a client_id or address that failed too often answers 429 before its
 * secret is even checked, and every failure counts against both.
 */
export async function authenticateClientThrottled(
  context: AppContext,
  presented: PresentedClient,
  ip: string,
): Promise<ApiClientRow> {
  assertNotThrottled(context.failures, presented.clientId, ip);
  try {
    return await authenticateClient(context, presented);
  } catch (error) {
    if (error instanceof OAuthError && error.error === 'invalid_client') {
      recordFailure(context.failures, presented.clientId, ip);
      context.logger.info('client_auth.failed', { client_id: presented.clientId, method: presented.method, ip });
    }
    throw error;
  }
}
