import { sql } from 'kysely';
import type { Handler } from '../http/operation.js';

export const getHealth: Handler<'getHealth'> = async (_request, { db, logger }) => {
  try {
    await sql`select 1`.execute(db);
    return { status: 200, body: { status: 'ok' } };
  } catch (error) {
    logger.error('health check: the database does not answer', { error: String(error) });
    return { status: 503, body: { status: 'unavailable' } };
  }
};
