import { randomUUID } from 'node:crypto';
import type { Schema } from '@usher/api-types';
import type { AppContext } from '../app-context.js';
import { checkPasswordPolicy, hashPassword } from '../auth/passwords.js';
import { requireBuyer } from '../buyers/require-buyer.js';
import { ApiError, idExists, notFound } from '../http/errors.js';
import type { Handler } from '../http/operation.js';
import { listOptions } from '../list/list-request.js';
import { fromBool, generateId } from '../shared/ids.js';
import { nowIso } from '../shared/time.js';
import { withIdConflict } from '../shared/write.js';
import { patchedXp, serializeXp } from '../shared/xp.js';
import { findUserGroup } from '../user-groups/user-groups.repository.js';
import { availableRoles, availableRolesOf, findUserWithRoles } from './available-roles.js';
import { toUser, USER_LIST } from './users.mapper.js';
import type { UserRow } from './users.repository.js';
import * as users from './users.repository.js';

const OBJECT_TYPE = 'User';
const location = (buyerId: string, id: string) => ({
  Location: `/v1/buyers/${encodeURIComponent(buyerId)}/users/${encodeURIComponent(id)}`,
});

type PasswordColumns = Pick<UserRow, 'password_hash' | 'password_last_set_date' | 'tokens_valid_after'>;

/** Checks the policy and hashes; undefined when no password was sent. A weak password stops the write. */
async function passwordColumns(password: string | undefined): Promise<PasswordColumns | undefined> {
  if (password === undefined) return undefined;
  const violation = checkPasswordPolicy(password);
  if (violation) {
    throw new ApiError(400, 'PasswordReset.InsecurePassword', violation.message, {
      Property: 'Password',
      Rule: violation.rule,
    });
  }
  const now = nowIso();
  // A new password ends every session signed in with the old one (RFC 9700 §4.14.2).
  return { password_hash: await hashPassword(password), password_last_set_date: now, tokens_valid_after: now };
}

const normalizeDate = (value: string | null | undefined): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();

/** The columns a full User body sets (PUT and POST): fields left out take their defaults. */
function replacedColumns(body: Schema<'User'>) {
  return {
    username: body.Username,
    username_key: body.Username.toLowerCase(),
    first_name: body.FirstName,
    last_name: body.LastName,
    email: body.Email,
    phone: body.Phone ?? null,
    terms_accepted: normalizeDate(body.TermsAccepted),
    active: fromBool(body.Active),
    xp: serializeXp(body.xp),
  };
}

function newUserRow(buyerId: string, id: string, body: Schema<'User'>, password: PasswordColumns | undefined): UserRow {
  return {
    uid: randomUUID(),
    buyer_id: buyerId,
    id,
    ...replacedColumns(body),
    password_hash: password?.password_hash ?? null,
    password_last_set_date: password?.password_last_set_date ?? null,
    date_created: nowIso(),
    last_active: null,
    failed_login_attempts: 0,
    locked_until: null,
    tokens_valid_after: password?.tokens_valid_after ?? null,
  };
}

/**
 * Runs a user write (its own transaction) and turns a unique violation into the right 409: the username is taken
 * (by another user), or else the ID is taken in the buyer. The constraint decides; the lookup afterwards only tells
 * which constraint it was, and runs outside the failed transaction (PostgreSQL aborts it).
 */
async function withUserConflicts<T>(context: AppContext, user: UserRow, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!context.dialect.isUniqueViolation(error)) throw error;
    const holder = await users.findUserByUsername(context.db, user.username);
    if (holder && holder.uid !== user.uid) {
      throw new ApiError(409, 'User.UsernameMustBeUnique', 'Username already exists in this Marketplace.', {
        Username: user.username,
      });
    }
    throw idExists(OBJECT_TYPE, user.id);
  }
}

async function respond<S extends 200 | 201>(context: AppContext, row: UserRow, status: S) {
  return { status, body: toUser(row, await availableRolesOf(context.db, row.uid)) };
}

export const listUsers: Handler<'listUsers'> = async (request, { db, dialect }) => {
  const { buyerID } = request.path;
  const options = listOptions(USER_LIST, request, ['userGroupID']);
  await requireBuyer(db, buyerID);
  let groupUid: string | null = null;
  if (request.query.userGroupID !== undefined) {
    const group = await findUserGroup(db, buyerID, request.query.userGroupID);
    if (!group) throw notFound('UserGroup', request.query.userGroupID);
    groupUid = group.uid;
  }
  const { rows, meta } = await users.listUsers(db, dialect, buyerID, groupUid, options);
  const roles = await availableRoles(
    db,
    rows.map((row) => row.uid),
  );
  return { status: 200, body: { Meta: meta, Items: rows.map((row) => toUser(row, roles.get(row.uid) ?? [])) } };
};

export const getUser: Handler<'getUser'> = async ({ path }, context) => {
  const found = await findUserWithRoles(context.db, path.buyerID, path.userID);
  if (!found) throw notFound(OBJECT_TYPE, path.userID);
  return { status: 200, body: toUser(found.user, found.roles) };
};

export const createUser: Handler<'createUser'> = async ({ path, body }, context) => {
  const row = newUserRow(path.buyerID, body.ID ?? generateId(), body, await passwordColumns(body.Password));
  await withUserConflicts(context, row, () =>
    context.db.transaction().execute(async (trx) => {
      await requireBuyer(trx, path.buyerID);
      await users.insertUser(trx, row);
    }),
  );
  return { ...(await respond(context, row, 201)), headers: location(path.buyerID, row.id) };
};

export const saveUser: Handler<'saveUser'> = async ({ path, body }, context) => {
  const id = body.ID ?? path.userID;
  const password = await passwordColumns(body.Password);
  const candidate = newUserRow(path.buyerID, id, body, password);
  const row = await withUserConflicts(context, candidate, () =>
    context.db.transaction().execute(async (trx) => {
      await requireBuyer(trx, path.buyerID);
      const existing = await users.findUser(trx, path.buyerID, path.userID);
      if (!existing) {
        await users.insertUser(trx, candidate);
        return candidate;
      }
      // A replacement without Password keeps the stored one: it is write-only, so a client cannot send it back.
      const next: UserRow = { ...existing, id, ...replacedColumns(body), ...password };
      // Same user: a username clash must then be told apart from the user's own username.
      candidate.uid = existing.uid;
      await users.replaceUser(trx, next, existing);
      return next;
    }),
  );
  return respond(context, row, 200);
};

export const patchUser: Handler<'patchUser'> = async ({ path, body }, context) => {
  const password = await passwordColumns(body.Password);
  const existing = await users.findUser(context.db, path.buyerID, path.userID);
  if (!existing) throw notFound(OBJECT_TYPE, path.userID);
  const username = body.Username ?? existing.username;
  const next: UserRow = {
    ...existing,
    ...password,
    id: body.ID ?? existing.id,
    username,
    username_key: username.toLowerCase(),
    first_name: body.FirstName ?? existing.first_name,
    last_name: body.LastName ?? existing.last_name,
    email: body.Email ?? existing.email,
    phone: body.Phone === undefined ? existing.phone : body.Phone,
    terms_accepted: body.TermsAccepted === undefined ? existing.terms_accepted : normalizeDate(body.TermsAccepted),
    active: body.Active === undefined ? existing.active : fromBool(body.Active),
    xp: patchedXp(existing.xp, body.xp),
  };
  // One guarded UPDATE: if the user was moved, renamed or deleted since the read, it is no longer here.
  const updated = await withUserConflicts(context, next, () => users.replaceUser(context.db, next, existing));
  if (!updated) throw notFound(OBJECT_TYPE, path.userID);
  return respond(context, next, 200);
};

export const deleteUser: Handler<'deleteUser'> = async ({ path }, { db }) => {
  if (!(await users.deleteUser(db, path.buyerID, path.userID))) throw notFound(OBJECT_TYPE, path.userID);
  return { status: 204 };
};

export const moveUser: Handler<'moveUser'> = async ({ path }, context) => {
  const moved = await context.db.transaction().execute(async (trx) => {
    // Locked first, so an assignment to the user waits for the move and then finds the user gone from this buyer.
    const user = await users.findUser(trx, path.buyerID, path.userID, { dialect: context.dialect, mode: 'update' });
    if (!user) throw notFound(OBJECT_TYPE, path.userID);
    await requireBuyer(trx, path.newBuyerID);
    if (user.buyer_id === path.newBuyerID) return user;
    // The username goes along unchanged, so the only possible clash is the ID in the target buyer.
    await withIdConflict(context, OBJECT_TYPE, user.id, () => users.moveUser(trx, user.uid, path.newBuyerID));
    return { ...user, buyer_id: path.newBuyerID };
  });
  return respond(context, moved, 201);
};
