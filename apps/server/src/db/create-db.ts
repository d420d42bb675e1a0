import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { type Expression, Kysely, PostgresDialect, type RawBuilder, type SqlBool, SqliteDialect, sql } from 'kysely';
import type pg from 'pg';
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
   * and numbers their JSON spelling on both dialects. The path is a bound parameter, except for the paths the
   * database indexes (`indexedJsonPaths`): an expression index matches only a query that spells its path out.
   */
  jsonText(column: string, path: readonly string[]): RawBuilder<string | null>;
  /** The JSON type at a path: `string`, `number`, `boolean`, `object`, `array`, `null`, or SQL null when missing. */
  jsonType(column: string, path: readonly string[]): RawBuilder<string | null>;
  /** The number at a JSON path, or null when the value there is not a JSON number. */
  jsonNumber(column: string, path: readonly string[]): RawBuilder<number | null>;
  /** `text` compared and ordered byte by byte (code point order), as SQLite's default BINARY collation does. */
  binaryText(text: Expression<unknown>): RawBuilder<string | null>;
  /**
   * An index key that serves `order by binaryText(column) asc nulls first` (or, with `text` false, `order by column
   * asc nulls first`), the order lists sort by, so a list page reads the first rows of an index instead of sorting
   * every row.
   */
  ascendingIndexKey(column: string, text?: boolean): RawBuilder<unknown>;
  /**
   * Runs `migrate` (Kysely's Migrator on the db it is given) so that the migrations it applies commit together or not
   * at all, and a failure it throws undoes them.
   */
  inMigrationTransaction(db: Kysely<Database>, migrate: (db: Kysely<Database>) => Promise<void>): Promise<void>;
  /** True when `error` is a violation of a unique or primary-key constraint. */
  isUniqueViolation(error: unknown): boolean;
  /** The indexes of `table` (not those a constraint makes) with the CREATE INDEX statement each was made by. */
  indexDefinitions(db: Kysely<Database>, table: string): Promise<Array<{ name: string; definition: string }>>;
  /** Refreshes the planner's statistics after a bulk load, so it knows how many rows a buyer holds. */
  refreshStatistics(db: Kysely<Database>): Promise<void>;
  /**
   * Builds (in a migration) the index that serves case-insensitive substring search over `columns` of `table`, and
   * keeps it current on every later write.
   */
  createSubstringIndex(db: Kysely<unknown>, table: string, columns: readonly string[]): Promise<void>;
  dropSubstringIndex(db: Kysely<unknown>, table: string, columns: readonly string[]): Promise<void>;
  /**
   * A condition on `table`'s rows that holds exactly when `lower(column) like '%text%'` holds for one of `columns`
   * (`loweredText` is already lower-cased, without wildcards), answered from the substring index; or null when the
   * plain LIKE is the way (the index cannot serve the text, or it serves LIKE itself).
   */
  indexedSubstring(table: string, columns: readonly string[], loweredText: string): RawBuilder<SqlBool> | null;
  /**
   * Bulk loads: inserts `rows` into `table`, skipping every row that collides with a unique key, and answers for each
   * row whether it was stored. Must run inside a transaction of `trx` (SQLite refuses otherwise): on SQLite it drops
   * the substring index's insert trigger for the duration and restores it before returning, which only the
   * transaction makes invisible to other connections and undoable by a crash. `key` is a unique column of `table`.
   */
  insertSkippingConflicts<T extends keyof Database>(
    trx: Kysely<Database>,
    table: T,
    rows: SerializedRows,
    key: keyof Database[T] & string,
  ): Promise<boolean[]>;
}

/**
 * Rows for a bulk load as the JSON text of an array of value arrays, each in `columns` order: SQLite reads them in
 * one statement without a value bound per row, and the rows can be made in a worker thread and handed over as one
 * string.
 */
export interface SerializedRows {
  columns: readonly string[];
  values: string;
  /** How many rows `values` holds. */
  count: number;
  /**
   * Some columns of the same rows lower-cased as lower() does (JavaScript's toLowerCase), when the caller has them
   * at hand: SQLite's substring index takes them from here, if they are its columns, instead of calling lower(), a
   * call into JavaScript, for each value.
   */
  lowered?: { columns: readonly string[]; values: string };
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectCapabilities;
  /** The users' xp paths (USER_XP_INDEXES) that the list SQL spells out for their indexes (see xp-indexes.ts). */
  userXpIndexes: readonly string[];
  close(): Promise<void>;
}

/**
 * Opens the database. `onIdleClientError` hears about pooled PostgreSQL connections that die while idle (a server
 * restart, an administrator terminating them): the pool replaces them, but without a listener Node would crash.
 */
export function createDb(
  config: Pick<Config, 'databaseUrl' | 'dialect'> & Partial<Pick<Config, 'userXpIndexes'>>,
  onIdleClientError: (error: Error) => void = () => {},
  options: { bulkLoad?: boolean } = {},
): DatabaseHandle {
  const userXpIndexes = config.userXpIndexes ?? [];
  const indexedJsonPaths = new Set(userXpIndexes);
  const opened =
    config.dialect === 'postgres'
      ? createPostgres(config.databaseUrl, onIdleClientError, indexedJsonPaths)
      : createSqlite(config.databaseUrl, options.bulkLoad ?? false, indexedJsonPaths);
  return { ...opened, userXpIndexes };
}

/**
 * A JSON path as SQL: inlined (`literal`, from configuration) when an index is built on it, otherwise bound, so that
 * no text from a request ever becomes SQL text.
 */
const jsonPathSql = (jsonPath: readonly string[], indexed: ReadonlySet<string>, literal: string, bound: unknown) =>
  indexed.has(jsonPath.join('.')) ? sql.lit(literal) : sql`${bound}`;

/** Page cache for bulk loads: a million users' indexes stay in memory instead of being re-read page by page. */
const BULK_LOAD_CACHE_KIB = 512 * 1024;
/** WAL pages (4 KiB) a bulk load writes before a checkpoint copies them into the database file. */
const BULK_LOAD_CHECKPOINT_PAGES = 10_000;

function createSqlite(
  file: string,
  bulkLoad: boolean,
  indexedJsonPaths: ReadonlySet<string>,
): Omit<DatabaseHandle, 'userXpIndexes'> {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  const database = new SqliteDatabase(file);
  database.pragma('journal_mode = WAL');
  // FULL: a transaction acknowledged to a client survives power loss, not only a crash of this process.
  database.pragma('synchronous = FULL');
  // Without statistics the planner takes `buyer_id = ?` for a handful of rows and walks a million-row buyer instead
  // of the few rows a search index found. SQLite's advice for long-lived connections: optimize on open, with a limit
  // so that ANALYZE samples instead of reading whole indexes.
  database.pragma('analysis_limit = 1000');
  database.pragma('optimize = 0x10002');
  // A bulk load (usher import, seed) keeps its indexes in a large page cache. It keeps synchronous = FULL too: a
  // batch it reported as written survives power loss, and the sync once a batch costs little next to the batch.
  if (bulkLoad) {
    database.pragma(`cache_size = -${BULK_LOAD_CACHE_KIB}`);
    // Checkpoints every 40 MB of WAL instead of 4 MB: a bulk load rewrites the same index pages batch after batch,
    // and each checkpoint copies them to the database file again.
    database.pragma(`wal_autocheckpoint = ${BULK_LOAD_CHECKPOINT_PAGES}`);
  }
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  // SQLite's built-in lower() folds ASCII only; PostgreSQL's folds every letter. Case-insensitive search and filters
  // compare lower(column) with a value lowered in JavaScript, so both dialects must fold the same way.
  database.function('lower', { deterministic: true }, lowerLikeJavaScript);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const sqlitePath = (jsonPath: readonly string[]) => {
    const text = `$${jsonPath.map((p) => `."${p.replaceAll('"', '""')}"`).join('')}`;
    return jsonPathSql(jsonPath, indexedJsonPaths, text, text);
  };
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
      // Ascending already puts nulls first, and BINARY is the default collation.
      ascendingIndexKey: (column) => sql`${sql.ref(column)}`,
      // Kysely's Migrator runs no transaction on SQLite, so each DDL statement committed alone: a sync to disk each
      // (about sixty for a new database), and a crash midway left a half-made schema. SQLite's DDL is transactional,
      // so one transaction on the migrator's connection makes it all or nothing, with one sync.
      inMigrationTransaction: (db, migrate) =>
        db.connection().execute(async (connection) => {
          await sql`begin`.execute(connection);
          try {
            await migrate(connection);
          } catch (error) {
            await sql`rollback`.execute(connection);
            throw error;
          }
          await sql`commit`.execute(connection);
        }),
      isUniqueViolation: (error) =>
        error instanceof Error &&
        'code' in error &&
        (error.code === 'SQLITE_CONSTRAINT_UNIQUE' || error.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'),
      indexDefinitions: async (db, table) => {
        // Indexes made by a UNIQUE or PRIMARY KEY constraint have no statement of their own.
        const found = await sql<{ name: string; definition: string }>`select name, sql as definition
          from sqlite_schema where type = 'index' and tbl_name = ${table} and sql is not null`.execute(db);
        return found.rows;
      },
      // After a bulk load, full statistics: the sampled ones (analysis_limit) see only the first rows of each index,
      // so with one large buyer they take `buyer_id = ?` and `lower(last_name) = ?` for a thousand rows each, and
      // the planner walks a million-row buyer to avoid sorting 20,000 matches.
      refreshStatistics: async (db) => {
        await sql`pragma analysis_limit = 0`.execute(db);
        await sql`analyze`.execute(db);
        await sql`pragma analysis_limit = 1000`.execute(db);
      },
      createSubstringIndex: (db, table, columns) => createTrigramTable(db, table, columns),
      dropSubstringIndex: async (db, table) => {
        for (const suffix of ['insert', 'update', 'delete']) {
          await sql`drop trigger if exists ${sql.id(`${table}_substring_${suffix}`)}`.execute(db);
        }
        await sql`drop table if exists ${sql.id(`${table}_substring`)}`.execute(db);
      },
      indexedSubstring: (table, columns, loweredText) => {
        // A trigram index finds nothing shorter than three characters; those searches scan with LIKE.
        if ([...loweredText].length < 3) return null;
        // A phrase of trigrams matches where they occur one after another: exactly where the text is a substring.
        const query = `{${columns.join(' ')}} : "${loweredText.replaceAll('"', '""')}"`;
        const index = sql.id(`${table}_substring`);
        return sql<SqlBool>`(${sql.ref(`${table}.rowid`)} in (select rowid from ${index} where ${index} match ${query}))`;
      },
      insertSkippingConflicts: async (_trx, table, rows) => insertSerialized(database, table, rows),
    },
    close: () => db.destroy(),
  };
}

/**
 * pg, loaded only for a PostgreSQL database: on SQLite its modules were a tenth of the start-up's JavaScript. Required
 * at run time (not bundled into dist/main.js), from this package's node_modules.
 */
const loadPg = (): typeof pg => createRequire(import.meta.url)('pg') as typeof pg;

function createPostgres(
  url: string,
  onIdleClientError: (error: Error) => void,
  indexedJsonPaths: ReadonlySet<string>,
): Omit<DatabaseHandle, 'userXpIndexes'> {
  const pool = new (loadPg().Pool)({ connectionString: url, max: 10 });
  pool.on('error', onIdleClientError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const postgresPath = (jsonPath: readonly string[]) => {
    const literal = `{${jsonPath.map((p) => `"${p.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
    return sql`${jsonPathSql(jsonPath, indexedJsonPaths, literal, jsonPath)}::text[]`;
  };
  return {
    db,
    dialect: {
      name: 'postgres',
      jsonText: (column, jsonPath) => sql<string | null>`(${sql.ref(column)}::jsonb #>> ${postgresPath(jsonPath)})`,
      jsonType: (column, jsonPath) =>
        sql<string | null>`jsonb_typeof(${sql.ref(column)}::jsonb #> ${postgresPath(jsonPath)})`,
      // The cast sits inside the CASE so that a string at the path is never cast (it would fail the query).
      jsonNumber: (column, jsonPath) =>
        sql<number | null>`(case when jsonb_typeof(${sql.ref(column)}::jsonb #> ${postgresPath(jsonPath)}) = 'number'
          then (${sql.ref(column)}::jsonb #>> ${postgresPath(jsonPath)})::double precision end)`,
      // The database's collation may be linguistic (en_US sorts 'b' before 'C'); "C" orders by code point like SQLite.
      binaryText: (text) => sql<string | null>`(${text} collate "C")`,
      ascendingIndexKey: (column, text = true) =>
        text ? sql`${sql.ref(column)} collate "C" asc nulls first` : sql`${sql.ref(column)} asc nulls first`,
      // Kysely's Migrator already applies the migrations in one transaction holding an advisory lock.
      inMigrationTransaction: (db, migrate) => migrate(db),
      isUniqueViolation: (error) => error instanceof Error && 'code' in error && error.code === '23505',
      indexDefinitions: async (db, table) => {
        const found = await sql<{
          name: string;
          definition: string;
        }>`select i.indexname as name, i.indexdef as definition
          from pg_indexes i where i.schemaname = current_schema() and i.tablename = ${table}
            and not exists (select 1 from pg_constraint c
              where c.conname = i.indexname and c.connamespace = current_schema()::regnamespace)`.execute(db);
        return found.rows;
      },
      // VACUUM also merges the GIN indexes' pending lists, which a bulk load fills and every search would otherwise
      // read in full, and marks pages all-visible so that counts can read indexes alone.
      refreshStatistics: async (db) => {
        await sql`vacuum analyze`.execute(db);
      },
      // pg_trgm GIN indexes on lower(column) serve `lower(column) like '%…%'` directly, so queries stay plain LIKE.
      // CREATE EXTENSION needs a role allowed to create it (a superuser, or pg_trgm pre-installed by one).
      createSubstringIndex: async (db, table, columns) => {
        await sql`create extension if not exists pg_trgm`.execute(db);
        for (const column of columns) {
          await sql`create index ${sql.id(`${table}_substring_${column}`)} on ${sql.table(table)}
            using gin (lower(${sql.ref(column)}) gin_trgm_ops)`.execute(db);
        }
      },
      dropSubstringIndex: async (db, table, columns) => {
        for (const column of columns)
          await sql`drop index if exists ${sql.id(`${table}_substring_${column}`)}`.execute(db);
      },
      indexedSubstring: () => null,
      insertSkippingConflicts: async (trx, table, serialized, key) => {
        // Kysely cannot type an insert into a table chosen at run time; the rows are that table's by the signature.
        const into = trx as unknown as Kysely<Record<string, Record<string, unknown>>>;
        const keyColumn: string = key;
        const rows = (JSON.parse(serialized.values) as unknown[][]).map((values) =>
          Object.fromEntries(serialized.columns.map((column, i) => [column, values[i]])),
        );
        const stored = new Set<unknown>();
        for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
          const inserted = await into
            .insertInto(table)
            .values(rows.slice(i, i + ROWS_PER_STATEMENT))
            .onConflict((oc) => oc.doNothing())
            .returning(keyColumn)
            .execute();
          for (const row of inserted) stored.add(row[keyColumn]);
        }
        return rows.map((row) => stored.has(row[keyColumn]));
      },
    },
    close: () => db.destroy(),
  };
}

/** Rows per PostgreSQL INSERT: 1,000 users bind 18,000 values, under its limit of 65,535 parameters. */
const ROWS_PER_STATEMENT = 1000;

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

/** lower() as both dialects must agree on it: JavaScript's, which folds every letter (SQLite's folds ASCII only). */
const lowerLikeJavaScript = (text: unknown) => (typeof text === 'string' ? text.toLowerCase() : text);

/**
 * SQLite's bulk insert: the rows' JSON text, bound once and unpacked by jsonb_each in one INSERT … SELECT (binding
 * values row by row cost as much as storing them). The rows get explicit rowids above the table's highest, in order,
 * so the rows stored are exactly those whose rowid exists afterwards (usually all of them: the count of changes
 * tells). The substring index is filled for those rowids by one more statement, with the trigger's lower-cased
 * values (`rows.lowered` when the caller made them, lower() otherwise), and its insert trigger is dropped meanwhile:
 * fired for each row, it would write the trigrams row by row, calling lower() into JavaScript for every value.
 */
function insertSerialized(database: SqliteDatabase.Database, table: string, rows: SerializedRows): boolean[] {
  const { columns, values, count } = rows;
  // The first rowid is read and used within one transaction, so no other writer can take it.
  if (!database.inTransaction) throw new Error(`Bulk insert into ${table} outside a transaction.`);
  if (count === 0) return [];
  const highest = database
    .prepare(`select max(rowid) from ${quoteId(table)}`)
    .pluck()
    .get() as number | null;
  const firstRowid = (highest ?? 0) + 1;
  const index = substringIndexOf(database, table);
  if (index !== null) database.exec(`drop trigger ${quoteId(index.trigger)}`);
  try {
    const { changes } = database
      .prepare(
        `insert into ${quoteId(table)} (rowid, ${columns.map(quoteId).join(', ')})
          select ? + key, ${columns.map((_, i) => `value ->> ${i}`).join(', ')} from jsonb_each(?)
          where true on conflict do nothing`,
      )
      .run(firstRowid, values);
    const stored = new Array<boolean>(count).fill(changes === count);
    if (changes !== count) {
      const found = database
        .prepare(`select rowid - ? from ${quoteId(table)} where rowid >= ?`)
        .pluck()
        .all(firstRowid, firstRowid) as number[];
      for (const i of found) stored[i] = true;
    }
    if (index === null) return stored;
    // FTS5 writes its pending index data out as a new segment whenever it exceeds `hashsize` (1 MB by default), and
    // automerge merges those segments again and again: a batch's trigrams (about 8 MB for 25,000 users) held until
    // the commit make one segment per batch, a fifth less FTS5 work. Stored with the table; it bounds memory only.
    database.exec(
      `insert into ${quoteId(index.table)} (${quoteId(index.table)}, rank) values ('hashsize', ${FTS_BULK_HASH_BYTES})`,
    );
    const names = index.columns.map(quoteId);
    const { lowered } = rows;
    if (changes === count && lowered !== undefined && sameColumns(lowered.columns, index.columns)) {
      const position = new Map(lowered.columns.map((column, i) => [column, i]));
      database
        .prepare(
          `insert into ${quoteId(index.table)} (rowid, ${names.join(', ')})
            select ? + key, ${index.columns.map((column) => `value ->> ${position.get(column)}`).join(', ')}
            from jsonb_each(?)`,
        )
        .run(firstRowid, lowered.values);
    } else {
      database
        .prepare(
          `insert into ${quoteId(index.table)} (rowid, ${names.join(', ')})
            select rowid, ${names.map((name) => `lower(${name})`).join(', ')} from ${quoteId(table)} where rowid >= ?`,
        )
        .run(firstRowid);
    }
    return stored;
  } finally {
    if (index !== null) database.exec(index.triggerSql);
  }
}

/** Pending FTS5 index data a transaction may hold before writing a segment; a batch of bulk-loaded users fits. */
const FTS_BULK_HASH_BYTES = 64 * 1024 * 1024;

/**
 * `table`'s substring index as createTrigramTable made it: the FTS5 table, the columns it indexes (its own, named
 * like the table's) and the insert trigger with the SQL that recreates it; null when the table has none.
 */
function substringIndexOf(database: SqliteDatabase.Database, table: string) {
  const trigger = `${table}_substring_insert`;
  const found = database.prepare(`select sql from sqlite_schema where type = 'trigger' and name = ?`).get(trigger) as
    | { sql: string }
    | undefined;
  if (found === undefined) return null;
  const indexTable = `${table}_substring`;
  const columns = database.prepare('select name from pragma_table_info(?)').all(indexTable) as Array<{ name: string }>;
  return { table: indexTable, columns: columns.map((c) => c.name), trigger, triggerSql: found.sql };
}

const sameColumns = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && a.every((column) => b.includes(column));

const quoteId = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * SQLite: an FTS5 trigram table over the lower-cased columns, keyed by the table's rowid and kept in step by
 * triggers. Contentless (it stores only the index, not a second copy of the text); `contentless_delete` lets the
 * triggers delete by rowid. The text is lowered by lower() as create-db.ts defines it (like JavaScript), and the
 * tokenizer is case-sensitive, so a match is exactly the `lower(column) like` the list query language means.
 */
async function createTrigramTable(db: Kysely<unknown>, table: string, columns: readonly string[]): Promise<void> {
  const index = sql.id(`${table}_substring`);
  const source = sql.table(table);
  const names = sql.join(columns.map((column) => sql.id(column)));
  const lowered = (row: 'new' | null) =>
    sql.join(columns.map((column) => sql`lower(${row ? sql.ref(`${row}.${column}`) : sql.ref(column)})`));
  await sql`create virtual table ${index} using fts5(${names}, content='', contentless_delete=1,
    tokenize='trigram case_sensitive 1')`.execute(db);
  await sql`insert into ${index} (rowid, ${names}) select rowid, ${lowered(null)} from ${source}`.execute(db);
  await sql`create trigger ${sql.id(`${table}_substring_insert`)} after insert on ${source} begin
    insert into ${index} (rowid, ${names}) values (new.rowid, ${lowered('new')}); end`.execute(db);
  await sql`create trigger ${sql.id(`${table}_substring_update`)} after update of ${names} on ${source} begin
    delete from ${index} where rowid = old.rowid;
    insert into ${index} (rowid, ${names}) values (new.rowid, ${lowered('new')}); end`.execute(db);
  await sql`create trigger ${sql.id(`${table}_substring_delete`)} after delete on ${source} begin
    delete from ${index} where rowid = old.rowid; end`.execute(db);
}
