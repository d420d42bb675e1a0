import type { Schema } from '@usher/api-types';
import type { ApiClientsTable } from '../db/database.js';
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
