import { notFound } from '../http/errors.js';
import type { Handler } from '../http/operation.js';
import { availableRolesOf } from '../users/available-roles.js';
import { toUser } from '../users/users.mapper.js';

/** The token's user; an impersonation token names the impersonated user, so that is who this returns. */
export const getMe: Handler<'getMe'> = async ({ auth }, { db }) => {
  const uid = auth?.user?.uid;
  const row = uid ? await db.selectFrom('users').selectAll().where('uid', '=', uid).executeTakeFirst() : undefined;
  if (!row) throw notFound('User', 'me');
  return { status: 200, body: toUser(row, await availableRolesOf(db, row.uid)) };
};
