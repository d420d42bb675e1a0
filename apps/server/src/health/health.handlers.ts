import { sql } from 'kysely';
import type { Handler } from '../http/operation.js';

/**
 * Ready means every operation can be served now: the database answers and the signing keys exist. A first start
 * listens while it still generates its keys, so this waits for them (and tries again after a failed generation).
 */
export const getHealth: Handler<'getHealth'> = async (_request, { db, keys, logger }) => {
  try {
    await keys.init();
  } catch (error) {
    logger.error('health check: the signing keys could not be created', { error: String(error) });
    return { status: 503, body: { status: 'unavailable' } };
  }
  try {
    await sql`select 1`.execute(db);
    return { status: 200, body: { status: 'ok' } };
  } catch (error) {
    logger.error('health check: the database does not answer', { error: String(error) });
    return { status: 503, body: { status: 'unavailable' } };
  }
};
