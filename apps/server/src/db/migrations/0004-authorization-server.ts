import type { Kysely } from 'kysely';

// The authorization server's state. Every bearer-like value (codes, refresh tokens, pending sign-in requests) is stored
// only as its SHA-256 hash, so a copy of the database cannot be replayed. A grant is one sign-in: access tokens carry
// its id (`sid`), refresh tokens and codes point at it, and revoking it ends them all at once.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oauth_grants')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('user_uid', 'text', (c) => c.notNull().references('users.uid').onDelete('cascade'))
    // JSON array of the granted roles; refreshes may narrow an access token, never widen the grant.
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('openid', 'integer', (c) => c.notNull())
    .addColumn('auth_time', 'integer', (c) => c.notNull())
    // Who impersonates (a user uid or `client:<id>`); null for a normal sign-in.
    .addColumn('impersonator', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Absolute cap: no refresh extends the grant beyond this.
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('oauth_grants_user_uid').on('oauth_grants').column('user_uid').execute();

  await db.schema
    .createTable('oauth_refresh_tokens')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('grant_id', 'text', (c) => c.notNull().references('oauth_grants.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .execute();
  await db.schema.createIndex('oauth_refresh_tokens_grant').on('oauth_refresh_tokens').column('grant_id').execute();

  await db.schema
    .createTable('oauth_authorization_requests')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('scope', 'text')
    .addColumn('state', 'text')
    .addColumn('nonce', 'text')
    .addColumn('code_challenge', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .execute();
  await db.schema
    .createIndex('oauth_authorization_requests_challenge')
    .on('oauth_authorization_requests')
    .columns(['client_id', 'code_challenge'])
    .execute();

  await db.schema
    .createTable('oauth_authorization_codes')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('grant_id', 'text', (c) => c.notNull().references('oauth_grants.id').onDelete('cascade'))
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('code_challenge', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('consumed_at', 'text')
    .execute();

  // Secrets replaced on a client keep working until expires_at, so a rotation needs no simultaneous redeploy (C10).
  await db.schema
    .createTable('api_client_previous_secrets')
    .addColumn('client_id', 'text', (c) =>
      c.notNull().references('api_clients.id').onDelete('cascade').onUpdate('cascade'),
    )
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('api_client_previous_secrets_pk', ['client_id', 'secret_hash'])
    .execute();

  // Access tokens revoked one by one (RFC 7009); rows can be purged once expires_at has passed.
  await db.schema
    .createTable('oauth_revoked_access_tokens')
    .addColumn('jti', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'api_client_previous_secrets',
    'oauth_revoked_access_tokens',
    'oauth_authorization_codes',
    'oauth_authorization_requests',
    'oauth_refresh_tokens',
    'oauth_grants',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
