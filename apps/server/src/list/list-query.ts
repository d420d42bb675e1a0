import { ApiError } from '../http/errors.js';

// OrderCloud's list query language, parsed into a typed description that list-sql.ts compiles to SQL. Parsing is
// pure (no database), so the grammar is unit-tested on its own; every error is a 400 naming the property.

export type FieldType = 'string' | 'number' | 'boolean' | 'date';

/** One top-level property of a listed resource, as the API names it. */
export interface ListField {
  /** The column holding it. */
  column: string;
  type: FieldType;
  searchable?: boolean;
  sortable?: boolean;
  /** False for properties the API returns but that are computed, so no column can be filtered. */
  filterable?: boolean;
}

/** What a resource's list accepts: its properties, its xp column and its default order. */
export interface ListDefinition {
  fields: Readonly<Record<string, ListField>>;
  /** The column holding xp, or null when the resource has none. */
  xpColumn: string | null;
  /** Default sort (API names); the ID field is appended as the final tie-breaker. */
  defaultSort: readonly string[];
  /** API name of the unique field that breaks ties, so pages are stable. */
  idField: string;
  /**
   * The table whose substring index (migration 0005) covers every searchable column, when there is one; the list's
   * query must select from that table.
   */
  substringIndexTable?: string;
}

export type Comparison = 'eq' | 'like' | 'gt' | 'lt' | 'gte' | 'lte' | 'present' | 'absent';

/** One alternative of a filter value: `A` in `A|B`. */
export interface Condition {
  comparison: Comparison;
  /** `!value`: the condition does not hold (a null value counts as not holding it). */
  negated: boolean;
  /**
   * The operand: a string for strings, xp and wildcards (`like` gets a LIKE pattern, lower-cased, `%`/`_` escaped
   * with `\`), a number for numbers, a boolean for booleans, an ISO-8601 instant for dates. Null for present/absent.
   */
  value: string | number | boolean | null;
  /** For dates given without a time: the instant the day ends, so equality means "that day". */
  dayEnd?: string;
}

export type FilterTarget =
  | { kind: 'field'; name: string; field: ListField }
  | { kind: 'xp'; name: string; column: string; path: string[] };

/** One filter key: any of its conditions may hold (`A|B`). Several filters (and repeated keys) must all hold. */
export interface Filter {
  target: FilterTarget;
  anyOf: Condition[];
}

export interface SortKey {
  name: string;
  field: ListField;
  descending: boolean;
}

export interface Search {
  /** The lower-cased search text, and the LIKE pattern matching it anywhere. */
  text: string;
  pattern: string;
  fields: ListField[];
  /** See ListDefinition.substringIndexTable. */
  indexTable: string | null;
}

export interface ListQuery {
  search: Search | null;
  sort: SortKey[];
  filters: Filter[];
  /** The column of the ID field (unique among the listed rows), which names the rows of a page; null without one. */
  keyColumn: string | null;
}

/** The list parameters the spec declares (already validated); everything else in the query string is a filter. */
export interface ListParameters {
  search?: string | undefined;
  searchOn?: string | undefined;
  sortBy?: string | undefined;
}

/** Query keys every list reads itself; a list adds its own (e.g. `userGroupID`). */
export const LIST_PARAMETER_KEYS: readonly string[] = ['page', 'pageSize', 'search', 'searchOn', 'sortBy'];

const listError = (code: string, property: string, message: string): ApiError =>
  new ApiError(400, code, message, { Property: property });

const invalidType = (property: string, value: string, expected: string): ApiError =>
  listError('List.InvalidType', property, `${property}: '${value}' is not a valid ${expected}.`);

/** A LIKE pattern matching `text` literally: `%`, `_` and `\` escaped with `\` (compiled with ESCAPE '\'). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Finds a field by its API name, exactly or else case-insensitively (OrderCloud is not strict about case). */
function lookup(definition: ListDefinition, name: string): [string, ListField] | undefined {
  // Own keys only: `constructor` or `__proto__` must not find Object.prototype's members.
  const exact = Object.hasOwn(definition.fields, name) ? definition.fields[name] : undefined;
  if (exact) return [name, exact];
  const lower = name.toLowerCase();
  return Object.entries(definition.fields).find(([key]) => key.toLowerCase() === lower);
}

function commaList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

function parseSearch(definition: ListDefinition, params: ListParameters): ListQuery['search'] {
  const names = commaList(params.searchOn);
  const fields = names.map((name) => {
    const found = lookup(definition, name);
    if (!found?.[1].searchable)
      throw listError('List.InvalidSearchProperty', name, `${name}: Property is not searchable.`);
    return found[1];
  });
  const text = params.search ?? '';
  if (text === '') return null;
  const searchable = fields.length > 0 ? fields : Object.values(definition.fields).filter((f) => f.searchable);
  const lowered = text.toLowerCase();
  return {
    text: lowered,
    pattern: `%${escapeLike(lowered)}%`,
    fields: searchable,
    indexTable: definition.substringIndexTable ?? null,
  };
}

function parseSort(definition: ListDefinition, params: ListParameters): SortKey[] {
  const requested = commaList(params.sortBy);
  const keys = (requested.length > 0 ? requested : definition.defaultSort).map((entry): SortKey => {
    const descending = entry.startsWith('!');
    const name = descending ? entry.slice(1) : entry;
    const found = lookup(definition, name);
    if (!found?.[1].sortable) throw listError('List.InvalidSortProperty', name, `${name}: Property is not sortable.`);
    return { name: found[0], field: found[1], descending };
  });
  const id = definition.fields[definition.idField];
  if (id && !keys.some((key) => key.name === definition.idField)) {
    keys.push({ name: definition.idField, field: id, descending: false });
  }
  return keys;
}

function resolveTarget(definition: ListDefinition, key: string): FilterTarget {
  if (definition.xpColumn && /^xp\./i.test(key)) {
    const path = key.slice(3).split('.');
    if (path.some((segment) => segment === '')) {
      throw listError('List.InvalidProperty', key, `${key}: xp paths are dot-separated names.`);
    }
    return { kind: 'xp', name: key, column: definition.xpColumn, path };
  }
  const found = lookup(definition, key);
  if (!found || found[1].filterable === false) {
    throw listError('List.InvalidProperty', key, `${key}: Property is not valid for filtering.`);
  }
  return { kind: 'field', name: found[0], field: found[1] };
}

/** Splits the operator off one alternative: `!>=5` → lt 5, `!Jo*` → negated like, `!*` → absent. */
function splitOperator(raw: string): { comparison: Comparison; negated: boolean; operand: string } {
  if (raw === '*') return { comparison: 'present', negated: false, operand: '' };
  if (raw === '!*') return { comparison: 'absent', negated: false, operand: '' };
  // The .NET SDK sends `!<v` for ≥ and `!>v` for ≤; they mean the comparison, not "null or not …".
  const prefixes: Array<[string, Comparison, boolean]> = [
    ['!>=', 'lt', false],
    ['!<=', 'gt', false],
    ['!<', 'gte', false],
    ['!>', 'lte', false],
    ['>=', 'gte', false],
    ['=>', 'gte', false],
    ['<=', 'lte', false],
    ['=<', 'lte', false],
    ['>', 'gt', false],
    ['<', 'lt', false],
  ];
  for (const [prefix, comparison, negated] of prefixes) {
    if (raw.startsWith(prefix)) return { comparison, negated, operand: raw.slice(prefix.length) };
  }
  const negated = raw.startsWith('!');
  const operand = negated ? raw.slice(1) : raw;
  return { comparison: operand.includes('*') ? 'like' : 'eq', negated, operand };
}

/** `*` wildcards to a lower-cased LIKE pattern; everything else matches literally. */
const wildcardPattern = (operand: string): string => operand.toLowerCase().split('*').map(escapeLike).join('%');

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function typedCondition(target: FilterTarget, raw: string): Condition {
  const { comparison, negated, operand } = splitOperator(raw);
  if (comparison === 'present' || comparison === 'absent') return { comparison, negated, value: null };
  const type = target.kind === 'xp' ? 'string' : target.field.type;
  if (comparison === 'like') {
    if (type === 'number' || type === 'boolean') throw invalidType(target.name, raw, type);
    return { comparison, negated, value: wildcardPattern(operand) };
  }
  switch (type) {
    case 'string':
      return { comparison, negated, value: operand };
    case 'number': {
      const value = Number(operand);
      if (operand.trim() === '' || !Number.isFinite(value)) throw invalidType(target.name, raw, 'number');
      return { comparison, negated, value };
    }
    case 'boolean': {
      const lower = operand.toLowerCase();
      if (comparison !== 'eq' || (lower !== 'true' && lower !== 'false')) {
        throw invalidType(target.name, raw, 'boolean (true or false)');
      }
      return { comparison, negated, value: lower === 'true' };
    }
    case 'date': {
      const dateOnly = DATE_ONLY.test(operand);
      const time = Date.parse(dateOnly ? `${operand}T00:00:00.000Z` : operand);
      if (operand.trim() === '' || Number.isNaN(time)) throw invalidType(target.name, raw, 'date');
      const value = new Date(time).toISOString();
      if (dateOnly && comparison === 'eq') {
        return { comparison, negated, value, dayEnd: new Date(time + 86_400_000).toISOString() };
      }
      return { comparison, negated, value };
    }
  }
}

/**
 * Parses a list request. `entries` is the query string as sent (percent-decoded, repeated keys kept); keys in
 * `reservedKeys` are the list's declared parameters and are read from `params` instead.
 */
export function parseListQuery(
  definition: ListDefinition,
  params: ListParameters,
  entries: ReadonlyArray<readonly [string, string]>,
  reservedKeys: readonly string[] = LIST_PARAMETER_KEYS,
): ListQuery {
  const filters: Filter[] = [];
  for (const [key, value] of entries) {
    if (reservedKeys.includes(key)) continue;
    const target = resolveTarget(definition, key);
    filters.push({ target, anyOf: value.split('|').map((alternative) => typedCondition(target, alternative)) });
  }
  return {
    search: parseSearch(definition, params),
    sort: parseSort(definition, params),
    filters,
    keyColumn: definition.fields[definition.idField]?.column ?? null,
  };
}
