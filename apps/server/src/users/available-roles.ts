import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { preparedQuery } from '../db/prepared-query.js';
import { levelKeys } from '../security-profiles/security-profiles.repository.js';
import type { UserRow } from './users.repository.js';

// A security profile reaches a user when it is assigned to the user's buyer, to the user, or to one of its groups.
// Each level is its own branch of a UNION ALL that finds the assignments by key in index (buyer_id, level_key), so a
// buyer with a million user-level assignments costs a user's roles a few index probes. One join condition with an OR
// across the levels made PostgreSQL scan all the buyer's assignments: 300 ms at 200,000 of them.

type Joined = Database & {
  u: Database['users'];
  a: Database['security_profile_assignments'];
  m: Database['user_group_members'];
};

/** The level key of `column`'s assignments at a level with that prefix, in SQL. */
const levelKeyOf = (prefix: string, column: 'u.uid' | 'm.group_uid') =>
  sql<string>`${sql.lit(prefix)} || ${sql.ref(column)}`;

/** Assignments `a` of `u`'s buyer at one level. */
const assignedAt = (level: 'buyer' | 'user') => (eb: ExpressionBuilder<Joined, 'u' | 'a'>) =>
  eb.and([
    eb('a.buyer_id', '=', eb.ref('u.buyer_id')),
    eb('a.level_key', '=', level === 'buyer' ? sql.lit(levelKeys.buyer) : levelKeyOf(levelKeys.userPrefix, 'u.uid')),
  ]);

/** Assignments `a` of `u`'s buyer made to the group of membership `m`. */
const assignedToGroup = (eb: ExpressionBuilder<Joined, 'u' | 'm' | 'a'>) =>
  eb.and([
    eb('a.buyer_id', '=', eb.ref('u.buyer_id')),
    eb('a.level_key', '=', levelKeyOf(levelKeys.groupPrefix, 'm.group_uid')),
  ]);

/** Users (as `u`) with the security profiles (as `sp`) reaching them at one level. */
const reachedAt = (db: Kysely<Database>, level: 'buyer' | 'user') =>
  db
    .selectFrom('users as u')
    .innerJoin('security_profile_assignments as a', (join) => join.on(assignedAt(level)))
    .innerJoin('security_profiles as sp', 'sp.id', 'a.security_profile_id');

const reachedThroughGroups = (db: Kysely<Database>) =>
  db
    .selectFrom('users as u')
    .innerJoin('user_group_members as m', 'm.user_uid', 'u.uid')
    .innerJoin('security_profile_assignments as a', (join) => join.on(assignedToGroup))
    .innerJoin('security_profiles as sp', 'sp.id', 'a.security_profile_id');

/** One row per (user of `uids`, security profile reaching it); a profile reaching at several levels repeats. */
const profilesOfUsers = (db: Kysely<Database>, uids: readonly string[]) => {
  const columns = ['u.uid', 'sp.roles', 'sp.custom_roles'] as const;
  return reachedAt(db, 'buyer')
    .select(columns)
    .where('u.uid', 'in', uids)
    .unionAll(reachedAt(db, 'user').select(columns).where('u.uid', 'in', uids))
    .unionAll(reachedThroughGroups(db).select(columns).where('u.uid', 'in', uids));
};

/** One user's profiles: read on most calls that return a user, so built once (see preparedQuery). */
const profilesOfUser = preparedQuery(1, (db: Kysely<Database>, userUid: string) => profilesOfUsers(db, [userUid]));

type ProfileRow = { uid: string; roles: string; custom_roles: string };

/**
 * The user with one row per security profile that reaches it, and one row with null profile columns when no
 * buyer-level profile does: GET one user reads both in one query instead of two.
 */
const userWithProfiles = preparedQuery(2, (db: Kysely<Database>, buyerId: string, id: string) => {
  const profile = ['sp.roles as profile_roles', 'sp.custom_roles as profile_custom_roles'] as const;
  return db
    .selectFrom('users as u')
    .leftJoin('security_profile_assignments as a', (join) => join.on(assignedAt('buyer')))
    .leftJoin('security_profiles as sp', 'sp.id', 'a.security_profile_id')
    .selectAll('u')
    .select(profile)
    .where('u.buyer_id', '=', buyerId)
    .where('u.id', '=', id)
    .unionAll(
      reachedAt(db, 'user').selectAll('u').select(profile).where('u.buyer_id', '=', buyerId).where('u.id', '=', id),
    )
    .unionAll(
      reachedThroughGroups(db).selectAll('u').select(profile).where('u.buyer_id', '=', buyerId).where('u.id', '=', id),
    );
});

/** The user `id` of the buyer with its AvailableRoles, read together; undefined when there is no such user. */
export async function findUserWithRoles(
  db: Kysely<Database>,
  buyerId: string,
  id: string,
): Promise<{ user: UserRow; roles: string[] } | undefined> {
  const rows = await userWithProfiles(db, buyerId, id);
  const user = rows[0];
  if (!user) return undefined;
  const roles = new Set<string>();
  for (const row of rows) {
    if (row.profile_roles !== null && row.profile_custom_roles !== null) {
      addProfileRoles(roles, row.profile_roles, row.profile_custom_roles);
    }
  }
  // The extra profile columns of the row are left for toUser to ignore: copying the row without them costs more.
  return { user, roles: [...roles].sort() };
}

/** Adds the Roles and CustomRoles of one security profile (JSON arrays as stored). */
function addProfileRoles(set: Set<string>, roles: string, customRoles: string): void {
  for (const role of JSON.parse(roles) as string[]) set.add(role);
  for (const role of JSON.parse(customRoles) as string[]) set.add(role);
}

/**
 * A user's AvailableRoles: the union of the Roles and CustomRoles of every security profile assigned to its buyer,
 * to any of its groups, or to the user itself. Computed on every call, so it is always current.
 */
export async function availableRoles(
  db: Kysely<Database>,
  userUids: readonly string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(userUids.map((uid) => [uid, []]));
  if (userUids.length === 0) return result;
  const rows =
    userUids.length === 1 && userUids[0] !== undefined
      ? await profilesOfUser(db, userUids[0])
      : await profilesOfUsers(db, userUids).execute();
  return rolesByUser(rows, result);
}

function rolesByUser(rows: readonly ProfileRow[], result: Map<string, string[]>): Map<string, string[]> {
  const sets = new Map<string, Set<string>>();
  for (const row of rows) {
    const set = sets.get(row.uid) ?? new Set<string>();
    addProfileRoles(set, row.roles, row.custom_roles);
    sets.set(row.uid, set);
  }
  for (const [uid, set] of sets) result.set(uid, [...set].sort());
  return result;
}

export async function availableRolesOf(db: Kysely<Database>, userUid: string): Promise<string[]> {
  return (await availableRoles(db, [userUid])).get(userUid) ?? [];
}
