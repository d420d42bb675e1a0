import type { paths } from '@usher/api-types';

/** A scalar filter value; strings carry the operators (`*`, `|`, `!`, `>`, `<`, `>=`, `<=`, `!*`). */
export type FilterScalar = string | number | boolean;

/** One value, or several that must all match (sent as the same key repeated: AND). */
export type FilterValue = FilterScalar | readonly FilterScalar[];

type FieldName<Item> = Exclude<keyof Item & string, 'xp'>;

/**
 * Filters for a list of `Item`: its top-level fields, and extended properties as `xp.<path>`.
 * `{ LastName: 'Sm*', 'xp.Region': 'EU|US', Active: true }`.
 */
export type Filters<Item> = { [K in FieldName<Item>]?: FilterValue } & { [K in `xp.${string}`]?: FilterValue };

/** A field to sort by; a `!` prefix sorts it descending. */
export type SortKey<Item> = FieldName<Item> | `!${FieldName<Item>}`;

/** OrderCloud's list query language for a list of `Item`. */
export interface ListOptions<Item> {
  filters?: Filters<Item>;
  /** A phrase matched as a substring of the searchable fields. */
  search?: string;
  /** Which fields `search` looks at (default: all searchable ones). */
  searchOn?: ReadonlyArray<FieldName<Item>>;
  sortBy?: ReadonlyArray<SortKey<Item>>;
  /** From 1. */
  page?: number;
  /** 1–100, default 20. */
  pageSize?: number;
}

/** Query parameters that are comma-separated lists on the wire; every other array repeats its key. */
const COMMA_LISTS = new Set(['searchOn', 'sortBy']);

function appendParam(parts: string[], key: string, value: unknown): void {
  if (value === undefined || value === null || value === '') return;
  if (Array.isArray(value)) {
    if (COMMA_LISTS.has(key)) {
      if (value.length > 0) parts.push(`${key}=${encodeURIComponent(value.join(','))}`);
    } else {
      for (const item of value) appendParam(parts, key, item);
    }
    return;
  }
  if (typeof value === 'object') {
    // `{ xp: { Color: 'red' } }` becomes `xp.Color=red`, as the OrderCloud SDKs flatten filters.
    for (const [name, nested] of Object.entries(value))
      appendParam(parts, key === '' ? name : `${key}.${name}`, nested);
    return;
  }
  parts.push(`${key}=${encodeURIComponent(String(value))}`);
}

/**
 * Serializes query parameters the way the OrderCloud SDKs do: keys as they are (`xp.Color`), values
 * `encodeURIComponent`-ed, arrays as repeated keys, `searchOn`/`sortBy` comma-joined, and object-valued parameters
 * (such as `filters`) spread into their dotted keys. `undefined`, `null` and `''` are left out.
 */
export function serializeQuery(query: Readonly<Record<string, unknown>> | undefined): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query ?? {})) {
    appendParam(parts, typeof value === 'object' && value !== null && !Array.isArray(value) ? '' : key, value);
  }
  return parts.join('&');
}

/** The query string (without `?`) for list options: filters first, then search, sort and paging. */
export function listQuery<Item>(options: ListOptions<Item>): string {
  const { filters, search, searchOn, sortBy, page, pageSize } = options;
  return serializeQuery({ filters, search, searchOn, sortBy, page, pageSize });
}

type JsonBody<R> = R extends { content: { 'application/json': infer B } } ? B : never;
type GetOperation<P extends keyof paths> = paths[P] extends { get: infer O } ? O : never;
type ListBody<P extends keyof paths> = GetOperation<P> extends { responses: { 200: infer R } } ? JsonBody<R> : never;

/** Every path whose GET answers a page: `{ Meta, Items }`. */
export type ListPath = {
  [P in keyof paths]: ListBody<P> extends { Meta: unknown; Items: unknown[] } ? P : never;
}[keyof paths];

/** The page a list path answers. */
export type ListPage<P extends ListPath> = ListBody<P>;

/** The items of a list path. */
export type ListItem<P extends ListPath> = ListBody<P> extends { Items: Array<infer Item> } ? Item : never;

type ErrorBody<P extends ListPath> =
  GetOperation<P> extends { responses: infer R }
    ? { [S in keyof R]: S extends 200 ? never : JsonBody<R[S]> }[keyof R]
    : never;

type PathParams<P extends ListPath> =
  GetOperation<P> extends { parameters: { path?: infer X } } ? Exclude<X, undefined> : never;

/** List options, plus the path parameters when the path has some (`{ path: { buyerID } }`). */
export type ListInit<P extends ListPath> = ListOptions<ListItem<P>> &
  ([PathParams<P>] extends [never] ? { path?: never } : { path: PathParams<P> });

/** Arguments after the path: optional when the path has no parameters. */
export type ListArgs<P extends ListPath> = [PathParams<P>] extends [never] ? [init?: ListInit<P>] : [init: ListInit<P>];

/** One page, or the typed error the server answered. */
export type ListResult<P extends ListPath> =
  | { data: ListPage<P>; error?: never; response: Response }
  | { data?: never; error: ErrorBody<P>; response: Response };

/** Thrown by `listAll` when a page fails, carrying the server's typed error body. */
export class ListPageError<P extends ListPath = ListPath> extends Error {
  readonly error: ErrorBody<P>;
  readonly response: Response;
  constructor(path: P, page: number, error: ErrorBody<P>, response: Response) {
    super(`GET ${path} page ${page} failed with ${response.status}`);
    this.name = 'ListPageError';
    this.error = error;
    this.response = response;
  }
}
