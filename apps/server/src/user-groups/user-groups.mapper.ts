import type { Schema } from '@usher/api-types';
import type { UserGroupsTable } from '../db/database.js';
import type { ListDefinition } from '../list/list-query.js';
import { parseXp } from '../shared/xp.js';

export type UserGroup = Schema<'UserGroup'>;

export function toUserGroup(row: UserGroupsTable): UserGroup {
  return { ID: row.id, Name: row.name, Description: row.description, xp: parseXp(row.xp) };
}

/** UserGroup properties for list search, sort and filters. Default order: Name, then ID. */
export const USER_GROUP_LIST: ListDefinition = {
  fields: {
    ID: { column: 'id', type: 'string', searchable: true, sortable: true },
    Name: { column: 'name', type: 'string', searchable: true, sortable: true },
    Description: { column: 'description', type: 'string', searchable: true },
  },
  xpColumn: 'xp',
  defaultSort: ['Name'],
  idField: 'ID',
};
