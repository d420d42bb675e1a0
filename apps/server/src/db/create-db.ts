import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type Expression, Kysely, PostgresDialect, type RawBuilder, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config, Dialect } from '../config.js';
import type { Database } from './database.js';

/**
 * What differs between the dialects, as capabilities. This module is the only one that branches on the dialect;
 * everything else reads these functions.
 */
export interface DialectCapabilities {
  name: Dialect;
  /**
   * The text at a JSON path inside a JSON text column (null when missing or JSON null). Booleans read `true`/`false`
   * and numbers their JSON spelling on both dialects.
   */
  jsonText(column: string, path: readonly string[]): RawBuilder<string | null>;
  /** The JSON type at a path: `string`, `number`, `boolean`, `object`, `array`, `null`, or SQL null when missing. */
  jsonType(column: string, path: readonly string[]): RawBuilder<string | null>;
  /** The number at a JSON path, or null when the value there is not a JSON number. */
  jsonNumber(column: string, path: readonly string[]): RawBuilder<number | null>;
  /** `text` compared and ordered byte by byte (code point order), as SQLite's default BINARY collation does. */
  binaryText(text: Expression<unknown>): RawBuilder<string | null>;
  /** True when `error` is a violation of a unique or primary-key constraint. */
  isUniqueViolation(error: unknown): boolean;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectCapabilities;
  close(): Promise<void>;
}

/**
 * Opens the database. `onIdleClientError` hears about pooled PostgreSQL connections that die while idle (a server
 * restart, an administrator terminating them): the pool replaces them, but without a listener Node would crash.
 */
export function createDb(
  config: Pick<Config, 'databaseUrl' | 'dialect'>,
  onIdleClientError: (error: Error) => void = () => {},
): DatabaseHandle {
  return config.dialect === 'postgres'
    ? createPostgres(config.databaseUrl, onIdleClientError)
    : createSqlite(config.databaseUrl);
}

function createSqlite(file: string): DatabaseHandle {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  // FULL: a transaction acknowledged to a client survives power loss, not only a crash of this process.
  database.pragma('synchronous = FULL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  // SQLite's built-in lower() folds ASCII only; PostgreSQL's folds every letter. Case-insensitive search and filters
  // compare lower(column) with a value lowered in JavaScript, so both dialects must fold the same way.
  database.function('lower', { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? text.toLowerCase() : text,
  );
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const sqlitePath = (jsonPath: readonly string[]) =>
    `$${jsonPath.map((p) => `."${p.replaceAll('"', '""')}"`).join('')}`;
  return {
    db,
    dialect: {
      name: 'sqlite',
      // json_extract answers 1/0 for JSON booleans; spell them as PostgreSQL's #>> does.
      jsonText: (column, jsonPath) =>
        sql<string | null>`(case json_type(${sql.ref(column)}, ${sqlitePath(jsonPath)})
          when 'true' then 'true' when 'false' then 'false'
          else cast(json_extract(${sql.ref(column)}, ${sqlitePath(jsonPath)}) as text) end)`,
      jsonType: (column, jsonPath) =>
        sql<string | null>`(case json_type(${sql.ref(column)}, ${sqlitePath(jsonPath)})
          when 'integer' then 'number' when 'real' then 'number' when 'text' then 'string'
          when 'true' then 'boolean' when 'false' then 'boolean'
          else json_type(${sql.ref(column)}, ${sqlitePath(jsonPath)}) end)`,
      jsonNumber: (column, jsonPath) =>
        sql<number | null>`(case when json_type(${sql.ref(column)}, ${sqlitePath(jsonPath)}) in ('integer', 'real')
          then json_extract(${sql.ref(column)}, ${sqlitePath(jsonPath)}) end)`,
      binaryText: (text) => sql<string | null>`${text}`,
      isUniqueViolation: (error) =>
        error instanceof Error &&
        'code' in error &&
        (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'),
    },
    close: () => db.destroy(),
  };
}

function createPostgres(url: string, onIdleClientError: (error: Error) => void): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on('error', onIdleClientError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    dialect: {
      name: 'postgres',
      jsonText: (column, jsonPath) => sql<string | null>`(${sql.ref(column)}::jsonb #>> ${jsonPath})`,
      jsonType: (column, jsonPath) => sql<string | null>`jsonb_typeof(${sql.ref(column)}::jsonb #> ${jsonPath})`,
      // The cast sits inside the CASE so that a string at the path is never cast (it would fail the query).
      jsonNumber: (column, jsonPath) =>
        sql<number | null>`(case when jsonb_typeof(${sql.ref(column)}::jsonb #> ${jsonPath}) = 'number'
          then (${sql.ref(column)}::jsonb #>> ${jsonPath})::double precision end)`,
      // The database's collation may be linguistic (en_US sorts 'b' before 'C'); "C" orders by code point like SQLite.
      binaryText: (text) => sql<string | null>`(${text} collate "C")`,
      isUniqueViolation: (error) => error instanceof Error && 'code' in error && error.code === '23505',
    },
    close: () => db.destroy(),
  };
}

/** How many distinct SQL texts keep a prepared statement; Kysely emits a bounded set, so this is rarely reached. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3 compiles a statement on every prepare() and Kysely prepares every query: reusing the prepared
 * statement per SQL text removes that cost from every request. Safe because Kysely runs one statement at a time on
 * the single connection and never leaves one iterating between queries.
 */
function withStatementCache(database: SqliteDatabase.Database): SqliteDatabase.Database {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return new Proxy(database, {
    get(target, property, receiver) {
      if (property !== 'prepare') {
        const value: unknown = Reflect.get(target, property, receiver);
        // Native methods must run on the real Database object, not on the proxy.
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return (source: string) => {
        let statement = statements.get(source);
        if (!statement) {
          if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
          statement = target.prepare(source);
          statements.set(source, statement);
        }
        return statement;
      };
    },
  });
}
