import type { Kysely, Selectable } from 'kysely';
import type { DialectCapabilities } from '../db/create-db.js';
import type { BuyersTable, Database } from '../db/database.js';
import { fetchList, type ListOptions } from '../list/list-request.js';

export type BuyerRow = Selectable<BuyersTable>;

export async function findBuyer(db: Kysely<Database>, id: string): Promise<BuyerRow | undefined> {
  return db.selectFrom('buyers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listBuyers(db: Kysely<Database>, dialect: DialectCapabilities, options: ListOptions) {
  return fetchList(db, db.selectFrom('buyers').selectAll(), options, dialect);
}

export async function insertBuyer(db: Kysely<Database>, row: BuyerRow): Promise<void> {
  await db.insertInto('buyers').values(row).execute();
}

/** Replaces every column of the buyer `id` (its ID too, for a rename); false when there is no such buyer. */
export async function replaceBuyer(db: Kysely<Database>, id: string, row: BuyerRow): Promise<boolean> {
  const result = await db.updateTable('buyers').set(row).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteBuyer(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('buyers').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function buyerExists(db: Kysely<Database>, id: string): Promise<boolean> {
  return (await db.selectFrom('buyers').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}
