import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { notFound } from '../http/errors.js';
import { buyerExists } from './buyers.repository.js';

/** 404 Buyer unless the buyer exists: resources under /v1/buyers/{buyerID} check their parent first. */
export async function requireBuyer(db: Kysely<Database>, buyerId: string): Promise<void> {
  if (!(await buyerExists(db, buyerId))) throw notFound('Buyer', buyerId);
}
