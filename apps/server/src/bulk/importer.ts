import type { Kysely } from 'kysely';
import { hashPassword } from '../auth/passwords.js';
import type { DatabaseHandle } from '../db/create-db.js';
import type { Database } from '../db/database.js';
import { nowIso } from '../shared/time.js';
import { type ImportRow, type RawRecord, RejectedRecord, toImportRow } from './records.js';

// Writes records in batches, each batch one transaction. A bad record never aborts its batch: records are checked
// before the transaction, duplicates inside the batch are found in memory, and duplicates of rows already stored
// are skipped by the dialect's insertSkippingConflicts and reported from what it did not store.

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

  private readonly handle: DatabaseHandle;
  private readonly options: ImporterOptions;

  constructor(handle: DatabaseHandle, options: ImporterOptions) {
    this.handle = handle;
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
    // One creation time for the batch: its records are checked together, within milliseconds.
    const now = nowIso();
    const checked: Checked[] = [];
    for (const { line, record } of batch) {
      try {
        checked.push({ line, ...toImportRow(record, this.options.defaultBuyerId, now) });
      } catch (error) {
        if (!(error instanceof RejectedRecord)) throw error;
        this.reject(line, error.message);
      }
    }
    const { buyers, users } = this.#dropInBatchDuplicates(checked);
    await hashPasswords(users);
    const { db, dialect } = this.handle;
    await db.transaction().execute(async (trx) => {
      const buyersStored = await dialect.insertSkippingConflicts(
        trx,
        'buyers',
        buyers.map((item) => item.row),
        'id',
      );
      buyers.forEach((item, i) => {
        // A buyer that already existed still exists: its users in this file are welcome.
        this.#knownBuyers.add(item.row.id);
        if (buyersStored[i]) this.counts.buyers++;
        else this.reject(item.line, `Buyer ID ${item.row.id} already exists.`);
      });
      const present = await this.#withExistingBuyer(trx, users);
      const usersStored = await dialect.insertSkippingConflicts(
        trx,
        'users',
        present.map((item) => item.row),
        'uid',
      );
      present.forEach(({ line, row }, i) => {
        if (usersStored[i]) this.counts.users++;
        else
          this.reject(line, `Username ${row.username} or user ID ${row.id} in buyer ${row.buyer_id} already exists.`);
      });
    });
  }

  /** Keeps the first of several buyers with one ID, and of several users with one username or one buyer and ID. */
  #dropInBatchDuplicates(checked: readonly Checked[]) {
    const buyers: Array<Checked & { kind: 'buyer' }> = [];
    const users: Array<Checked & { kind: 'user' }> = [];
    const buyerIds = new Map<string, number>();
    const usernames = new Map<string, number>();
    const userIds = new Map<string, number>();
    for (const item of checked) {
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

/** Hashes the users' passwords in parallel: scrypt runs on libuv's thread pool. */
async function hashPasswords(users: ReadonlyArray<Checked & { kind: 'user' }>): Promise<void> {
  await Promise.all(
    users.map(async ({ row, password }) => {
      if (password === null) return;
      row.password_hash = await hashPassword(password);
      row.password_last_set_date = row.date_created;
    }),
  );
}
