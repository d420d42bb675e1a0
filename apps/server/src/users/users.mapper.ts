import type { Schema } from '@usher/api-types';
import type { UsersTable } from '../db/database.js';
import type { ListDefinition } from '../list/list-query.js';
import { toBool } from '../shared/ids.js';
import { parseXp } from '../shared/xp.js';

export type User = Schema<'User'>;

/** Row to API User. The password hash and lockout state never leave the server: the mapper has no field for them. */
export function toUser(row: UsersTable, availableRoles: readonly string[]): User {
  return {
    ID: row.id,
    CompanyID: row.buyer_id,
    Username: row.username,
    FirstName: row.first_name,
    LastName: row.last_name,
    Email: row.email,
    Phone: row.phone,
    TermsAccepted: row.terms_accepted,
    Active: toBool(row.active),
    xp: parseXp(row.xp),
    AvailableRoles: [...availableRoles],
    DateCreated: row.date_created,
    PasswordLastSetDate: row.password_last_set_date,
  };
}

/** User properties for list search, sort and filters. Default order: LastName, FirstName, then ID. */
export const USER_LIST: ListDefinition = {
  fields: {
    ID: { column: 'id', type: 'string', searchable: true, sortable: true },
    CompanyID: { column: 'buyer_id', type: 'string' },
    Username: { column: 'username', type: 'string', searchable: true, sortable: true },
    FirstName: { column: 'first_name', type: 'string', searchable: true, sortable: true },
    LastName: { column: 'last_name', type: 'string', searchable: true, sortable: true },
    Email: { column: 'email', type: 'string', searchable: true, sortable: true },
    Phone: { column: 'phone', type: 'string' },
    TermsAccepted: { column: 'terms_accepted', type: 'date' },
    Active: { column: 'active', type: 'boolean' },
    DateCreated: { column: 'date_created', type: 'date', sortable: true },
    PasswordLastSetDate: { column: 'password_last_set_date', type: 'date', sortable: true },
    AvailableRoles: { column: 'uid', type: 'string', filterable: false },
  },
  xpColumn: 'xp',
  defaultSort: ['LastName', 'FirstName'],
  idField: 'ID',
  substringIndexTable: 'users',
};
