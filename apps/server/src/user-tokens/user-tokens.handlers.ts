import type { Kysely } from 'kysely';
import { findApiClient } from '../api-clients/api-clients.repository.js';
import { grantRoles } from '../auth/roles.js';
import type { Database } from '../db/database.js';
import { ApiError, notFound } from '../http/errors.js';
import type { Handler } from '../http/operation.js';
import { createGrant, issueGrantTokens } from '../oauth/grants.js';
import { NO_STORE } from '../oauth/token.handlers.js';
import { nowIso, nowSeconds } from '../shared/time.js';
import { availableRolesOf } from '../users/available-roles.js';

/** The user `userId` of buyer `buyerId`, or 404 as OrderCloud names it. */
async function findBuyerUser(db: Kysely<Database>, buyerId: string, userId: string) {
  const user = await db
    .selectFrom('users')
    .select(['uid', 'id', 'buyer_id', 'username', 'active'])
    .where('buyer_id', '=', buyerId)
    .where('id', '=', userId)
    .executeTakeFirst();
  if (!user) throw notFound('User', userId);
  return user;
}

/**
 * OrderCloud's impersonation: a token for the user through `ClientID`, carrying the requested roles the user has and
 * an `imp` claim naming the caller. It is an ordinary grant, so revoking the user's tokens ends it too.
 */
export const createUserAccessToken: Handler<'createUserAccessToken'> = async ({ path, body, auth }, context) => {
  const user = await findBuyerUser(context.db, path.buyerID, path.userID);
  const client = await findApiClient(context.db, body.ClientID);
  if (client?.active !== 1) {
    throw new ApiError(404, 'Impersonation.ClientIDNotFound', 'Client ID not found or you do not have access to it.', {
      ObjectType: 'ApiClient',
      ObjectID: body.ClientID,
    });
  }
  if (client.allow_any_buyer !== 1) {
    throw new ApiError(403, 'Impersonation.BuyerNotAssigned', 'Buyer is not assigned to the API client.', {
      BuyerID: path.buyerID,
      ClientID: body.ClientID,
    });
  }
  if (user.active !== 1) {
    throw new ApiError(400, 'Auth.UserNotActive', 'The user is not active.', { ObjectType: 'User', ObjectID: user.id });
  }
  const roles = grantRoles(await availableRolesOf(context.db, user.uid), [...body.Roles, ...(body.CustomRoles ?? [])]);
  const grant = await createGrant(context.db, {
    client,
    user: { uid: user.uid, buyerId: user.buyer_id, userId: user.id, username: user.username },
    roles,
    openid: false,
    authTime: nowSeconds(),
    impersonator: auth?.user?.uid ?? `client:${auth?.clientId ?? ''}`,
  });
  const tokens = await issueGrantTokens(context, { client, grant, roles, idToken: null });
  context.logger.info('impersonation.token_issued', {
    client_id: client.id,
    user: user.uid,
    impersonator: grant.impersonator,
  });
  return {
    status: 200,
    headers: NO_STORE,
    body: {
      access_token: tokens.access_token,
      expires_in: tokens.expires_in,
      token_type: tokens.token_type,
      refresh_token: tokens.refresh_token ?? null,
    },
  };
};

/** Every token issued to the user so far stops working: verification compares grants with tokens_valid_after. */
export const revokeUserTokens: Handler<'revokeUserTokens'> = async ({ path }, context) => {
  const user = await findBuyerUser(context.db, path.buyerID, path.userID);
  const now = nowIso();
  await context.db.updateTable('users').set({ tokens_valid_after: now }).where('uid', '=', user.uid).execute();
  await context.db
    .updateTable('oauth_grants')
    .set({ revoked_at: now })
    .where('user_uid', '=', user.uid)
    .where('revoked_at', 'is', null)
    .execute();
  context.logger.info('user.tokens_revoked', { user: user.uid });
  return { status: 204 };
};

export const unlockUser: Handler<'unlockUser'> = async ({ path }, context) => {
  const user = await findBuyerUser(context.db, path.buyerID, path.userID);
  await context.db
    .updateTable('users')
    .set({ failed_login_attempts: 0, locked_until: null })
    .where('uid', '=', user.uid)
    .execute();
  return { status: 204 };
};
