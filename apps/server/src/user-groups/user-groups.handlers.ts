import { randomUUID } from 'node:crypto';
import type { Schema } from '@usher/api-types';
import { requireBuyer } from '../buyers/require-buyer.js';
import { notFound } from '../http/errors.js';
import type { Handler } from '../http/operation.js';
import { pageRequest } from '../list/list-page.js';
import { listOptions } from '../list/list-request.js';
import { generateId } from '../shared/ids.js';
import { nowIso } from '../shared/time.js';
import { withIdConflict } from '../shared/write.js';
import { patchedXp, serializeXp } from '../shared/xp.js';
import { findUser } from '../users/users.repository.js';
import { toUserGroup, USER_GROUP_LIST } from './user-groups.mapper.js';
import type { UserGroupRow } from './user-groups.repository.js';
import * as groups from './user-groups.repository.js';

const OBJECT_TYPE = 'UserGroup';
const location = (buyerId: string, id: string) => ({
  Location: `/v1/buyers/${encodeURIComponent(buyerId)}/usergroups/${encodeURIComponent(id)}`,
});

const replacedColumns = (body: Schema<'UserGroup'>) => ({
  name: body.Name,
  description: body.Description ?? null,
  xp: serializeXp(body.xp),
});

function newGroupRow(buyerId: string, id: string, body: Schema<'UserGroup'>): UserGroupRow {
  return { uid: randomUUID(), buyer_id: buyerId, id, ...replacedColumns(body), date_created: nowIso() };
}

export const listUserGroups: Handler<'listUserGroups'> = async (request, { db, dialect }) => {
  const options = listOptions(USER_GROUP_LIST, request);
  await requireBuyer(db, request.path.buyerID);
  const { rows, meta } = await groups.listUserGroups(db, dialect, request.path.buyerID, options);
  return { status: 200, body: { Meta: meta, Items: rows.map(toUserGroup) } };
};

export const getUserGroup: Handler<'getUserGroup'> = async ({ path }, { db }) => {
  const row = await groups.findUserGroup(db, path.buyerID, path.userGroupID);
  if (!row) throw notFound(OBJECT_TYPE, path.userGroupID);
  return { status: 200, body: toUserGroup(row) };
};

export const createUserGroup: Handler<'createUserGroup'> = async ({ path, body }, context) => {
  const row = newGroupRow(path.buyerID, body.ID ?? generateId(), body);
  await context.db.transaction().execute(async (trx) => {
    await requireBuyer(trx, path.buyerID);
    await withIdConflict(context, OBJECT_TYPE, row.id, () => groups.insertUserGroup(trx, row));
  });
  return { status: 201, body: toUserGroup(row), headers: location(path.buyerID, row.id) };
};

export const saveUserGroup: Handler<'saveUserGroup'> = async ({ path, body }, context) => {
  const id = body.ID ?? path.userGroupID;
  const row = await context.db.transaction().execute(async (trx) => {
    await requireBuyer(trx, path.buyerID);
    const existing = await groups.findUserGroup(trx, path.buyerID, path.userGroupID);
    const next = existing ? { ...existing, id, ...replacedColumns(body) } : newGroupRow(path.buyerID, id, body);
    await withIdConflict(context, OBJECT_TYPE, id, () =>
      existing ? groups.replaceUserGroup(trx, next) : groups.insertUserGroup(trx, next),
    );
    return next;
  });
  return { status: 200, body: toUserGroup(row) };
};

export const patchUserGroup: Handler<'patchUserGroup'> = async ({ path, body }, context) => {
  const row = await context.db.transaction().execute(async (trx) => {
    const existing = await groups.findUserGroup(trx, path.buyerID, path.userGroupID);
    if (!existing) throw notFound(OBJECT_TYPE, path.userGroupID);
    const next: UserGroupRow = {
      ...existing,
      id: body.ID ?? existing.id,
      name: body.Name ?? existing.name,
      description: body.Description === undefined ? existing.description : body.Description,
      xp: patchedXp(existing.xp, body.xp),
    };
    await withIdConflict(context, OBJECT_TYPE, next.id, () => groups.replaceUserGroup(trx, next));
    return next;
  });
  return { status: 200, body: toUserGroup(row) };
};

export const deleteUserGroup: Handler<'deleteUserGroup'> = async ({ path }, { db }) => {
  if (!(await groups.deleteUserGroup(db, path.buyerID, path.userGroupID))) {
    throw notFound(OBJECT_TYPE, path.userGroupID);
  }
  return { status: 204 };
};

export const listUserGroupAssignments: Handler<'listUserGroupAssignments'> = async ({ path, query }, context) => {
  await requireBuyer(context.db, path.buyerID);
  const filter = { userGroupId: query.userGroupID, userId: query.userID };
  const { rows, meta } = await groups.listMemberships(
    context.db,
    context.dialect,
    path.buyerID,
    filter,
    pageRequest(query),
  );
  return {
    status: 200,
    body: { Meta: meta, Items: rows.map((row) => ({ UserGroupID: row.group_id, UserID: row.user_id })) },
  };
};

export const saveUserGroupAssignment: Handler<'saveUserGroupAssignment'> = async ({ path, body }, { db, dialect }) => {
  await db.transaction().execute(async (trx) => {
    await requireBuyer(trx, path.buyerID);
    // Locked until the membership is written: a group or user deleted or moved meanwhile was a foreign-key 500, or a
    // membership across buyers, on PostgreSQL.
    const lock = { dialect, mode: 'share' } as const;
    const group = await groups.findUserGroup(trx, path.buyerID, body.UserGroupID, lock);
    if (!group) throw notFound(OBJECT_TYPE, body.UserGroupID);
    const user = await findUser(trx, path.buyerID, body.UserID, lock);
    if (!user) throw notFound('User', body.UserID);
    await groups.addMembership(trx, group.uid, user.uid);
  });
  return { status: 204 };
};

export const deleteUserGroupAssignment: Handler<'deleteUserGroupAssignment'> = async ({ path }, { db }) => {
  const group = await groups.findUserGroup(db, path.buyerID, path.userGroupID);
  if (!group) throw notFound(OBJECT_TYPE, path.userGroupID);
  const user = await findUser(db, path.buyerID, path.userID);
  if (!user) throw notFound('User', path.userID);
  if (!(await groups.removeMembership(db, group.uid, user.uid))) {
    throw notFound('UserGroupAssignment', `${path.userGroupID}/${path.userID}`);
  }
  return { status: 204 };
};
