import type { SelectQueryBuilder } from 'kysely';
import type { DialectCapabilities } from './create-db.js';

/**
 * `share`: the selected rows may not change or vanish until the transaction ends; `update`: nor may another
 * transaction lock them.
 */
export interface RowLock {
  dialect: Pick<DialectCapabilities, 'name'>;
  mode: 'share' | 'update';
}

/**
 * Locks the selected rows until the transaction ends, on PostgreSQL, so what a transaction checked still holds when
 * it writes (READ COMMITTED would let a concurrent delete or move slip in between). SQLite needs none: Kysely runs
 * its transactions one at a time on a single connection.
 */
export function withRowLock<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  lock: RowLock | undefined,
): SelectQueryBuilder<DB, TB, O> {
  if (lock === undefined || lock.dialect.name !== 'postgres') return query;
  return lock.mode === 'share' ? query.forShare() : query.forUpdate();
}
