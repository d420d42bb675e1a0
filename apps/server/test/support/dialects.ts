import type { Dialect } from '../../src/config.js';

export const ALL_DIALECTS: readonly Dialect[] = ['sqlite', 'postgres'];

/** The dialects this run covers: `DIALECTS=sqlite,postgres` (default sqlite, so a machine without PostgreSQL passes). */
export const DIALECTS: readonly Dialect[] = ALL_DIALECTS.filter((dialect) =>
  (process.env['DIALECTS'] ?? 'sqlite')
    .split(',')
    .map((s) => s.trim())
    .includes(dialect),
);

/** The server database that test databases are created in. */
export const PG_ADMIN_URL = process.env['PG_TEST_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
