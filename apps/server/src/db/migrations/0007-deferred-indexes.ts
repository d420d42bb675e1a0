import type { Kysely } from 'kysely';

// Indexes a bulk load dropped to build once at its end (see db/deferred-indexes.ts), with the statement that builds
// each. A row here outlives a load that died before its end, so the next start builds what the load left out.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('deferred_indexes')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('definition', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('deferred_indexes').execute();
}
