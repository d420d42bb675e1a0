import type { Schema } from '@usher/api-types';
import type { Kysely } from 'kysely';
import { API_ROLES } from '../auth/roles.js';
import { requireBuyer } from '../buyers/require-buyer.js';
import type { Database } from '../db/database.js';
import type { RowLock } from '../db/row-locks.js';
import { notFound, validationFailure } from '../http/errors.js';
import type { Handler } from '../http/operation.js';
import { pageRequest } from '../list/list-page.js';
import { listOptions } from '../list/list-request.js';
import { generateId } from '../shared/ids.js';
import { nowIso } from '../shared/time.js';
import { withIdConflict } from '../shared/write.js';
import { findUserGroup } from '../user-groups/user-groups.repository.js';
import { findUser } from '../users/users.repository.js';
import { SECURITY_PROFILE_LIST, toSecurityProfile } from './security-profiles.mapper.js';
import type { AssignmentRow, SecurityProfileRow } from './security-profiles.repository.js';
import * as profiles from './security-profiles.repository.js';

const OBJECT_TYPE = 'SecurityProfile';

/** Roles must be OrderCloud ApiRoles; anything else belongs in CustomRoles. */
function roleList(roles: readonly string[] | undefined): string {
  const unknown = (roles ?? []).find((role) => !API_ROLES.has(role));
  if (unknown !== undefined) {
    throw validationFailure(
      'Roles',
      'ApiRole',
      `Roles: '${unknown}' is not an ApiRole; put custom roles in CustomRoles.`,
    );
  }
  return JSON.stringify([...new Set(roles ?? [])]);
}

const customRoleList = (roles: readonly string[] | undefined): string => JSON.stringify([...new Set(roles ?? [])]);

function fullRow(
  id: string,
  body: Schema<'SecurityProfile'>,
  existing: SecurityProfileRow | undefined,
): SecurityProfileRow {
  return {
    id,
    name: body.Name,
    roles: roleList(body.Roles),
    custom_roles: customRoleList(body.CustomRoles),
    xp: existing?.xp ?? null,
    date_created: existing?.date_created ?? nowIso(),
  };
}

export const listSecurityProfiles: Handler<'listSecurityProfiles'> = async (request, { db, dialect }) => {
  const { rows, meta } = await profiles.listSecurityProfiles(db, dialect, listOptions(SECURITY_PROFILE_LIST, request));
  return { status: 200, body: { Meta: meta, Items: rows.map(toSecurityProfile) } };
};

export const getSecurityProfile: Handler<'getSecurityProfile'> = async ({ path }, { db }) => {
  const row = await profiles.findSecurityProfile(db, path.securityProfileID);
  if (!row) throw notFound(OBJECT_TYPE, path.securityProfileID);
  return { status: 200, body: toSecurityProfile(row) };
};

export const createSecurityProfile: Handler<'createSecurityProfile'> = async ({ body }, context) => {
  const row = fullRow(body.ID ?? generateId(), body, undefined);
  await withIdConflict(context, OBJECT_TYPE, row.id, () => profiles.insertSecurityProfile(context.db, row));
  return {
    status: 201,
    body: toSecurityProfile(row),
    headers: { Location: `/v1/securityprofiles/${encodeURIComponent(row.id)}` },
  };
};

export const saveSecurityProfile: Handler<'saveSecurityProfile'> = async ({ path, body }, context) => {
  const id = body.ID ?? path.securityProfileID;
  const row = await context.db.transaction().execute(async (trx) => {
    const existing = await profiles.findSecurityProfile(trx, path.securityProfileID);
    const next = fullRow(id, body, existing);
    await withIdConflict(context, OBJECT_TYPE, id, () =>
      existing
        ? profiles.replaceSecurityProfile(trx, path.securityProfileID, next)
        : profiles.insertSecurityProfile(trx, next),
    );
    return next;
  });
  return { status: 200, body: toSecurityProfile(row) };
};

export const patchSecurityProfile: Handler<'patchSecurityProfile'> = async ({ path, body }, context) => {
  const row = await context.db.transaction().execute(async (trx) => {
    const existing = await profiles.findSecurityProfile(trx, path.securityProfileID);
    if (!existing) throw notFound(OBJECT_TYPE, path.securityProfileID);
    const next: SecurityProfileRow = {
      ...existing,
      id: body.ID ?? existing.id,
      name: body.Name ?? existing.name,
      roles: body.Roles === undefined ? existing.roles : roleList(body.Roles),
      custom_roles: body.CustomRoles === undefined ? existing.custom_roles : customRoleList(body.CustomRoles),
    };
    await withIdConflict(context, OBJECT_TYPE, next.id, () =>
      profiles.replaceSecurityProfile(trx, path.securityProfileID, next),
    );
    return next;
  });
  return { status: 200, body: toSecurityProfile(row) };
};

export const deleteSecurityProfile: Handler<'deleteSecurityProfile'> = async ({ path }, { db }) => {
  if (!(await profiles.deleteSecurityProfile(db, path.securityProfileID))) {
    throw notFound(OBJECT_TYPE, path.securityProfileID);
  }
  return { status: 204 };
};

interface AssignmentTarget {
  securityProfileId: string;
  buyerId: string;
  userGroupId?: string | null | undefined;
  userId?: string | null | undefined;
}

/** Resolves an assignment's API IDs to its stored row; 404 for any object that does not exist. */
/** The row for an assignment target; `lock` keeps its group or user in place until the assignment is written. */
async function assignmentRow(db: Kysely<Database>, target: AssignmentTarget, lock?: RowLock): Promise<AssignmentRow> {
  const { securityProfileId, buyerId, userGroupId, userId } = target;
  if (userGroupId && userId) {
    throw validationFailure(
      'UserID',
      'OneLevel',
      'Assign to a buyer, a user group or a user: not both UserGroupID and UserID.',
    );
  }
  if (!(await profiles.findSecurityProfile(db, securityProfileId))) throw notFound(OBJECT_TYPE, securityProfileId);
  await requireBuyer(db, buyerId);
  const base = { security_profile_id: securityProfileId, buyer_id: buyerId };
  if (userGroupId) {
    const group = await findUserGroup(db, buyerId, userGroupId, lock);
    if (!group) throw notFound('UserGroup', userGroupId);
    return {
      ...base,
      group_uid: group.uid,
      user_uid: null,
      level_key: `${profiles.levelKeys.groupPrefix}${group.uid}`,
    };
  }
  if (userId) {
    const user = await findUser(db, buyerId, userId, lock);
    if (!user) throw notFound('User', userId);
    return { ...base, group_uid: null, user_uid: user.uid, level_key: `${profiles.levelKeys.userPrefix}${user.uid}` };
  }
  return { ...base, group_uid: null, user_uid: null, level_key: profiles.levelKeys.buyer };
}

export const listSecurityProfileAssignments: Handler<'listSecurityProfileAssignments'> = async (
  { query },
  { db, dialect },
) => {
  const filter = {
    buyerId: query.buyerID,
    securityProfileId: query.securityProfileID,
    userGroupId: query.userGroupID,
    userId: query.userID,
    level: query.level,
  };
  const { rows, meta } = await profiles.listAssignments(db, dialect, filter, pageRequest(query));
  const items = rows.map((row) => ({
    SecurityProfileID: row.security_profile_id,
    BuyerID: row.buyer_id,
    UserGroupID: row.group_id,
    UserID: row.user_id,
  }));
  return { status: 200, body: { Meta: meta, Items: items } };
};

export const saveSecurityProfileAssignment: Handler<'saveSecurityProfileAssignment'> = async (
  { body },
  { db, dialect },
) => {
  await db.transaction().execute(async (trx) => {
    const target = {
      securityProfileId: body.SecurityProfileID,
      buyerId: body.BuyerID,
      userGroupId: body.UserGroupID,
      userId: body.UserID,
    };
    // As for group memberships: a user or group deleted or moved meanwhile must not leave a dangling assignment.
    const row = await assignmentRow(trx, target, { dialect, mode: 'share' });
    await profiles.addAssignment(trx, row);
  });
  return { status: 204 };
};

export const deleteSecurityProfileAssignment: Handler<'deleteSecurityProfileAssignment'> = async (
  { path, query },
  { db },
) => {
  const row = await assignmentRow(db, {
    securityProfileId: path.securityProfileID,
    buyerId: query.buyerID,
    userGroupId: query.userGroupID,
    userId: query.userID,
  });
  if (!(await profiles.removeAssignment(db, row))) {
    throw notFound('SecurityProfileAssignment', path.securityProfileID);
  }
  return { status: 204 };
};
