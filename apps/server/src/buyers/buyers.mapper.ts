import type { Schema } from '@usher/api-types';
import type { BuyersTable } from '../db/database.js';
import { toBool } from '../shared/ids.js';
import { parseXp } from '../shared/xp.js';

export type Buyer = Schema<'Buyer'>;

export function toBuyer(row: BuyersTable): Buyer {
  return {
    ID: row.id,
    Name: row.name,
    Active: toBool(row.active),
    DateCreated: row.date_created,
    xp: parseXp(row.xp),
  };
}
