import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDb, type DatabaseHandle } from '../../src/db/create-db.js';
import type { Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { preparedQuery } from '../../src/db/prepared-query.js';
import { DIALECTS } from '../support/dialects.js';
import { createTestDatabase } from '../support/test-app.js';

const buyerByIdAndName = preparedQuery(2, (db: Kysely<Database>, id: string, name: string) =>
  db.selectFrom('buyers').select(['id', 'name']).where('id', '=', id).where('name', '=', name).where('active', '=', 1),
);

describe.each(DIALECTS)('%s: preparedQuery', (dialect) => {
  let handle: DatabaseHandle;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    const database = await createTestDatabase(dialect);
    drop = database.drop;
    handle = createDb({ databaseUrl: database.url, dialect });
    await migrateToLatest(handle.db, handle.dialect);
    const row = { xp: '{}', date_created: new Date(0).toISOString() };
    await handle.db
      .insertInto('buyers')
      .values([
        { ...row, id: 'a', name: 'Alpha', active: 1 },
        { ...row, id: 'b', name: 'Beta', active: 1 },
        { ...row, id: 'c', name: 'Gamma', active: 0 },
      ])
      .execute();
  });

  afterAll(async () => {
    await handle.close();
    await drop();
  });

  test('runs with each call’s arguments and keeps the query’s own constants', async () => {
    expect(await buyerByIdAndName(handle.db, 'a', 'Alpha')).toEqual([{ id: 'a', name: 'Alpha' }]);
    expect(await buyerByIdAndName(handle.db, 'b', 'Beta')).toEqual([{ id: 'b', name: 'Beta' }]);
    expect(await buyerByIdAndName(handle.db, 'a', 'Beta')).toEqual([]);
    // `active = 1` stays a constant: the inactive buyer is never found.
    expect(await buyerByIdAndName(handle.db, 'c', 'Gamma')).toEqual([]);
  });

  test('arguments are bound values, never SQL', async () => {
    expect(await buyerByIdAndName(handle.db, "a' or '1'='1", 'Alpha')).toEqual([]);
  });

  test('works inside a transaction, which sees its own writes', async () => {
    await handle.db.transaction().execute(async (trx) => {
      await trx.updateTable('buyers').set({ name: 'Alef' }).where('id', '=', 'a').execute();
      expect(await buyerByIdAndName(trx, 'a', 'Alef')).toEqual([{ id: 'a', name: 'Alef' }]);
      await trx.updateTable('buyers').set({ name: 'Alpha' }).where('id', '=', 'a').execute();
    });
  });

  test('refuses a query that does not bind every argument', async () => {
    const unused = preparedQuery(2, (db: Kysely<Database>, id: string, _name: string) =>
      db.selectFrom('buyers').select('id').where('id', '=', id),
    );
    await expect(unused(handle.db, 'a', 'Alpha')).rejects.toThrow(/every argument/);
  });
});
