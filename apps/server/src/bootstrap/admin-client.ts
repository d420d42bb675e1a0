import { randomUUID } from 'node:crypto';
import {
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
        const roles = new Set<string>(existing ? (JSON.parse(existing.roles) as string[]) : []);
        roles.add(FULL_ACCESS);
        const row = {
          id,
          app_name: existing?.app_name ?? 'Usher admin',
          active: 1,
          secret_hash: hashClientSecret(secretPepper, secret),
          access_token_duration: existing?.access_token_duration ?? 60,
          refresh_token_duration: existing?.refresh_token_duration ?? 0,
          allow_any_buyer: existing?.allow_any_buyer ?? 0,
          redirect_uris: existing?.redirect_uris ?? '[]',
          roles: JSON.stringify([...roles]),
          xp: existing?.xp ?? null,
          date_created: existing?.date_created ?? nowIso(),
        };
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
  await insertApiClient(db, {
    id: clientId,
    app_name: 'Usher admin (generated)',
    active: 1,
    secret_hash: hashClientSecret(secretPepper, clientSecret),
    access_token_duration: 60,
    refresh_token_duration: 0,
    allow_any_buyer: 0,
    redirect_uris: '[]',
    roles: JSON.stringify([FULL_ACCESS]),
    xp: null,
    date_created: nowIso(),
  });
  return { kind: 'generated', clientId, clientSecret };
}
