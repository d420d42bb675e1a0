import type { Schema } from '@usher/api-types';
import type { UsersTable } from '../db/database.js';
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
