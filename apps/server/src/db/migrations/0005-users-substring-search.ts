import type { Kysely } from 'kysely';
import type { DialectCapabilities } from '../create-db.js';

// An index for the list query language's `search` (a case-insensitive substring of any searchable field) over users,
// so a search among a million users reads the matches instead of every row: an FTS5 trigram table on SQLite,
// pg_trgm GIN indexes on PostgreSQL (see DialectCapabilities.createSubstringIndex). The columns are the users
// list's searchable fields (users.mapper.ts USER_LIST), spelled out here because a migration must not change later.

const USERS_SEARCHABLE = ['id', 'username', 'first_name', 'last_name', 'email'] as const;

export const usersSubstringSearch = (dialect: DialectCapabilities) => ({
  up: (db: Kysely<unknown>) => dialect.createSubstringIndex(db, 'users', USERS_SEARCHABLE),
  down: (db: Kysely<unknown>) => dialect.dropSubstringIndex(db, 'users', USERS_SEARCHABLE),
});
