import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';

/** Every table that holds what callers wrote or were granted (signing keys and server secrets only grow at start). */
const DATA_TABLES = [
  'buyers',
  'users',
  'user_groups',
  'user_group_members',
  'security_profiles',
  'security_profile_assignments',
  'api_clients',
  'api_client_previous_secrets',
  'oauth_grants',
  'oauth_refresh_tokens',
  'oauth_authorization_requests',
  'oauth_authorization_codes',
  'oauth_revoked_access_tokens',
] as const satisfies ReadonlyArray<keyof Database>;

export interface DbSnapshot {
  counts: Record<string, number>;
  /** SHA-256 over every row of every data table, in a stable order. */
  hash: string;
}

/** Row counts and a content hash of the data tables: equal snapshots mean no request changed stored data. */
export async function snapshotDb(db: Kysely<Database>): Promise<DbSnapshot> {
  const hash = createHash('sha256');
  const counts: Record<string, number> = {};
  for (const table of DATA_TABLES) {
    const rows = (await db.selectFrom(table).selectAll().execute()).map((row) => JSON.stringify(row)).sort();
    counts[table] = rows.length;
    hash.update(`${table}\n${rows.join('\n')}\n`);
  }
  return { counts, hash: hash.digest('hex') };
}
