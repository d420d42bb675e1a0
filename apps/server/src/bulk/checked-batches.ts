import { hashPassword } from '../auth/passwords.js';
import type { SerializedRows } from '../db/create-db.js';
import type { BuyersTable } from '../db/database.js';
import { nowIso } from '../shared/time.js';
import { USER_LIST } from '../users/users.mapper.js';
import { RejectedRecord, toImportRow } from './records.js';
import { seedUsers } from './seed.js';
import { type ImportFormat, readRecords, type SourceItem } from './sources.js';

// The part of an import that needs no database: reading records, checking them, finding duplicates within a batch
// and hashing passwords. It runs in a worker thread (import-worker.ts) while the main thread writes the previous
// batch, and hands over each batch's users as one JSON text, which the main thread passes to the database as it is:
// a structured clone of the rows would cost the main thread more than checking them did.

export interface Rejection {
  line: number;
  reason: string;
}

/** Where records come from: an import file, or generated demo users (`usher seed`). */
export type RecordSource =
  | { kind: 'file'; file: string; format: ImportFormat }
  | { kind: 'seed'; buyerId: string; count: number; seed: number; createBuyer: boolean };

/** One batch, checked: what the database must still decide (existing keys, existing buyers) is left to the writer. */
export interface CheckedBatch {
  /** Records read for this batch, the rejected ones included. */
  records: number;
  /** Records rejected before the database: unreadable or invalid (in line order), then duplicates in the batch. */
  rejections: Rejection[];
  buyers: Array<{ line: number; row: BuyersTable }>;
  users: SerializedUsers;
}

/** Users rows as the JSON text of an array of value arrays in `columns` order, and the line of each. */
export interface SerializedUsers extends SerializedRows {
  lines: number[];
  /** The buyers the users belong to, each once. */
  buyerIds: string[];
}

export async function* sourceItems(source: RecordSource): AsyncGenerator<SourceItem> {
  if (source.kind === 'file') {
    yield* readRecords(source.file, source.format);
    return;
  }
  let line = 0;
  if (source.createBuyer) {
    yield { line: ++line, record: { Type: 'Buyer', ID: source.buyerId, Name: `Demo buyer ${source.buyerId}` } };
  }
  for (const record of seedUsers(source.count, source.buyerId, source.seed)) yield { line: ++line, record };
}

/** Groups `items` into batches of `batchSize` readable records (unreadable ones ride along) and checks each. */
export async function* checkedBatches(
  items: AsyncIterable<SourceItem>,
  batchSize: number,
  defaultBuyerId: string | null,
): AsyncGenerator<CheckedBatch> {
  let pending: SourceItem[] = [];
  let readable = 0;
  for await (const item of items) {
    pending.push(item);
    if ('record' in item) readable++;
    if (readable >= batchSize) {
      yield await checkBatch(pending, defaultBuyerId);
      pending = [];
      readable = 0;
    }
  }
  if (pending.length > 0) yield await checkBatch(pending, defaultBuyerId);
}

type CheckedUser = { line: number; row: Record<string, unknown> & { buyer_id: string; username_key: string } };

export async function checkBatch(items: readonly SourceItem[], defaultBuyerId: string | null): Promise<CheckedBatch> {
  // One creation time for the batch: its records are checked together, within milliseconds.
  const now = nowIso();
  const rejections: Rejection[] = [];
  const buyers: CheckedBatch['buyers'] = [];
  const users: CheckedUser[] = [];
  const passwords: Array<string | null> = [];
  const buyerIds = new Map<string, number>();
  const usernames = new Map<string, number>();
  const userIds = new Map<string, number>();
  const checked: Array<{ line: number; checked: ReturnType<typeof toImportRow> }> = [];
  for (const item of items) {
    if ('error' in item) {
      rejections.push({ line: item.line, reason: item.error });
      continue;
    }
    try {
      checked.push({ line: item.line, checked: toImportRow(item.record, defaultBuyerId, now) });
    } catch (error) {
      if (!(error instanceof RejectedRecord)) throw error;
      rejections.push({ line: item.line, reason: error.message });
    }
  }
  // Keeps the first of several buyers with one ID, and of several users with one username or one buyer and ID.
  for (const { line, checked: item } of checked) {
    if (item.kind === 'buyer') {
      const first = buyerIds.get(item.row.id);
      if (first !== undefined) {
        rejections.push({ line, reason: `Buyer ID ${item.row.id} is already on line ${first}.` });
      } else {
        buyerIds.set(item.row.id, line);
        buyers.push({ line, row: item.row });
      }
      continue;
    }
    const sameUsername = usernames.get(item.row.username_key);
    const idKey = `${item.row.buyer_id}\u0000${item.row.id}`;
    const sameId = userIds.get(idKey);
    if (sameUsername !== undefined) {
      rejections.push({ line, reason: `Username ${item.row.username} is already on line ${sameUsername}.` });
    } else if (sameId !== undefined) {
      rejections.push({
        line,
        reason: `User ID ${item.row.id} in buyer ${item.row.buyer_id} is already on line ${sameId}.`,
      });
    } else {
      usernames.set(item.row.username_key, line);
      userIds.set(idKey, line);
      users.push({ line, row: item.row as unknown as CheckedUser['row'] });
      passwords.push(item.password);
    }
  }
  await hashPasswords(users, passwords);
  return { records: items.length, rejections, buyers, users: serializeUsers(users) };
}

/** Hashes the users' passwords in parallel: scrypt runs on libuv's thread pool. */
async function hashPasswords(users: readonly CheckedUser[], passwords: ReadonlyArray<string | null>): Promise<void> {
  await Promise.all(
    users.map(async ({ row }, i) => {
      const password = passwords[i];
      if (password === null || password === undefined) return;
      row['password_hash'] = await hashPassword(password);
      row['password_last_set_date'] = row['date_created'];
    }),
  );
}

/**
 * Rows as SerializedRows: the columns, and the values of each row in their order as JSON text. The rows must name
 * their columns in one order, as rows built by one object literal (toImportRow) or from one column list do.
 */
export function serializeRows(rows: ReadonlyArray<Record<string, unknown>>): SerializedRows {
  const first = rows[0];
  return {
    columns: first ? Object.keys(first) : [],
    values: JSON.stringify(rows.map((row) => Object.values(row))),
    count: rows.length,
  };
}

/**
 * The users' searchable columns, lower-cased here, off the main thread, for the substring index (see
 * SerializedRows.lowered; the index takes them only if they are its columns).
 */
const LOWERED_COLUMNS = Object.values(USER_LIST.fields)
  .filter((field) => field.searchable)
  .map((field) => field.column);

function serializeUsers(users: readonly CheckedUser[]): SerializedUsers {
  const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : value);
  return {
    ...serializeRows(users.map(({ row }) => row)),
    lowered: {
      columns: LOWERED_COLUMNS,
      values: JSON.stringify(users.map(({ row }) => LOWERED_COLUMNS.map((column) => lower(row[column])))),
    },
    lines: users.map(({ line }) => line),
    buyerIds: [...new Set(users.map(({ row }) => row.buyer_id))],
  };
}
