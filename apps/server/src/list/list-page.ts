import type { components } from '@usher/api-types';
import type { SelectQueryBuilder } from 'kysely';
import { validationFailure } from '../http/errors.js';

export type ListMeta = components['schemas']['ListMeta'];

export interface PageRequest {
  page: number;
  pageSize: number;
}

export const DEFAULT_PAGE_SIZE = 20;

/** The spec's bounds, checked again here: the validator's type coercion lets `1e309` through as Infinity. */
const MAX_PAGE = 100_000_000;
const MAX_PAGE_SIZE = 100;

function bounded(name: string, value: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw validationFailure(name, 'maximum', `${name}: must be a whole number from 1 to ${max}`);
  }
  return value;
}

export function pageRequest(query: { page?: number; pageSize?: number }): PageRequest {
  return {
    page: bounded('page', query.page ?? 1, MAX_PAGE),
    pageSize: bounded('pageSize', query.pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}

/** OrderCloud's Meta: 1-based page and ItemRange; an empty page has TotalCount 0 and ItemRange [0, 0]. */
export function listMeta({ page, pageSize }: PageRequest, totalCount: number, itemsOnPage: number): ListMeta {
  const first = itemsOnPage === 0 ? 0 : (page - 1) * pageSize + 1;
  return {
    Page: page,
    PageSize: pageSize,
    TotalCount: totalCount,
    TotalPages: Math.ceil(totalCount / pageSize),
    ItemRange: [first, itemsOnPage === 0 ? 0 : first + itemsOnPage - 1],
  };
}

/** A SQL count as the drivers return it (a string or bigint for PostgreSQL's bigint). */
export type SqlCount = number | string | bigint;

/** How many rows `query` selects (its select list and order are dropped). */
export async function countRows<DB, TB extends keyof DB, Row>(query: SelectQueryBuilder<DB, TB, Row>): Promise<number> {
  const count = await query
    .clearSelect()
    .clearOrderBy()
    .select((eb) => eb.fn.countAll<SqlCount>().as('count'))
    .executeTakeFirstOrThrow();
  return Number((count as { count: SqlCount }).count);
}

/**
 * Runs a filtered, ordered select for one page and counts the whole result. `query` must already carry its
 * where clauses and a total order (ID last) so pages are stable.
 */
export async function fetchPage<DB, TB extends keyof DB, Row>(
  query: SelectQueryBuilder<DB, TB, Row>,
  request: PageRequest,
): Promise<{ rows: Row[]; meta: ListMeta }> {
  const [rows, total] = await Promise.all([
    query
      .limit(request.pageSize)
      .offset((request.page - 1) * request.pageSize)
      .execute(),
    countRows(query),
  ]);
  return { rows, meta: listMeta(request, total, rows.length) };
}
