import type { Schema } from '@usher/api-types';
import type { ApiClientsTable } from '../db/database.js';
import type { ListDefinition } from '../list/list-query.js';
import { toBool } from '../shared/ids.js';
import { parseXp } from '../shared/xp.js';

export type ApiClient = Schema<'ApiClient'>;

/** The secret hash never leaves the server: the mapper has no field for it. */
export function toApiClient(row: ApiClientsTable): ApiClient {
  return {
    ID: row.id,
    AppName: row.app_name,
    Active: toBool(row.active),
    AccessTokenDuration: row.access_token_duration,
    RefreshTokenDuration: row.refresh_token_duration,
    AllowAnyBuyer: toBool(row.allow_any_buyer),
    RedirectUris: JSON.parse(row.redirect_uris) as string[],
    Roles: JSON.parse(row.roles) as string[],
    xp: parseXp(row.xp),
  };
}

/** ApiClient properties for list search, sort and filters (list-valued RedirectUris and Roles are not filterable). */
export const API_CLIENT_LIST: ListDefinition = {
  fields: {
    ID: { column: 'id', type: 'string', searchable: true, sortable: true },
    AppName: { column: 'app_name', type: 'string', searchable: true, sortable: true },
    Active: { column: 'active', type: 'boolean' },
    AccessTokenDuration: { column: 'access_token_duration', type: 'number' },
    RefreshTokenDuration: { column: 'refresh_token_duration', type: 'number' },
    AllowAnyBuyer: { column: 'allow_any_buyer', type: 'boolean' },
    RedirectUris: { column: 'redirect_uris', type: 'string', filterable: false },
    Roles: { column: 'roles', type: 'string', filterable: false },
  },
  xpColumn: 'xp',
  defaultSort: ['ID'],
  idField: 'ID',
};
