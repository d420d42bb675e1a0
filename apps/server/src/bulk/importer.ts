import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { type ImportRow, type RawRecord, RejectedRecord, toImportRow } from './records.js';

// Writes records in batches, each batch one transaction. A bad record never aborts its batch: records are checked
// before the transaction, duplicates inside the batch are found in memory, and duplicates of rows already stored
// are skipped by `on conflict do nothing` and reported from what the insert did not return.

export interface Rejection {
  line: number;
  reason: string;
}

export interface ImportCounts {
  records: number;
  buyers: number;
  users: number;
  rejected: number;
}

/** Rows per INSERT statement: 1,000 users bind 18,000 values, under both SQLite's and PostgreSQL's limits. */
const ROWS_PER_STATEMENT = 1000;

type Checked = { line: number } & ImportRow;

export interface ImporterOptions {
  /** Records per transaction. */
  batchSize: number;
  /** The buyer of users whose record names none. */
  defaultBuyerId: string | null;
  onReject: (rejection: Rejection) => void;
}

export class BulkImporter {
  readonly counts: ImportCounts = { records: 0, buyers: 0, users: 0, rejected: 0 };
  #pending: Array<{ line: number; record: RawRecord }> = [];
  /** Buyers known to exist, so a user's buyer is looked up once per import, not once per user. */
  readonly #knownBuyers = new Set<string>();

  private readonly db: Kysely<Database>;
  private readonly options: ImporterOptions;

  constructor(db: Kysely<Database>, options: ImporterOptions) {
    this.db = db;
    this.options = options;
  }

  /** Queues one record; writes a batch when enough are queued. */
  async add(line: number, record: RawRecord): Promise<void> {
    this.counts.records++;
    this.#pending.push({ line, record });
    if (this.#pending.length >= this.options.batchSize) await this.flush();
  }

  /** A record that could not even be read (bad JSON, a broken CSV line). */
  rejectUnreadable(line: number, reason: string): void {
    this.counts.records++;
    this.reject(line, reason);
  }

  private reject(line: number, reason: string): void {
    this.counts.rejected++;
    this.options.onReject({ line, reason });
  }

  /** Writes whatever is queued. */
  async flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    // Checked (and passwords hashed) in parallel: scrypt runs on libuv's thread pool.
    const checked = await Promise.all(
      batch.map(async ({ line, record }): Promise<Checked | null> => {
        try {
          return { line, ...(await toImportRow(record, this.options.defaultBuyerId)) };
        } catch (error) {
          if (!(error instanceof RejectedRecord)) throw error;
          this.reject(line, error.message);
          return null;
        }
      }),
    );
    const { buyers, users } = this.#dropInBatchDuplicates(checked);
    await this.db.transaction().execute(async (trx) => {
      const skippedBuyers = await insertSkippingConflicts(
        buyers,
        async (chunk) => {
          const inserted = await trx
            .insertInto('buyers')
            .values(chunk.map((item) => item.row))
            .onConflict((oc) => oc.doNothing())
            .returning('id')
            .execute();
          return inserted.map((r) => r.id);
        },
        (item) => item.row.id,
      );
      this.counts.buyers += buyers.length - skippedBuyers.length;
      // A buyer that already existed still exists: its users in this file are welcome.
      for (const item of buyers) this.#knownBuyers.add(item.row.id);
      for (const item of skippedBuyers) this.reject(item.line, `Buyer ID ${item.row.id} already exists.`);
      const present = await this.#withExistingBuyer(trx, users);
      const skippedUsers = await insertSkippingConflicts(
        present,
        async (chunk) => {
          const inserted = await trx
            .insertInto('users')
            .values(chunk.map((item) => item.row))
            .onConflict((oc) => oc.doNothing())
            .returning('uid')
            .execute();
          return inserted.map((r) => r.uid);
        },
        (item) => item.row.uid,
      );
      this.counts.users += present.length - skippedUsers.length;
      for (const { line, row } of skippedUsers) {
        this.reject(line, `Username ${row.username} or user ID ${row.id} in buyer ${row.buyer_id} already exists.`);
      }
    });
  }

  /** Keeps the first of several buyers with one ID, and of several users with one username or one buyer and ID. */
  #dropInBatchDuplicates(checked: ReadonlyArray<Checked | null>) {
    const buyers: Array<Checked & { kind: 'buyer' }> = [];
    const users: Array<Checked & { kind: 'user' }> = [];
    const buyerIds = new Map<string, number>();
    const usernames = new Map<string, number>();
    const userIds = new Map<string, number>();
    for (const item of checked) {
      if (item === null) continue;
      if (item.kind === 'buyer') {
        const first = buyerIds.get(item.row.id);
        if (first !== undefined) {
          this.reject(item.line, `Buyer ID ${item.row.id} is already on line ${first}.`);
        } else {
          buyerIds.set(item.row.id, item.line);
          buyers.push(item);
        }
        continue;
      }
      const sameUsername = usernames.get(item.row.username_key);
      const idKey = `${item.row.buyer_id}\u0000${item.row.id}`;
      const sameId = userIds.get(idKey);
      if (sameUsername !== undefined) {
        this.reject(item.line, `Username ${item.row.username} is already on line ${sameUsername}.`);
      } else if (sameId !== undefined) {
        this.reject(item.line, `User ID ${item.row.id} in buyer ${item.row.buyer_id} is already on line ${sameId}.`);
      } else {
        usernames.set(item.row.username_key, item.line);
        userIds.set(idKey, item.line);
        users.push(item);
      }
    }
    return { buyers, users };
  }

  /** The users whose buyer exists; the others are rejected. */
  async #withExistingBuyer<T extends { line: number; row: { buyer_id: string } }>(
    db: Kysely<Database>,
    users: readonly T[],
  ): Promise<T[]> {
    const unknown = [...new Set(users.map((u) => u.row.buyer_id))].filter((id) => !this.#knownBuyers.has(id));
    if (unknown.length > 0) {
      const found = await db.selectFrom('buyers').select('id').where('id', 'in', unknown).execute();
      for (const { id } of found) this.#knownBuyers.add(id);
    }
    return users.filter((user) => {
      if (this.#knownBuyers.has(user.row.buyer_id)) return true;
      this.reject(user.line, `Buyer ${user.row.buyer_id} does not exist.`);
      return false;
    });
  }
}

/**
 * Inserts `items` a statement of ROWS_PER_STATEMENT at a time with `insert`, which skips conflicting rows and answers
 * the keys it stored; returns the items it skipped.
 */
async function insertSkippingConflicts<T>(
  items: readonly T[],
  insert: (chunk: readonly T[]) => Promise<string[]>,
  keyOf: (item: T) => string,
): Promise<T[]> {
  const skipped: T[] = [];
  for (let i = 0; i < items.length; i += ROWS_PER_STATEMENT) {
    const chunk = items.slice(i, i + ROWS_PER_STATEMENT);
    const stored = new Set(await insert(chunk));
    for (const item of chunk) if (!stored.has(keyOf(item))) skipped.push(item);
  }
  return skipped;
}
