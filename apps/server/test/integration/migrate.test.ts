import { afterEach, describe, expect, test } from 'vitest';
import { createDb, type DatabaseHandle } from '../../src/db/create-db.js';
import { migrateToLatest, migrationsFor } from '../../src/db/migrate.js';
import { DIALECTS } from '../support/dialects.js';
import { createTestDatabase } from '../support/test-app.js';

describe.each(DIALECTS)('%s: migrateToLatest', (dialect) => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const newDatabase = async (): Promise<DatabaseHandle> => {
    const database = await createTestDatabase(dialect);
    cleanups.push(database.drop);
    const handle = createDb({ databaseUrl: database.url, dialect });
    cleanups.push(() => handle.close());
    return handle;
  };
  const tableNames = async (handle: DatabaseHandle) =>
    (await handle.db.introspection.getTables()).map((table) => table.name);

  test('a new database whose last migration fails keeps none of them, and migrates fully once it is fixed', async () => {
    const handle = await newDatabase();
    const failing = {
      ...migrationsFor(handle.dialect),
      '9999-fails': {
        up: async () => {
          throw new Error('deliberate failure');
        },
      },
    };
    await expect(migrateToLatest(handle.db, handle.dialect, failing)).rejects.toThrow(
      'Database migration 9999-fails failed: deliberate failure',
    );
    const afterFailure = await tableNames(handle);
    expect(afterFailure).not.toContain('buyers');
    expect(afterFailure).not.toContain('users');

    await migrateToLatest(handle.db, handle.dialect);
    expect(await tableNames(handle)).toEqual(expect.arrayContaining(['buyers', 'users', 'signing_keys']));
    const applied = await handle.db
      .selectFrom('kysely_migration' as never)
      .select('name' as never)
      .execute();
    expect(applied.map((row) => (row as { name: string }).name)).toEqual(Object.keys(migrationsFor(handle.dialect)));
  });

  test('running it again on a migrated database changes nothing', async () => {
    const handle = await newDatabase();
    await migrateToLatest(handle.db, handle.dialect);
    const before = await tableNames(handle);
    await migrateToLatest(handle.db, handle.dialect);
    expect(await tableNames(handle)).toEqual(before);
  });
});
