import type { ExpressionBuilder, Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { preparedQuery } from '../db/prepared-query.js';
import type { UserRow } from './users.repository.js';

type ProfileSource = ExpressionBuilder<
  Database & { u: Database['users']; a: Database['security_profile_assignments'] },
  'u' | 'a'
>;

/** An assignment reaches the user `u` when it is made to its buyer, to one of its groups, or to the user itself. */
const reachesUser = (eb: ProfileSource) =>
  eb.or([
    eb('a.level_key', '=', 'buyer'),
    eb('a.user_uid', '=', eb.ref('u.uid')),
    eb(
      'a.group_uid',
      'in',
      eb.selectFrom('user_group_members as m').select('m.group_uid').whereRef('m.user_uid', '=', 'u.uid'),
    ),
  ]);

const profilesOfUsers = (db: Kysely<Database>) =>
  db
    .selectFrom('users as u')
    .innerJoin('security_profile_assignments as a', 'a.buyer_id', 'u.buyer_id')
    .innerJoin('security_profiles as sp', 'sp.id', 'a.security_profile_id')
    .select(['u.uid', 'sp.roles', 'sp.custom_roles'])
    .where(reachesUser);

/** One user's profiles: read on most calls that return a user, so built once (see preparedQuery). */
const profilesOfUser = preparedQuery(1, (db: Kysely<Database>, userUid: string) =>
  profilesOfUsers(db).where('u.uid', '=', userUid),
);

type ProfileRow = { uid: string; roles: string; custom_roles: string };

/**
 * The user with one row per security profile that reaches it (a single row without a profile when none does): GET one
 * user reads both in one query instead of two.
 */
const userWithProfiles = preparedQuery(2, (db: Kysely<Database>, buyerId: string, id: string) =>
  db
    .selectFrom('users as u')
    .leftJoin('security_profile_assignments as a', (join) =>
      join.onRef('a.buyer_id', '=', 'u.buyer_id').on(reachesUser),
    )
    .leftJoin('security_profiles as sp', 'sp.id', 'a.security_profile_id')
    .selectAll('u')
    .select(['sp.roles as profile_roles', 'sp.custom_roles as profile_custom_roles'])
    .where('u.buyer_id', '=', buyerId)
    .where('u.id', '=', id),
);

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
      : await profilesOfUsers(db).where('u.uid', 'in', userUids).execute();
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
