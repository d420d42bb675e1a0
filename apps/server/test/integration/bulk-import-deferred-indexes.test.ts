import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDb } from '../../src/db/create-db.js';
import { buildDeferredIndexes, DEFERRABLE_INDEXES, deferIndexes } from '../../src/db/deferred-indexes.js';
import { xpIndexName } from '../../src/db/xp-indexes.js';
import { usher } from '../support/cli.js';
import { DIALECTS } from '../support/dialects.js';
import { deferrableIndexState, writeSeededUsers } from '../support/import-files.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// An import that defers the speed-only indexes ends with all of them built again and nothing left recorded, and
// lists and search answer exactly as for the same users imported with the indexes kept up to date row by row.

const USERS = 400;
const QUERIES = [
  'pageSize=100',
  'pageSize=100&sortBy=Username',
  'pageSize=100&sortBy=!Email',
  'pageSize=100&sortBy=DateCreated,!ID',
  'pageSize=100&LastName=smith',
  'pageSize=100&FirstName=Ada&sortBy=!ID',
  'pageSize=100&Email=*example.org',
  'pageSize=100&search=han',
  'pageSize=100&search=HAN&sortBy=ID',
  'pageSize=100&search=ne',
  'pageSize=100&ID=user-007',
  'pageSize=100&xp.Region=EU',
];

for (const dialect of DIALECTS) {
  describe(`${dialect}: usher import --indexes defer`, () => {
    let t: TestApp;
    let dir: string;
    beforeAll(async () => {
      // An xp index (USER_XP_INDEXES) is speed-only too, so a deferring load drops and rebuilds it like the others.
      t = await startTestApp({ dialect, env: { USER_XP_INDEXES: 'Region' } });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usher-deferred-'));
    });
    afterAll(async () => {
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const page = async (buyerId: string, query: string) => {
      const response = await fetch(`${t.url}/v1/buyers/${buyerId}/users?${query}`, {
        headers: { Authorization: `Bearer ${await t.adminToken()}` },
      });
      expect(response.status, query).toBe(200);
      const body = (await response.json()) as { Meta: { TotalCount: number }; Items: Array<{ ID: string }> };
      return { total: body.Meta.TotalCount, ids: body.Items.map((user) => user.ID) };
    };

    test('the indexes are built again, and lists and search answer as with the indexes kept', async () => {
      // The same users into two buyers: one import keeps the indexes row by row, the other defers them.
      for (const mode of ['keep', 'defer'] as const) {
        const buyer = mode === 'keep' ? 'kept' : 'deferred';
        const file = writeSeededUsers(path.join(dir, `${buyer}.ndjson`), buyer, USERS);
        const imported = await usher(t.config.databaseUrl, 'import', file, '--indexes', mode, '--batch', '150');
        expect(imported.lines.at(-1)).toMatch(/ 400 users and 1 buyers imported, 0 rejected\.$/);
      }

      const handle = createDb({ databaseUrl: t.config.databaseUrl, dialect });
      try {
        expect(await deferrableIndexState(handle)).toEqual({ existing: [...DEFERRABLE_INDEXES].sort(), pending: [] });
        const indexes = (await handle.dialect.indexDefinitions(handle.db, 'users')).map((index) => index.name);
        expect(indexes).toContain(xpIndexName('Region'));
      } finally {
        await handle.close();
      }
      for (const query of QUERIES) {
        const want = await page('kept', query);
        expect(want.total, query).toBeGreaterThan(0);
        expect(await page('deferred', query), query).toEqual(want);
      }
    });

    test('an xp index of USER_XP_INDEXES is deferred and built again with the others', async () => {
      const handle = createDb({ databaseUrl: t.config.databaseUrl, dialect, userXpIndexes: ['Region'] });
      const names = async () => (await handle.dialect.indexDefinitions(handle.db, 'users')).map((index) => index.name);
      try {
        await deferIndexes(handle.db, handle.dialect);
        const pending = await handle.db.selectFrom('deferred_indexes').select('name').execute();
        expect(pending.map((row) => row.name)).toContain(xpIndexName('Region'));
        expect(await names()).not.toContain(xpIndexName('Region'));
        expect(await buildDeferredIndexes(handle.db)).toBe(DEFERRABLE_INDEXES.length + 1);
        expect(await names()).toContain(xpIndexName('Region'));
      } finally {
        await handle.close();
      }
    });
  });
}
