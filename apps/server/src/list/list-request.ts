import { type Kysely, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { DialectCapabilities } from '../db/create-db.js';
import {
  countRows,
  fetchPage,
  type ListMeta,
  listMeta,
  type PageRequest,
  pageRequest,
  type SqlCount,
} from './list-page.js';
import {
  LIST_PARAMETER_KEYS,
  type ListDefinition,
  type ListParameters,
  type ListQuery,
  parseListQuery,
} from './list-query.js';
import { filterList, isSelective, orderList, orderTerms } from './list-sql.js';

/** A parsed list request: what to match and order (ListQuery) and which page. */
export interface ListOptions {
  list: ListQuery;
  page: PageRequest;
}

interface ListHttpRequest {
  query: ListParameters & { page?: number | undefined; pageSize?: number | undefined };
  queryEntries: ReadonlyArray<readonly [string, string]>;
}

/**
 * Reads a list operation's request: declared parameters from the validated query, filters from every other key.
 * `ownKeys` are the operation's extra declared parameters (e.g. `userGroupID`), which are not filters.
 */
export function listOptions(
  definition: ListDefinition,
  request: ListHttpRequest,
  ownKeys: readonly string[] = [],
): ListOptions {
  return {
    list: parseListQuery(definition, request.query, request.queryEntries, [...LIST_PARAMETER_KEYS, ...ownKeys]),
    page: pageRequest(request.query),
  };
}

/**
 * One page of `query` (already restricted to the parent, e.g. the buyer) searched, filtered and ordered, and the
 * exact count of all matches. `db` runs it.
 *
 * The page is found as keys first, then its rows are read by key (a deferred join): finding the keys reads only
 * what the search, filters and order need (an index alone, when one covers them), so the rows skipped before a
 * deep page are never read in full.
 *
 * A selective list (a search, an equality filter) reads its matches once, for the page and the count together: the
 * matches (their sort columns and key) are materialized, then counted and ordered. The exact count reads every match
 * anyway, and this keeps both planners from walking the list-order index in the hope of meeting 20 matches early,
 * which for a common term far down the order (`search=müller`, `LastName=Smith`) reads most of the buyer. Other lists
 * walk an index in order for the page's keys and count separately: materializing most of a large buyer (`Active=true`)
 * would cost more than the walk saves.
 */
export async function fetchList<DB, TB extends keyof DB, Row>(
  db: Kysely<DB>,
  query: SelectQueryBuilder<DB, TB, Row>,
  options: ListOptions,
  dialect: DialectCapabilities,
): Promise<{ rows: Row[]; meta: ListMeta }> {
  const { list, page } = options;
  const matching = filterList(query, list, dialect);
  if (list.keyColumn === null) return fetchPage(orderList(matching, list, dialect), page);
  const key = sql.ref(list.keyColumn);
  const offset = (page.page - 1) * page.pageSize;
  let keys: unknown[];
  let total: number | null;
  if (isSelective(list)) {
    const columns = [...new Set([...list.sort.map((sortKey) => sortKey.field.column), list.keyColumn])];
    const matches = matching.clearSelect().select(columns.map((column) => sql.ref(column).as(column)));
    const { rows } = await sql<{ list_key: unknown; list_total: SqlCount }>`with list_matches as materialized ${matches}
      select ${key} as list_key, (select count(*) from list_matches) as list_total from list_matches
      order by ${sql.join(orderTerms(list, dialect))} limit ${page.pageSize} offset ${offset}`.execute(db);
    keys = rows.map((row) => row.list_key);
    // Past the last match no row carries the count; on the first page that means there is none.
    total = rows[0] ? Number(rows[0].list_total) : page.page === 1 ? 0 : null;
  } else {
    const pageKeys = orderList(matching.clearSelect().select(key.as('list_key')), list, dialect)
      .limit(page.pageSize)
      .offset(offset);
    const [rows, count] = await Promise.all([pageKeys.execute(), countRows(matching)]);
    keys = rows.map((row) => (row as { list_key: unknown }).list_key);
    total = count;
  }
  const [rows, count] = await Promise.all([
    keys.length === 0
      ? []
      : orderList(query.where(sql<SqlBool>`${key} in (${sql.join(keys)})`), list, dialect).execute(),
    total ?? countRows(matching),
  ]);
  return { rows, meta: listMeta(page, count, rows.length) };
}
