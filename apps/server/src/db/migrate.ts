import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import type { DialectCapabilities } from './create-db.js';
import type { Database } from './database.js';
import { buildDeferredIndexes } from './deferred-indexes.js';
import * as foundation from './migrations/0001-foundation.js';
import * as users from './migrations/0002-users.js';
import * as usersIndexes from './migrations/0003-users-indexes.js';
import * as authorizationServer from './migrations/0004-authorization-server.js';
import { usersListIndexes } from './migrations/0005-users-list-indexes.js';
import { usersSortAndFilterIndexes } from './migrations/0006-users-sort-and-filter-indexes.js';
import * as deferredIndexes from './migrations/0007-deferred-indexes.js';

/**
 * Every migration, in order. A static list instead of a folder scan: it works the same from src under vitest
 * and from dist, and a migration cannot be skipped by a build that forgot to copy a file. Migrations whose SQL
 * differs by dialect take the dialect's capabilities.
 */
export const migrationsFor = (dialect: DialectCapabilities): Record<string, Migration> => ({
  '0001-foundation': foundation,
  '0002-users': users,
  '0003-users-indexes': usersIndexes,
  '0004-authorization-server': authorizationServer,
  '0005-users-list-indexes': usersListIndexes(dialect),
  '0006-users-sort-and-filter-indexes': usersSortAndFilterIndexes(dialect),
  '0007-deferred-indexes': deferredIndexes,
});

/**
 * Brings the schema to the latest version, and builds the indexes a bulk load that died left out, so that nothing
 * serves with them missing. Safe to run on every start and from several instances at once. The pending migrations
 * apply together or not at all. `migrations` is for tests.
 */
export async function migrateToLatest(
  db: Kysely<Database>,
  dialect: DialectCapabilities,
  migrations: Record<string, Migration> = migrationsFor(dialect),
): Promise<void> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  await dialect.inMigrationTransaction(db, async (connection) => {
    const { error, results } = await new Migrator({ db: connection, provider }).migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) {
      const cause = error instanceof Error ? error : new Error(String(error ?? 'unknown error'));
      throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${cause.message}`, { cause });
    }
  });
  await buildDeferredIndexes(db);
}
