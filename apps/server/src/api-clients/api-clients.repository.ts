import type { Kysely, Selectable } from 'kysely';
import type { DialectCapabilities } from '../db/create-db.js';
import type { ApiClientsTable, Database } from '../db/database.js';
import { preparedQuery } from '../db/prepared-query.js';
import { fetchList, type ListOptions } from '../list/list-request.js';

export type ApiClientRow = Selectable<ApiClientsTable>;

/** The client lookup: the token endpoint runs it on every request, so it is built once (see preparedQuery). */
const apiClientById = preparedQuery(1, (db: Kysely<Database>, id: string) =>
  db.selectFrom('api_clients').selectAll().where('id', '=', id),
);

export async function findApiClient(db: Kysely<Database>, id: string): Promise<ApiClientRow | undefined> {
  const [row] = await apiClientById(db, id);
  return row;
}

export async function countApiClients(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('api_clients')
    .select((eb) => eb.fn.countAll<number | string>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function listApiClients(db: Kysely<Database>, dialect: DialectCapabilities, options: ListOptions) {
  return fetchList(db, db.selectFrom('api_clients').selectAll(), options, dialect);
}

export async function insertApiClient(db: Kysely<Database>, row: ApiClientRow): Promise<void> {
  await db.insertInto('api_clients').values(row).execute();
}

/** Replaces every column of the client `id` (its ID too, for a rename); false when there is no such client. */
export async function replaceApiClient(db: Kysely<Database>, id: string, row: ApiClientRow): Promise<boolean> {
  const result = await db.updateTable('api_clients').set(row).where('id', '=', id).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteApiClient(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('api_clients').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}
