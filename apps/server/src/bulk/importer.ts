import type { Kysely } from 'kysely';
import type { DatabaseHandle, SerializedRows } from '../db/create-db.js';
import type { Database } from '../db/database.js';
import { type CheckedBatch, type Rejection, type SerializedUsers, serializeRows } from './checked-batches.js';

export type { Rejection } from './checked-batches.js';

// Writes checked batches (checked-batches.ts), each batch one transaction. A bad record never aborts its batch:
// records were checked and in-batch duplicates found before, and duplicates of rows already stored are skipped by the
// dialect's insertSkippingConflicts and reported from what it did not store. The users of a batch stay the JSON text
// they came as unless something must be taken out of them (a user of an unknown buyer) or reported (a conflict).

export interface ImportCounts {
  records: number;
  buyers: number;
  users: number;
  rejected: number;
}

export interface ImporterOptions {
  onReject: (rejection: Rejection) => void;
}

type UserRow = Record<string, unknown> & { buyer_id: string; username: string; id: string };

export class BulkImporter {
  readonly counts: ImportCounts = { records: 0, buyers: 0, users: 0, rejected: 0 };
  /** Buyers known to exist, so a user's buyer is looked up once per import, not once per user. */
  readonly #knownBuyers = new Set<string>();

  private readonly handle: DatabaseHandle;
  private readonly options: ImporterOptions;

  constructor(handle: DatabaseHandle, options: ImporterOptions) {
    this.handle = handle;
    this.options = options;
  }

  private reject(line: number, reason: string): void {
    this.counts.rejected++;
    this.options.onReject({ line, reason });
  }

  /** Writes one checked batch in one transaction, and reports what it rejects. */
  async write(batch: CheckedBatch): Promise<void> {
    this.counts.records += batch.records;
    for (const { line, reason } of batch.rejections) this.reject(line, reason);
    const { db, dialect } = this.handle;
    await db.transaction().execute(async (trx) => {
      const { buyers } = batch;
      if (buyers.length > 0) {
        const rows = serializeRows(buyers.map(({ row }) => row as unknown as Record<string, unknown>));
        const buyersStored = await dialect.insertSkippingConflicts(trx, 'buyers', rows, 'id');
        buyers.forEach((item, i) => {
          // A buyer that already existed still exists: its users in this file are welcome.
          this.#knownBuyers.add(item.row.id);
          if (buyersStored[i]) this.counts.buyers++;
          else this.reject(item.line, `Buyer ID ${item.row.id} already exists.`);
        });
      }
      const users = await this.#withExistingBuyer(trx, batch.users);
      if (users.lines.length === 0) return;
      const usersStored = await dialect.insertSkippingConflicts(trx, 'users', users, 'uid');
      const stored = usersStored.filter(Boolean).length;
      this.counts.users += stored;
      if (stored === users.lines.length) return;
      const rows = parseRows(users);
      rows.forEach((row, i) => {
        if (usersStored[i]) return;
        this.reject(
          users.lines[i] ?? 0,
          `Username ${row.username} or user ID ${row.id} in buyer ${row.buyer_id} already exists.`,
        );
      });
    });
  }

  /** The users whose buyer exists; the others are rejected. */
  async #withExistingBuyer(db: Kysely<Database>, users: SerializedUsers): Promise<SerializedUsers> {
    const unknown = users.buyerIds.filter((id) => !this.#knownBuyers.has(id));
    if (unknown.length === 0) return users;
    const found = await db.selectFrom('buyers').select('id').where('id', 'in', unknown).execute();
    for (const { id } of found) this.#knownBuyers.add(id);
    if (unknown.every((id) => this.#knownBuyers.has(id))) return users;
    const kept: UserRow[] = [];
    const lines: number[] = [];
    parseRows(users).forEach((row, i) => {
      const line = users.lines[i] ?? 0;
      if (!this.#knownBuyers.has(row.buyer_id)) {
        this.reject(line, `Buyer ${row.buyer_id} does not exist.`);
        return;
      }
      kept.push(row);
      lines.push(line);
    });
    // parseRows built each row from `users.columns`, so serializeRows keeps that order.
    return {
      ...serializeRows(kept),
      lines,
      buyerIds: users.buyerIds.filter((id) => this.#knownBuyers.has(id)),
    };
  }
}

/** Users rows as objects, for the rare batch that needs to look into them. */
function parseRows(rows: SerializedRows): UserRow[] {
  const values = JSON.parse(rows.values) as unknown[][];
  return values.map((row) => Object.fromEntries(rows.columns.map((column, i) => [column, row[i]])) as UserRow);
}
