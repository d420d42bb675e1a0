import type { Schema } from '@usher/api-types';
import type { BuyersTable } from '../db/database.js';
import type { ListDefinition } from '../list/list-query.js';
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

/** Buyer properties for list search, sort and filters. */
export const BUYER_LIST: ListDefinition = {
  fields: {
    ID: { column: 'id', type: 'string', searchable: true, sortable: true },
    Name: { column: 'name', type: 'string', searchable: true, sortable: true },
    Active: { column: 'active', type: 'boolean' },
    DateCreated: { column: 'date_created', type: 'date', sortable: true },
  },
  xpColumn: 'xp',
  defaultSort: ['ID'],
  idField: 'ID',
};
