import type { Kysely } from 'kysely';

// Indexes for the users API's hot paths: the default user order within a buyer, and the lookups by user or group
// that moveto, deletes (ON DELETE CASCADE) and AvailableRoles make on security profile assignments.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('users_buyer_default_order')
    .on('users')
    .columns(['buyer_id', 'last_name', 'first_name', 'id'])
    .execute();
  await db.schema
    .createIndex('security_profile_assignments_user_uid')
    .on('security_profile_assignments')
    .column('user_uid')
    .execute();
  await db.schema
    .createIndex('security_profile_assignments_group_uid')
    .on('security_profile_assignments')
    .column('group_uid')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const index of [
    'security_profile_assignments_group_uid',
    'security_profile_assignments_user_uid',
    'users_buyer_default_order',
  ]) {
    await db.schema.dropIndex(index).execute();
  }
}
