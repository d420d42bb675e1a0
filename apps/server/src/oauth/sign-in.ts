import type { ApiClientRow } from '../api-clients/api-clients.repository.js';
import type { AppContext } from '../app-context.js';
import { verifyPassword } from '../auth/passwords.js';
import { OAuthError } from '../http/errors.js';
import { nowIso } from '../shared/time.js';
import { availableRolesOf } from '../users/available-roles.js';
import { assertNotThrottled, recordFailure } from './failure-limiter.js';
import type { SignedInUser } from './grants.js';

/** OrderCloud's platform rule: ten failed sign-ins lock the user for two minutes. */
export const MAX_FAILED_SIGN_INS = 10;
export const LOCKOUT_MS = 2 * 60_000;

const invalidCredentials = () =>
  new OAuthError('invalid_grant', 'Invalid username or password.', {
    orderCloudCode: 'Auth.InvalidUsernameOrPassword',
  });

export interface SignInResult {
  user: SignedInUser;
  /** The user's AvailableRoles now. */
  roles: string[];
}

/**
 * Checks a username and password for `client`. An unknown user and a wrong password fail identically and spend the
 * same scrypt work; whether the user is locked, inactive or not allowed on this client is said only to someone who
 * knows the password, except the lockout, which OrderCloud reports as such. Failures count towards the user's lockout
 * (in the users table, so every instance sees it) and towards the client's and address's rate limits.
 */
export async function signIn(
  context: AppContext,
  input: { client: ApiClientRow; username: string; password: string; ip: string },
): Promise<SignInResult> {
  const { db, failures, logger } = context;
  const { client, ip } = input;
  assertNotThrottled(failures, client.id, ip);
  const user = await db
    .selectFrom('users as u')
    .innerJoin('buyers as b', 'b.id', 'u.buyer_id')
    .select([
      'u.uid',
      'u.id',
      'u.buyer_id',
      'u.username',
      'u.password_hash',
      'u.active',
      'u.locked_until',
      'b.active as buyer_active',
    ])
    .where('u.username_key', '=', input.username.toLowerCase())
    .executeTakeFirst();
  const passwordOk = await verifyPassword(input.password, user?.password_hash ?? null);
  const now = nowIso();
  if (user?.locked_until && user.locked_until > now) {
    logger.info('sign_in.locked_out', { client_id: client.id, user: user.uid, ip });
    throw new OAuthError('invalid_grant', 'The user is locked out after too many failed sign-ins. Try again later.', {
      orderCloudCode: 'Auth.LockedOut',
    });
  }
  if (!user || !passwordOk) {
    recordFailure(failures, client.id, ip);
    if (user) await countFailedSignIn(context, user.uid);
    logger.info('sign_in.failed', { client_id: client.id, user: user?.uid ?? null, ip });
    throw invalidCredentials();
  }
  if (user.active !== 1) {
    throw new OAuthError('invalid_grant', 'The user is not active.', { orderCloudCode: 'Auth.UserNotActive' });
  }
  if (user.buyer_active !== 1) {
    throw new OAuthError('invalid_grant', "The user's buyer is not active.", {
      orderCloudCode: 'Auth.CompanyNotActive',
    });
  }
  if (client.allow_any_buyer !== 1) {
    throw new OAuthError('invalid_grant', "This client does not serve the user's buyer.", {
      orderCloudCode: 'Auth.BuyerNotAssigned',
    });
  }
  await db
    .updateTable('users')
    .set({ failed_login_attempts: 0, locked_until: null, last_active: now })
    .where('uid', '=', user.uid)
    .execute();
  logger.info('sign_in.success', { client_id: client.id, user: user.uid, ip });
  return {
    user: { uid: user.uid, buyerId: user.buyer_id, userId: user.id, username: user.username },
    roles: await availableRolesOf(db, user.uid),
  };
}

/** One more failure; the tenth locks the user. Each statement is atomic, so parallel failures all count. */
async function countFailedSignIn(context: AppContext, userUid: string): Promise<void> {
  const { db } = context;
  await db
    .updateTable('users')
    .set((eb) => ({ failed_login_attempts: eb('failed_login_attempts', '+', 1) }))
    .where('uid', '=', userUid)
    .execute();
  const locked = await db
    .updateTable('users')
    .set({ locked_until: new Date(Date.now() + LOCKOUT_MS).toISOString(), failed_login_attempts: 0 })
    .where('uid', '=', userUid)
    .where('failed_login_attempts', '>=', MAX_FAILED_SIGN_INS)
    .executeTakeFirst();
  if (locked.numUpdatedRows > 0n) context.logger.warn('sign_in.locked', { user: userUid });
}
