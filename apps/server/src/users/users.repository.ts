import type { Kysely, Selectable } from 'kysely';
import type { DialectCapabilities } from '../db/create-db.js';
import type { Database, UsersTable } from '../db/database.js';
import { preparedQuery } from '../db/prepared-query.js';
import { type RowLock, withRowLock } from '../db/row-locks.js';
import { fetchList, type ListOptions } from '../list/list-request.js';
import { nowIso } from '../shared/time.js';

export type UserRow = Selectable<UsersTable>;

/** The user; with `lock`, locked until the transaction `db` ends (see withRowLock). */
export async function findUser(
  db: Kysely<Database>,
  buyerId: string,
  id: string,
  lock?: RowLock,
): Promise<UserRow | undefined> {
  if (lock === undefined) return (await userById(db, buyerId, id))[0];
  return withRowLock(userByIdQuery(db, buyerId, id), lock).executeTakeFirst();
}

const userByIdQuery = (db: Kysely<Database>, buyerId: string, id: string) =>
  db.selectFrom('users').selectAll().where('buyer_id', '=', buyerId).where('id', '=', id);

/** The plain read behind GET one user, built once (see preparedQuery). */
const userById = preparedQuery(2, userByIdQuery);

export async function findUserByUsername(db: Kysely<Database>, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username_key', '=', username.toLowerCase()).executeTakeFirst();
}

/** The buyer's users, or only the members of the group `groupUid`. */
export async function listUsers(
  db: Kysely<Database>,
  dialect: DialectCapabilities,
  buyerId: string,
  groupUid: string | null,
  options: ListOptions,
) {
  let query = db.selectFrom('users').selectAll().where('buyer_id', '=', buyerId);
  if (groupUid !== null) {
    query = query.where(
      'uid',
      'in',
      db.selectFrom('user_group_members').select('user_uid').where('group_uid', '=', groupUid),
    );
  }
  return fetchList(db, query, options, dialect);
}

export async function insertUser(db: Kysely<Database>, row: UserRow): Promise<void> {
  await db.insertInto('users').values(row).execute();
}

/** What PUT and PATCH may change; the buyer, the uid and the sign-in state are never written back from a read. */
const EDITABLE_COLUMNS = [
  'id',
  'username',
  'username_key',
  'password_hash',
  'password_last_set_date',
  'tokens_valid_after',
  'first_name',
  'last_name',
  'email',
  'phone',
  'terms_accepted',
  'active',
  'xp',
] as const satisfies ReadonlyArray<keyof UserRow>;

/**
 * Writes the editable columns of `row` to the user `row.uid`, but only while it is still `previous` (same buyer and
 * ID): false when a concurrent move, rename or delete got there first, so a stale read never undoes it.
 */
export async function replaceUser(
  db: Kysely<Database>,
  row: UserRow,
  previous: Pick<UserRow, 'buyer_id' | 'id'>,
): Promise<boolean> {
  const columns = Object.fromEntries(EDITABLE_COLUMNS.map((column) => [column, row[column]]));
  const result = await db
    .updateTable('users')
    .set(columns)
    .where('uid', '=', row.uid)
    .where('buyer_id', '=', previous.buyer_id)
    .where('id', '=', previous.id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteUser(db: Kysely<Database>, buyerId: string, id: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('buyer_id', '=', buyerId).where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Moves the user to `buyerId`: its group memberships and user-level profile assignments stay behind (deleted), and
 * tokens issued before the move stop working, since they name the old buyer and its roles.
 */
export async function moveUser(db: Kysely<Database>, uid: string, buyerId: string): Promise<void> {
  await db.deleteFrom('user_group_members').where('user_uid', '=', uid).execute();
  await db.deleteFrom('security_profile_assignments').where('user_uid', '=', uid).execute();
  await db
    .updateTable('users')
    .set({ buyer_id: buyerId, tokens_valid_after: nowIso() })
    .where('uid', '=', uid)
    .execute();
}
