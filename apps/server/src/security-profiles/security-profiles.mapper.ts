import type { Schema } from '@usher/api-types';
import type { SecurityProfilesTable } from '../db/database.js';
import type { ListDefinition } from '../list/list-query.js';

export type SecurityProfile = Schema<'SecurityProfile'>;

export function toSecurityProfile(row: SecurityProfilesTable): SecurityProfile {
  return {
    ID: row.id,
    Name: row.name,
    Roles: JSON.parse(row.roles) as string[],
    CustomRoles: JSON.parse(row.custom_roles) as string[],
  };
}

/** SecurityProfile properties for list search, sort and filters. Default order: Name, then ID. */
export const SECURITY_PROFILE_LIST: ListDefinition = {
  fields: {
    ID: { column: 'id', type: 'string', searchable: true, sortable: true },
    Name: { column: 'name', type: 'string', searchable: true, sortable: true },
    Roles: { column: 'roles', type: 'string', filterable: false },
    CustomRoles: { column: 'custom_roles', type: 'string', filterable: false },
  },
  xpColumn: null,
  defaultSort: ['Name'],
  idField: 'ID',
};
