import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDb, type DatabaseHandle } from '../../src/db/create-db.js';
import { DEFERRABLE_INDEXES } from '../../src/db/deferred-indexes.js';
import { DIALECTS } from '../support/dialects.js';
import { deferrableIndexState, writeSeededUsers } from '../support/import-files.js';
import { createTestDatabase, startTestAppOn, type TestApp } from '../support/test-app.js';

// `usher import --indexes defer` killed with SIGKILL after some batches committed: the dropped indexes are still
// recorded, the next server start builds them before it serves, and lists and search answer from the batches that
// committed exactly as a reading of the stored rows says they should.

const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUYER = 'killed';
const USERS = 20_000;
const BATCH = 100;

interface StoredUser {
  id: string;
  username: string;
  first_name: string;
  last_name: string;
  email: string;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: usher import killed while its indexes are deferred`, () => {
    let database: { url: string; drop(): Promise<void> };
    let dir: string;
    let app: TestApp | undefined;
    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usher-import-kill-'));
    });
    afterAll(async () => {
      await app?.close();
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('the next start builds the indexes, and lists and search answer from what committed', {
      timeout: 120_000,
    }, async () => {
      const file = writeSeededUsers(path.join(dir, 'users.ndjson'), BUYER, USERS);
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', 'src/cli.ts', 'import', file, '--indexes', 'defer', '--batch', String(BATCH)],
        { cwd: serverDir, env: { ...process.env, DATABASE_URL: database.url }, stdio: 'ignore' },
      );
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      const handle: DatabaseHandle = createDb({ databaseUrl: database.url, dialect });
      let stored: StoredUser[] = [];
      try {
        const storedUsers = () =>
          handle.db.selectFrom('users').select(['id', 'username', 'first_name', 'last_name', 'email']).execute();
        // Kill as soon as a few batches are in: far from the end, so the indexes are still dropped.
        for (;;) {
          const tables = await handle.db.introspection.getTables();
          if (tables.some((table) => table.name === 'users') && (await storedUsers()).length >= 3 * BATCH) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        child.kill('SIGKILL');
        expect(await exited).toBe(null);
        stored = await storedUsers();
        expect(stored.length).toBeLessThan(USERS);
        const left = await deferrableIndexState(handle);
        expect(left.pending).toEqual([...DEFERRABLE_INDEXES].sort());
        expect(left.existing).toEqual([]);
      } finally {
        await handle.close();
      }

      app = await startTestAppOn(database.url, { dialect });
      const after = createDb({ databaseUrl: database.url, dialect });
      try {
        expect(await deferrableIndexState(after)).toEqual({ existing: [...DEFERRABLE_INDEXES].sort(), pending: [] });
      } finally {
        await after.close();
      }

      const running = app;
      const ids = async (query: string) => {
        const response = await fetch(`${running.url}/v1/buyers/${BUYER}/users?pageSize=100&${query}`, {
          headers: { Authorization: `Bearer ${await running.adminToken()}` },
        });
        expect(response.status, query).toBe(200);
        const body = (await response.json()) as { Meta: { TotalCount: number }; Items: Array<{ ID: string }> };
        return { total: body.Meta.TotalCount, ids: body.Items.map((user) => user.ID) };
      };
      // What the stored rows say each list holds: IDs, usernames and emails are ASCII, so code point order is JS order.
      const expected = (users: StoredUser[], key: (user: StoredUser) => string) => {
        const sorted = [...users].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : a.id < b.id ? -1 : 1));
        return { total: users.length, ids: sorted.slice(0, 100).map((user) => user.id) };
      };
      const lowered = (user: StoredUser) =>
        [user.id, user.username, user.first_name, user.last_name, user.email].map((text) => text.toLowerCase());
      expect(await ids('sortBy=ID')).toEqual(expected(stored, (user) => user.id));
      expect(await ids('sortBy=Username')).toEqual(expected(stored, (user) => user.username));
      expect(await ids('sortBy=Email')).toEqual(expected(stored, (user) => user.email));
      expect(await ids('LastName=smith&sortBy=ID')).toEqual(
        expected(
          stored.filter((user) => user.last_name.toLowerCase() === 'smith'),
          (user) => user.id,
        ),
      );
      for (const term of ['han', 'müller', 'ne']) {
        const matches = stored.filter((user) => lowered(user).some((text) => text.includes(term)));
        expect(matches.length, term).toBeGreaterThan(0);
        expect(await ids(`search=${encodeURIComponent(term)}&sortBy=ID`), term).toEqual(
          expected(matches, (user) => user.id),
        );
      }
    });
  });
}
