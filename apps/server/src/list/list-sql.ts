import { type Expression, type RawBuilder, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { DialectCapabilities } from '../db/create-db.js';
import type { Condition, Filter, ListField, ListQuery } from './list-query.js';

// Compiles a parsed ListQuery to SQL that means the same on SQLite and PostgreSQL. Every value from the request is
// a bound parameter; only column names from the resource's ListDefinition (never from the request) become SQL text.
// Case-insensitive matching is lower(column) against a value lowered in JavaScript (SQLite's lower() is made to fold
// like JavaScript's in create-db.ts), and LIKE always carries ESCAPE '\' so `%` and `_` in input match literally.

type Bool = RawBuilder<SqlBool>;

const OPERATORS = { gt: '>', lt: '<', gte: '>=', lte: '<=' } as const;

const or = (parts: readonly Bool[]): Bool =>
  parts.length === 1 && parts[0] ? parts[0] : sql<SqlBool>`(${sql.join(parts, sql` or `)})`;
const and = (parts: readonly Bool[]): Bool => sql<SqlBool>`(${sql.join(parts, sql` and `)})`;

const likeEscaped = (text: Expression<unknown>, pattern: string): Bool =>
  sql<SqlBool>`(lower(${text}) like ${pattern} escape '\\')`;

function compare(left: Expression<unknown>, comparison: keyof typeof OPERATORS, right: unknown): Bool {
  return sql<SqlBool>`(${left} ${sql.raw(OPERATORS[comparison])} ${right})`;
}

function fieldCondition(field: ListField, condition: Condition, dialect: DialectCapabilities): Bool {
  const column = sql.ref(field.column);
  const { comparison, value } = condition;
  if (comparison === 'present') return sql<SqlBool>`(${column} is not null)`;
  if (comparison === 'absent') return sql<SqlBool>`(${column} is null)`;
  if (comparison === 'like') return likeEscaped(column, String(value));
  if (field.type === 'boolean') return sql<SqlBool>`(${column} = ${value ? 1 : 0})`;
  if (field.type === 'string') {
    if (comparison === 'eq') return sql<SqlBool>`(lower(${column}) = ${String(value).toLowerCase()})`;
    return compare(dialect.binaryText(column), comparison, value);
  }
  if (comparison === 'eq' && condition.dayEnd) {
    return and([compare(column, 'gte', value), compare(column, 'lt', condition.dayEnd)]);
  }
  return comparison === 'eq' ? sql<SqlBool>`(${column} = ${value})` : compare(column, comparison, value);
}

const isNumeric = (text: string): boolean => text.trim() !== '' && Number.isFinite(Number(text));

/** xp values keep their JSON type: a numeric operand also matches JSON numbers numerically. */
function xpCondition(column: string, path: string[], condition: Condition, dialect: DialectCapabilities): Bool {
  const text = dialect.jsonText(column, path);
  const type = dialect.jsonType(column, path);
  const number = dialect.jsonNumber(column, path);
  const { comparison } = condition;
  const value = String(condition.value);
  if (comparison === 'present') return sql<SqlBool>`(${text} is not null)`;
  if (comparison === 'absent') return sql<SqlBool>`(${text} is null)`;
  if (comparison === 'like') {
    return and([sql<SqlBool>`(${type} in ('string', 'number', 'boolean'))`, likeEscaped(text, value)]);
  }
  const asNumber = isNumeric(value) ? Number(value) : null;
  if (comparison === 'eq') {
    const byText = sql<SqlBool>`(lower(${text}) = ${value.toLowerCase()})`;
    return asNumber === null ? byText : or([byText, sql<SqlBool>`(${number} = ${asNumber})`]);
  }
  const lexical = and([sql<SqlBool>`(${type} = 'string')`, compare(dialect.binaryText(text), comparison, value)]);
  return asNumber === null ? lexical : or([compare(number, comparison, asNumber), lexical]);
}

function filterExpression(filter: Filter, dialect: DialectCapabilities): Bool {
  const { target } = filter;
  return or(
    filter.anyOf.map((condition) => {
      const positive =
        target.kind === 'xp'
          ? xpCondition(target.column, target.path, condition, dialect)
          : fieldCondition(target.field, condition, dialect);
      // NULL (a missing value) never satisfies a condition, so it satisfies its negation.
      return condition.negated ? sql<SqlBool>`(not coalesce(${positive}, false))` : positive;
    }),
  );
}

/**
 * Whether `list` likely matches few rows: it searches, or one filter asks for equal text (`LastName=Smith`,
 * `xp.Region=EU`, or a choice of such values). Broad conditions (ranges, negations, booleans, wildcards, presence)
 * usually match a large share, whose first page an ordered index walk meets at once.
 */
export function isSelective(list: ListQuery): boolean {
  return (
    list.search !== null ||
    list.filters.some(
      ({ target, anyOf }) =>
        (target.kind === 'xp' || target.field.type === 'string') &&
        anyOf.every((condition) => condition.comparison === 'eq' && !condition.negated),
    )
  );
}

/** Adds the search and filters of `list` to `query`. */
export function filterList<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  list: ListQuery,
  dialect: DialectCapabilities,
): SelectQueryBuilder<DB, TB, O> {
  let result = query;
  if (list.search) {
    const { text, pattern, fields, indexTable } = list.search;
    const columns = fields.map((field) => field.column);
    const indexed = indexTable === null ? null : dialect.indexedSubstring(indexTable, columns, text);
    result = result.where(indexed ?? or(columns.map((column) => likeEscaped(sql.ref(column), pattern))));
  }
  for (const filter of list.filters) result = result.where(filterExpression(filter, dialect));
  return result;
}

/** The ORDER BY terms of `list`, over its fields' unqualified column names. */
export function orderTerms(list: ListQuery, dialect: DialectCapabilities): RawBuilder<unknown>[] {
  return list.sort.map((key) => {
    const column = sql.ref(key.field.column);
    const sortable = key.field.type === 'string' ? dialect.binaryText(column) : column;
    // Nulls first when ascending on both dialects (PostgreSQL would put them last).
    return key.descending ? sql`${sortable} desc nulls last` : sql`${sortable} asc nulls first`;
  });
}

/** Adds the order of `list` to `query`. */
export function orderList<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  list: ListQuery,
  dialect: DialectCapabilities,
): SelectQueryBuilder<DB, TB, O> {
  return orderTerms(list, dialect).reduce((result, term) => result.orderBy(term), query);
}
