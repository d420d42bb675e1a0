import { type Kysely, sql } from 'kysely';
import type { DialectCapabilities } from './create-db.js';
import type { Database } from './database.js';
import { isXpIndex } from './xp-indexes.js';

// A bulk load of many users is mostly index upkeep: each row is a random insert into every index of users, and each
// batch's commit writes the index pages it touched again. The indexes here only make lists faster (sorts and
// equality filters, migrations 0005 and 0006): every query answers the same without them. So a large load drops
// them and builds each once at its end, which sorts once instead of inserting row by row.
//
// Crash safety: the drop and the record of what to build (deferred_indexes) commit together, and each build commits
// with the removal of its record, so at any moment every dropped index has its record. migrateToLatest builds what
// is recorded, so a load that died leaves nothing missing past the next start of the server or the CLI.
//
// Unique indexes, and the substring index that search answers from, are never deferred: they decide what is stored
// and what a search finds.

/** The users indexes that serve speed only, from migrations 0005 and 0006; USER_XP_INDEXES' ones are deferred too. */
export const DEFERRABLE_INDEXES = [
  'users_buyer_list_order',
  'users_buyer_sort_username',
  'users_buyer_sort_email',
  'users_buyer_sort_date_created',
  'users_lower_id_buyer',
  'users_lower_username_buyer',
  'users_lower_first_name_buyer',
  'users_lower_last_name_buyer',
  'users_lower_email_buyer',
] as const;

/** Drops the deferrable indexes that exist, recording each to build later, in one transaction. */
export async function deferIndexes(db: Kysely<Database>, dialect: DialectCapabilities): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const found = (await dialect.indexDefinitions(trx, 'users')).filter(
      ({ name }) => (DEFERRABLE_INDEXES as readonly string[]).includes(name) || isXpIndex(name),
    );
    if (found.length === 0) return;
    await trx.insertInto('deferred_indexes').values(found).execute();
    for (const { name } of found) await sql`drop index ${sql.id(name)}`.execute(trx);
  });
}

/**
 * Builds every recorded index, each in a transaction that also removes its record; answers how many it built.
 * Several processes may run it at once: the record's removal comes first and only one of them gets the row.
 */
export async function buildDeferredIndexes(db: Kysely<Database>): Promise<number> {
  const pending = await db.selectFrom('deferred_indexes').select('name').orderBy('name').execute();
  let built = 0;
  for (const { name } of pending) {
    await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .deleteFrom('deferred_indexes')
        .where('name', '=', name)
        .returning('definition')
        .executeTakeFirst();
      if (claimed === undefined) return;
      await sql.raw(claimed.definition).execute(trx);
      built++;
    });
  }
  return built;
}
