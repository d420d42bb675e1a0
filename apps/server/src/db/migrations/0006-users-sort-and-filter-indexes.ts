import { type Kysely, sql } from 'kysely';
import type { DialectCapabilities } from '../create-db.js';

// Indexes for users lists within a buyer beyond the default order (0005), so that at a million users a page does
// not read and sort the whole buyer:
//
// - Sorts: each sortable field most lists sort by, then ID, as the list query language orders them (code point
//   order, nulls first). `sortBy=Email` reads the first rows of an index; `!Email` reads it backwards and sorts only
//   each run of equal emails by ID. LastName and FirstName-after-LastName are 0005's list-order index.
// - Equality filters: the list query language compares `lower(column) = ?` for string fields, so these are
//   expression indexes on lower(column) for the fields a client finds users by (ID, Username, Email, names).
//   The buyer comes second: an index led by buyer_id would also be a candidate for reading a whole buyer (an
//   unindexed filter), and SQLite would then read the rows in that index's order, at random, instead of in the
//   order they were stored. Wildcard, negated and range filters still read every user of the buyer.
//
// xp paths are not indexed: they differ per deployment (see README, "Large data"). Columns are spelled out here
// because a migration must not change later.

const SORTED: ReadonlyArray<readonly [column: string, text: boolean]> = [
  ['username', true],
  ['email', true],
  ['date_created', false],
];

const FILTERED = ['id', 'username', 'first_name', 'last_name', 'email'] as const;

const sortIndex = (column: string) => `users_buyer_sort_${column}`;
const filterIndex = (column: string) => `users_lower_${column}_buyer`;

export const usersSortAndFilterIndexes = (dialect: DialectCapabilities) => ({
  up: async (db: Kysely<unknown>) => {
    for (const [column, text] of SORTED) {
      const keys = [dialect.ascendingIndexKey(column, text), dialect.ascendingIndexKey('id')];
      await sql`create index ${sql.id(sortIndex(column))} on users (buyer_id, ${sql.join(keys)})`.execute(db);
    }
    for (const column of FILTERED) {
      await sql`create index ${sql.id(filterIndex(column))} on users (lower(${sql.ref(column)}), buyer_id)`.execute(db);
    }
  },
  down: async (db: Kysely<unknown>) => {
    for (const column of FILTERED) await db.schema.dropIndex(filterIndex(column)).execute();
    for (const [column] of SORTED) await db.schema.dropIndex(sortIndex(column)).execute();
  },
});
