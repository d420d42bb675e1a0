import fs from 'node:fs';
import { seedUsers } from '../../src/bulk/seed.js';
import type { DatabaseHandle } from '../../src/db/create-db.js';
import { DEFERRABLE_INDEXES } from '../../src/db/deferred-indexes.js';

/** An NDJSON import file: buyer `buyerId`, then `count` seeded users of it (the same users for any buyer). */
export function writeSeededUsers(file: string, buyerId: string, count: number): string {
  const lines = [JSON.stringify({ Type: 'Buyer', ID: buyerId, Name: buyerId })];
  for (const user of seedUsers(count, buyerId, 3)) lines.push(JSON.stringify({ ...user, BuyerID: buyerId }));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** Which deferrable indexes exist, and which are recorded as still to build. */
export async function deferrableIndexState(handle: DatabaseHandle) {
  const existing = (await handle.dialect.indexDefinitions(handle.db, 'users')).filter(({ name }) =>
    (DEFERRABLE_INDEXES as readonly string[]).includes(name),
  );
  const pending = await handle.db.selectFrom('deferred_indexes').select('name').execute();
  return { existing: existing.map((i) => i.name).sort(), pending: pending.map((i) => i.name).sort() };
}
