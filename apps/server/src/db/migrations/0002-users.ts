import type { Kysely } from 'kysely';

// Users, user groups and security profiles. Users and groups get an internal `uid` besides their API ID, because
// their API ID can change (PATCH renames, moveto changes the buyer) while memberships, assignments and tokens
// must keep pointing at the same object.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('uid', 'text', (c) => c.primaryKey())
    .addColumn('buyer_id', 'text', (c) => c.notNull().references('buyers.id').onDelete('cascade').onUpdate('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    // lower(username): usernames are unique across all buyers, case-insensitively.
    .addColumn('username_key', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text')
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text', (c) => c.notNull())
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('phone', 'text')
    .addColumn('terms_accepted', 'text')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('xp', 'text')
    .addColumn('date_created', 'text', (c) => c.notNull())
    .addColumn('password_last_set_date', 'text')
    .addColumn('last_active', 'text')
    .addColumn('failed_login_attempts', 'integer', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    // Access and refresh tokens issued before this instant are refused (revoke-all, password change).
    .addColumn('tokens_valid_after', 'text')
    .addUniqueConstraint('users_buyer_id_id_unique', ['buyer_id', 'id'])
    .execute();

  await db.schema
    .createTable('user_groups')
    .addColumn('uid', 'text', (c) => c.primaryKey())
    .addColumn('buyer_id', 'text', (c) => c.notNull().references('buyers.id').onDelete('cascade').onUpdate('cascade'))
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('xp', 'text')
    .addColumn('date_created', 'text', (c) => c.notNull())
    .addUniqueConstraint('user_groups_buyer_id_id_unique', ['buyer_id', 'id'])
    .execute();

  await db.schema
    .createTable('user_group_members')
    .addColumn('group_uid', 'text', (c) => c.notNull().references('user_groups.uid').onDelete('cascade'))
    .addColumn('user_uid', 'text', (c) => c.notNull().references('users.uid').onDelete('cascade'))
    .addPrimaryKeyConstraint('user_group_members_pk', ['group_uid', 'user_uid'])
    .execute();
  await db.schema.createIndex('user_group_members_user_uid').on('user_group_members').column('user_uid').execute();

  await db.schema
    .createTable('security_profiles')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) => c.notNull())
    .addColumn('custom_roles', 'text', (c) => c.notNull())
    .addColumn('xp', 'text')
    .addColumn('date_created', 'text', (c) => c.notNull())
    .execute();

  // One row per assignment at buyer level (no group, no user), group level or user level.
  await db.schema
    .createTable('security_profile_assignments')
    .addColumn('security_profile_id', 'text', (c) =>
      c.notNull().references('security_profiles.id').onDelete('cascade').onUpdate('cascade'),
    )
    .addColumn('buyer_id', 'text', (c) => c.notNull().references('buyers.id').onDelete('cascade').onUpdate('cascade'))
    .addColumn('group_uid', 'text', (c) => c.references('user_groups.uid').onDelete('cascade'))
    .addColumn('user_uid', 'text', (c) => c.references('users.uid').onDelete('cascade'))
    // 'buyer', 'group:<group_uid>' or 'user:<user_uid>': NULLs never collide in a unique constraint, this does.
    .addColumn('level_key', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('security_profile_assignments_pk', ['security_profile_id', 'buyer_id', 'level_key'])
    .execute();
  await db.schema
    .createIndex('security_profile_assignments_buyer')
    .on('security_profile_assignments')
    .columns(['buyer_id', 'level_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'security_profile_assignments',
    'security_profiles',
    'user_group_members',
    'user_groups',
    'users',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
