// Column conventions (portable across SQLite and PostgreSQL):
// - timestamps are ISO-8601 UTC text with milliseconds, so text order is time order;
// - booleans are integers 0/1 (better-sqlite3 cannot bind JS booleans);
// - xp and other JSON values are text holding serialized JSON.

export interface BuyersTable {
  id: string;
  name: string;
  active: number;
  xp: string | null;
  date_created: string;
}

export interface ApiClientsTable {
  id: string;
  app_name: string;
  active: number;
  /** HMAC-SHA-256 of the secret under the server pepper, base64url; null for a public client. */
  secret_hash: string | null;
  access_token_duration: number;
  refresh_token_duration: number;
  allow_any_buyer: number;
  /** JSON array of exact redirect URIs. */
  redirect_uris: string;
  /** JSON array of the roles client_credentials tokens may carry. */
  roles: string;
  xp: string | null;
  date_created: string;
}

export interface SigningKeysTable {
  kid: string;
  algorithm: string;
  private_key_pem: string;
  /** JSON of the public JWK. */
  public_jwk: string;
  created_at: string;
  /** When this key starts signing (a new key is published before it signs). */
  activates_at: string;
  /** Null while the key may still verify tokens; set when retired for good. */
  retired_at: string | null;
}

export interface ServerSecretsTable {
  name: string;
  value: string;
}

export interface UsersTable {
  uid: string;
  buyer_id: string;
  id: string;
  username: string;
  username_key: string;
  password_hash: string | null;
  first_name: string;
  last_name: string;
  email: string;
  phone: string | null;
  terms_accepted: string | null;
  active: number;
  xp: string | null;
  date_created: string;
  password_last_set_date: string | null;
  last_active: string | null;
  failed_login_attempts: number;
  locked_until: string | null;
  tokens_valid_after: string | null;
}

export interface UserGroupsTable {
  uid: string;
  buyer_id: string;
  id: string;
  name: string;
  description: string | null;
  xp: string | null;
  date_created: string;
}

export interface UserGroupMembersTable {
  group_uid: string;
  user_uid: string;
}

export interface SecurityProfilesTable {
  id: string;
  name: string;
  /** JSON array of ApiRole names. */
  roles: string;
  /** JSON array of custom role names. */
  custom_roles: string;
  xp: string | null;
  date_created: string;
}

export interface SecurityProfileAssignmentsTable {
  security_profile_id: string;
  buyer_id: string;
  group_uid: string | null;
  user_uid: string | null;
  /** 'buyer', 'group:<group_uid>' or 'user:<user_uid>'. */
  level_key: string;
}

export interface OAuthGrantsTable {
  id: string;
  client_id: string;
  user_uid: string;
  /** JSON array of granted roles. */
  roles: string;
  openid: number;
  /** When the user signed in, seconds since the epoch (OIDC `auth_time`). */
  auth_time: number;
  impersonator: string | null;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
}

export interface OAuthRefreshTokensTable {
  /** SHA-256 of the token, base64url. */
  hash: string;
  grant_id: string;
  client_id: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface OAuthAuthorizationRequestsTable {
  /** SHA-256 of the request id carried by the sign-in form, base64url. */
  hash: string;
  client_id: string;
  redirect_uri: string;
  scope: string | null;
  state: string | null;
  nonce: string | null;
  code_challenge: string;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface OAuthAuthorizationCodesTable {
  hash: string;
  grant_id: string;
  client_id: string;
  redirect_uri: string;
  code_challenge: string;
  nonce: string | null;
  created_at: string;
  expires_at: string;
  consumed_at: string | null;
}

export interface ApiClientPreviousSecretsTable {
  client_id: string;
  /** HMAC of a replaced secret, accepted until expires_at. */
  secret_hash: string;
  expires_at: string;
}

export interface OAuthRevokedAccessTokensTable {
  jti: string;
  expires_at: string;
}

/** An index a bulk load dropped and has yet to build again; see db/deferred-indexes.ts. */
export interface DeferredIndexesTable {
  name: string;
  /** The CREATE INDEX statement, as the database reported it before the drop. */
  definition: string;
}

export interface Database {
  buyers: BuyersTable;
  users: UsersTable;
  user_groups: UserGroupsTable;
  user_group_members: UserGroupMembersTable;
  security_profiles: SecurityProfilesTable;
  security_profile_assignments: SecurityProfileAssignmentsTable;
  // ---- authorization server tables ----
  oauth_grants: OAuthGrantsTable;
  oauth_refresh_tokens: OAuthRefreshTokensTable;
  oauth_authorization_requests: OAuthAuthorizationRequestsTable;
  oauth_authorization_codes: OAuthAuthorizationCodesTable;
  oauth_revoked_access_tokens: OAuthRevokedAccessTokensTable;
  api_client_previous_secrets: ApiClientPreviousSecretsTable;
  api_clients: ApiClientsTable;
  signing_keys: SigningKeysTable;
  server_secrets: ServerSecretsTable;
  deferred_indexes: DeferredIndexesTable;
}
