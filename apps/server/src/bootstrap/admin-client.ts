import { randomUUID } from 'node:crypto';
import {
  type ApiClientRow,
  countApiClients,
  findApiClient,
  insertApiClient,
  replaceApiClient,
} from '../api-clients/api-clients.repository.js';
import type { AppContext } from '../app-context.js';
import { FULL_ACCESS } from '../auth/auth-context.js';
import { generateClientSecret, hashClientSecret } from '../auth/client-secrets.js';
import { nowIso } from '../shared/time.js';

export type AdminClientOutcome =
  | { kind: 'configured'; clientId: string }
  | { kind: 'generated'; clientId: string; clientSecret: string }
  | { kind: 'none' };

/**
 * Makes sure someone can call the API: the ADMIN_CLIENT_ID/SECRET client is created or updated to hold FullAccess;
 * without them, a first start on an empty database generates one whose secret the caller prints once.
 */
export async function ensureAdminClient(context: AppContext): Promise<AdminClientOutcome> {
  const { db, config, secretPepper } = context;
  if (config.adminClient) {
    const { id, secret } = config.adminClient;
    const upsert = () =>
      db.transaction().execute(async (trx) => {
        const existing = await findApiClient(trx, id);
        const secretHash = hashClientSecret(secretPepper, secret);
        // An existing client keeps its settings; it is made active, gets the configured secret and holds FullAccess.
        const row: ApiClientRow = existing
          ? {
              ...existing,
              active: 1,
              secret_hash: secretHash,
              roles: JSON.stringify([...new Set([...(JSON.parse(existing.roles) as string[]), FULL_ACCESS])]),
            }
          : fullAccessClientRow(id, 'Usher admin', secretHash);
        if (existing) await replaceApiClient(trx, id, row);
        else await insertApiClient(trx, row);
      });
    try {
      await upsert();
    } catch (error) {
      // Instances started together on one database: another one inserted the client first; update it instead.
      if (!context.dialect.isUniqueViolation(error)) throw error;
      await upsert();
    }
    return { kind: 'configured', clientId: id };
  }
  if ((await countApiClients(db)) > 0) return { kind: 'none' };
  const clientId = randomUUID();
  const clientSecret = generateClientSecret();
  await insertApiClient(
    db,
    fullAccessClientRow(clientId, 'Usher admin (generated)', hashClientSecret(secretPepper, clientSecret)),
  );
  return { kind: 'generated', clientId, clientSecret };
}

/** A new active FullAccess client with the API's defaults for everything else. */
function fullAccessClientRow(id: string, appName: string, secretHash: string): ApiClientRow {
  return {
    id,
    app_name: appName,
    active: 1,
    secret_hash: secretHash,
    access_token_duration: 60,
    refresh_token_duration: 0,
    allow_any_buyer: 0,
    redirect_uris: '[]',
    roles: JSON.stringify([FULL_ACCESS]),
    xp: null,
    date_created: nowIso(),
  };
}
