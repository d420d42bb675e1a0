import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { Database } from './database.js';
import * as foundation from './migrations/0001-foundation.js';
import * as users from './migrations/0002-users.js';
import * as usersIndexes from './migrations/0003-users-indexes.js';
import * as authorizationServer from './migrations/0004-authorization-server.js';

/**
 * Every migration, in order. A static list instead of a folder scan: it works the same from src under vitest
 * and from dist, and a migration cannot be skipped by a build that forgot to copy a file.
 */
export const migrations: Record<string, Migration> = {
  '0001-foundation': foundation,
  '0002-users': users,
  '0003-users-indexes': usersIndexes,
  '0004-authorization-server': authorizationServer,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema to the latest version; safe to run on every start and from several instances at once. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const cause = error instanceof Error ? error : new Error(String(error ?? 'unknown error'));
    throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${cause.message}`, { cause });
  }
}
