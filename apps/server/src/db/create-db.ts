import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, type RawBuilder, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import type { Config, Dialect } from '../config.js';
import type { Database } from './database.js';

/**
 * What differs between the dialects, as capabilities. This module is the only one that branches on the dialect;
 * everything else reads these functions.
 */
export interface DialectCapabilities {
  name: Dialect;
  /** The text at a JSON path inside a JSON text column (null when missing). */
  jsonText(column: string, path: readonly string[]): RawBuilder<string | null>;
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  return {
    db,
    dialect: {
      name: 'sqlite',
      jsonText: (column, jsonPath) =>
        sql<
          string | null
        >`json_extract(${sql.ref(column)}, ${`$${jsonPath.map((p) => `."${p.replaceAll('"', '""')}"`).join('')}`})`,
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
      isUniqueViolation: (error) => error instanceof Error && 'code' in error && error.code === '23505',
    },
    close: () => db.destroy(),
  };
}
