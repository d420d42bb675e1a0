import { type Kysely, type Selectable, sql } from 'kysely';
import type { DialectCapabilities } from '../db/create-db.js';
import type { Database, SecurityProfileAssignmentsTable, SecurityProfilesTable } from '../db/database.js';
import { fetchPage, type PageRequest } from '../list/list-page.js';
import { fetchList, type ListOptions } from '../list/list-request.js';

export type SecurityProfileRow = Selectable<SecurityProfilesTable>;
export type AssignmentRow = Selectable<SecurityProfileAssignmentsTable>;

/**
 * An assignment's level as one key, unique per profile and buyer (NULLs never collide in a unique constraint, this
 * does): `buyer`, or the prefix and uid of the group or user. Index (buyer_id, level_key) finds a user's profiles by it.
 */
export const levelKeys = {
  buyer: 'buyer',
  groupPrefix: 'group:',
  userPrefix: 'user:',
} as const;

export async function findSecurityProfile(db: Kysely<Database>, id: string): Promise<SecurityProfileRow | undefined> {
  return db.selectFrom('security_profiles').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listSecurityProfiles(db: Kysely<Database>, dialect: DialectCapabilities, options: ListOptions) {
  return fetchList(db, db.selectFrom('security_profiles').selectAll(), options, dialect);
}

export async function insertSecurityProfile(db: Kysely<Database>, row: SecurityProfileRow): Promise<void> {
  await db.insertInto('security_profiles').values(row).execute();
}

/** Replaces every column of the profile `id` (its ID too: assignments follow by ON UPDATE CASCADE). */
export async function replaceSecurityProfile(db: Kysely<Database>, id: string, row: SecurityProfileRow): Promise<void> {
  await db.updateTable('security_profiles').set(row).where('id', '=', id).execute();
}

export async function deleteSecurityProfile(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('security_profiles').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export interface AssignmentFilter {
  buyerId?: string | undefined;
  securityProfileId?: string | undefined;
  userGroupId?: string | undefined;
  userId?: string | undefined;
  level?: 'User' | 'Group' | 'Company' | undefined;
}

/** Assignments with API IDs for groups and users, in a total order (profile, buyer, group, user; nulls first). */
export async function listAssignments(
  db: Kysely<Database>,
  dialect: DialectCapabilities,
  filter: AssignmentFilter,
  page: PageRequest,
) {
  let query = db
    .selectFrom('security_profile_assignments as a')
    .leftJoin('user_groups as g', 'g.uid', 'a.group_uid')
    .leftJoin('users as u', 'u.uid', 'a.user_uid')
    .select(['a.security_profile_id', 'a.buyer_id', 'g.id as group_id', 'u.id as user_id']);
  if (filter.buyerId !== undefined) query = query.where('a.buyer_id', '=', filter.buyerId);
  if (filter.securityProfileId !== undefined)
    query = query.where('a.security_profile_id', '=', filter.securityProfileId);
  if (filter.userGroupId !== undefined) query = query.where('g.id', '=', filter.userGroupId);
  if (filter.userId !== undefined) query = query.where('u.id', '=', filter.userId);
  if (filter.level === 'User') query = query.where('a.user_uid', 'is not', null);
  if (filter.level === 'Group') query = query.where('a.group_uid', 'is not', null);
  if (filter.level === 'Company') query = query.where('a.level_key', '=', levelKeys.buyer);
  for (const column of ['a.security_profile_id', 'a.buyer_id', 'g.id', 'u.id']) {
    query = query.orderBy(sql`${dialect.binaryText(sql.ref(column))} asc nulls first`);
  }
  return fetchPage(query, page);
}

/** Idempotent: an existing assignment stays as it is. */
export async function addAssignment(db: Kysely<Database>, row: AssignmentRow): Promise<void> {
  await db
    .insertInto('security_profile_assignments')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function removeAssignment(db: Kysely<Database>, row: AssignmentRow): Promise<boolean> {
  const result = await db
    .deleteFrom('security_profile_assignments')
    .where('security_profile_id', '=', row.security_profile_id)
    .where('buyer_id', '=', row.buyer_id)
    .where('level_key', '=', row.level_key)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}
