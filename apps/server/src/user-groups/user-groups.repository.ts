import { type Kysely, type Selectable, sql } from 'kysely';
import type { DialectCapabilities } from '../db/create-db.js';
import type { Database, UserGroupsTable } from '../db/database.js';
import { type RowLock, withRowLock } from '../db/row-locks.js';
import { fetchPage, type PageRequest } from '../list/list-page.js';
import { fetchList, type ListOptions } from '../list/list-request.js';

export type UserGroupRow = Selectable<UserGroupsTable>;

/** The group; with `lock`, locked until the transaction `db` ends (see withRowLock). */
export async function findUserGroup(
  db: Kysely<Database>,
  buyerId: string,
  id: string,
  lock?: RowLock,
): Promise<UserGroupRow | undefined> {
  const query = db.selectFrom('user_groups').selectAll().where('buyer_id', '=', buyerId).where('id', '=', id);
  return withRowLock(query, lock).executeTakeFirst();
}

export async function listUserGroups(
  db: Kysely<Database>,
  dialect: DialectCapabilities,
  buyerId: string,
  options: ListOptions,
) {
  return fetchList(db, db.selectFrom('user_groups').selectAll().where('buyer_id', '=', buyerId), options, dialect);
}

export async function insertUserGroup(db: Kysely<Database>, row: UserGroupRow): Promise<void> {
  await db.insertInto('user_groups').values(row).execute();
}

export async function replaceUserGroup(db: Kysely<Database>, row: UserGroupRow): Promise<void> {
  await db.updateTable('user_groups').set(row).where('uid', '=', row.uid).execute();
}

export async function deleteUserGroup(db: Kysely<Database>, buyerId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('user_groups')
    .where('buyer_id', '=', buyerId)
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export interface MembershipFilter {
  userGroupId?: string | undefined;
  userId?: string | undefined;
}

/** The buyer's memberships as API IDs, ordered by group ID, then user ID. */
export async function listMemberships(
  db: Kysely<Database>,
  dialect: DialectCapabilities,
  buyerId: string,
  filter: MembershipFilter,
  page: PageRequest,
) {
  let query = db
    .selectFrom('user_group_members as m')
    .innerJoin('user_groups as g', 'g.uid', 'm.group_uid')
    .innerJoin('users as u', 'u.uid', 'm.user_uid')
    .select(['g.id as group_id', 'u.id as user_id'])
    .where('g.buyer_id', '=', buyerId);
  if (filter.userGroupId !== undefined) query = query.where('g.id', '=', filter.userGroupId);
  if (filter.userId !== undefined) query = query.where('u.id', '=', filter.userId);
  return fetchPage(
    query.orderBy(sql`${dialect.binaryText(sql.ref('g.id'))}`).orderBy(sql`${dialect.binaryText(sql.ref('u.id'))}`),
    page,
  );
}

/** Idempotent: an existing membership stays as it is. */
export async function addMembership(db: Kysely<Database>, groupUid: string, userUid: string): Promise<void> {
  await db
    .insertInto('user_group_members')
    .values({ group_uid: groupUid, user_uid: userUid })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function removeMembership(db: Kysely<Database>, groupUid: string, userUid: string): Promise<boolean> {
  const result = await db
    .deleteFrom('user_group_members')
    .where('group_uid', '=', groupUid)
    .where('user_uid', '=', userUid)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
