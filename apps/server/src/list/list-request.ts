import type { SelectQueryBuilder } from 'kysely';
import type { DialectCapabilities } from '../db/create-db.js';
import { fetchPage, type ListMeta, type PageRequest, pageRequest } from './list-page.js';
import {
  LIST_PARAMETER_KEYS,
  type ListDefinition,
  type ListParameters,
  type ListQuery,
  parseListQuery,
} from './list-query.js';
import { applyListQuery } from './list-sql.js';

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

/** One page of `query` (already restricted to the parent, e.g. the buyer) searched, filtered and ordered. */
export function fetchList<DB, TB extends keyof DB, Row>(
  query: SelectQueryBuilder<DB, TB, Row>,
  options: ListOptions,
  dialect: DialectCapabilities,
): Promise<{ rows: Row[]; meta: ListMeta }> {
  return fetchPage(applyListQuery(query, options.list, dialect), options.page);
}
