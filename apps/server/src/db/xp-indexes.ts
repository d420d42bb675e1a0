import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Logger } from '../shared/logger.js';
import type { DatabaseHandle } from './create-db.js';

// xp differs per deployment, so which xp paths deserve an index is configuration (USER_XP_INDEXES), not a migration.
// Each configured path gets an expression index on exactly what an equality filter compares (`lower(text at the
// path)`, the list query language's `xp.Region=EU`), then the buyer, like migration 0006's filter indexes. The list
// SQL spells configured paths out (see jsonText in create-db.ts), which is what lets the planner match the index.

const PREFIX = 'users_xp_';

/** Whether an index of users is one this module keeps for an xp path. */
export const isXpIndex = (name: string): boolean => name.startsWith(PREFIX);

/** A stable index name per path: readable, and distinct for paths that differ only in case or punctuation. */
export function xpIndexName(path: string): string {
  const readable = path
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 32);
  return `${PREFIX}${readable}_${createHash('sha256').update(path).digest('hex').slice(0, 8)}`;
}

/**
 * Makes the users' xp indexes those of the paths the database was opened with (`handle.userXpIndexes`, from
 * USER_XP_INDEXES): builds the missing ones (reading every user, so it can take a while on a large table; logged)
 * and drops those of paths no longer configured. Instances sharing a database must be configured alike, or each start
 * undoes the other's.
 */
export async function syncXpIndexes(handle: DatabaseHandle, logger: Logger): Promise<void> {
  const { db, dialect } = handle;
  const wanted = new Map(handle.userXpIndexes.map((path) => [xpIndexName(path), path]));
  const xpIndexNames = async () =>
    new Set((await dialect.indexDefinitions(db, 'users')).map((index) => index.name).filter(isXpIndex));
  const existing = await xpIndexNames();
  for (const name of existing) {
    if (wanted.has(name)) continue;
    logger.info('dropping an xp index no longer in USER_XP_INDEXES', { index: name });
    await sql`drop index if exists ${sql.id(name)}`.execute(db);
  }
  for (const [name, path] of wanted) {
    if (existing.has(name)) continue;
    logger.info('building the index of an xp path in USER_XP_INDEXES (reads every user once)', { path, index: name });
    const started = Date.now();
    const create = sql`create index if not exists ${sql.id(name)}
      on users (lower(${dialect.jsonText('xp', path.split('.'))}), buyer_id)`;
    if (create.compile(db).parameters.length > 0) {
      throw new Error(`jsonText bound xp path ${path} instead of spelling it out: no query could use its index.`);
    }
    try {
      await create.execute(db);
    } catch (error) {
      // Another instance starting at the same moment may have built it first.
      if (!(await xpIndexNames()).has(name)) throw error;
    }
    logger.info('xp index ready', { path, index: name, ms: Date.now() - started });
  }
}
