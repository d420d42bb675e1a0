import { type Kysely, sql } from 'kysely';
import type { DialectCapabilities } from '../create-db.js';

// The default user order as the list query language sorts it (code point order, nulls first), replacing 0003's
// index, which PostgreSQL could not use for that order: a first page read the whole buyer and sorted it.
//
// An index for the list query language's `search` (a case-insensitive substring of any searchable field) over users,
// so a search among a million users reads the matches instead of every row: an FTS5 trigram table on SQLite,
// pg_trgm GIN indexes on PostgreSQL (see DialectCapabilities.createSubstringIndex). The columns are the users
// list's searchable fields (users.mapper.ts USER_LIST), spelled out here because a migration must not change later.

const USERS_SEARCHABLE = ['id', 'username', 'first_name', 'last_name', 'email'] as const;

const DEFAULT_ORDER = ['last_name', 'first_name', 'id'] as const;

export const usersListIndexes = (dialect: DialectCapabilities) => ({
  up: async (db: Kysely<unknown>) => {
    await db.schema.dropIndex('users_buyer_default_order').execute();
    const keys = DEFAULT_ORDER.map((column) => dialect.ascendingIndexKey(column));
    await sql`create index users_buyer_list_order on users (buyer_id, ${sql.join(keys)})`.execute(db);
    await dialect.createSubstringIndex(db, 'users', USERS_SEARCHABLE);
  },
  down: async (db: Kysely<unknown>) => {
    await dialect.dropSubstringIndex(db, 'users', USERS_SEARCHABLE);
    await db.schema.dropIndex('users_buyer_list_order').execute();
    await db.schema
      .createIndex('users_buyer_default_order')
      .on('users')
      .columns(['buyer_id', ...DEFAULT_ORDER])
      .execute();
  },
});
