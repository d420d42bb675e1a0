import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDb } from '../../src/db/create-db.js';
import { createClient, PASSWORD, passwordGrant } from '../support/auth-fixtures.js';
import { usher } from '../support/cli.js';
import { DIALECTS } from '../support/dialects.js';
import { createBuyer, createUser } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: usher import and usher seed`, () => {
    let t: TestApp;
    let dir: string;
    beforeAll(async () => {
      t = await startTestApp({ dialect });
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usher-import-'));
      const api = t.as(await t.adminToken());
      await createBuyer(api, 'existing');
      await createUser(api, 'existing', { ID: 'taken', Username: 'Taken.Name' });
    });
    afterAll(async () => {
      await t.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    const cli = (...argv: string[]) => usher(t.config.databaseUrl, ...argv);
    const file = (name: string, text: string) => {
      const target = path.join(dir, name);
      fs.writeFileSync(target, text);
      return target;
    };
    const userIds = async (buyerID: string, search?: string) => {
      const api = t.as(await t.adminToken());
      const res = await api.GET('/v1/buyers/{buyerID}/users', {
        params: { path: { buyerID }, query: { pageSize: 100, sortBy: 'ID', ...(search ? { search } : {}) } },
      });
      expect(res.response.status).toBe(200);
      return res.data?.Items.map((user) => user.ID) ?? [];
    };

    test('NDJSON: good records are imported; each bad one is reported with its line and reason', async () => {
      const user = (fields: Record<string, unknown>) =>
        JSON.stringify({ FirstName: 'F', LastName: 'L', Email: 'e@x.test', Active: true, ...fields });
      const records = [
        JSON.stringify({ Type: 'Buyer', ID: 'nd', Name: 'NDJSON buyer', xp: { Region: 'EU' } }),
        user({ ID: 'n1', Username: 'n1', xp: { Tier: 2 } }),
        '{not json',
        user({ ID: 'n2', Username: 'n2', Password: PASSWORD }),
        user({ ID: 'bad id!', Username: 'n3' }),
        user({ ID: 'n4' }),
        '',
        user({ ID: 'n5', Username: 'N1' }),
        user({ ID: 'n6', Username: 'taken.name' }),
        user({ ID: 'n7', Username: 'n7', BuyerID: 'nobody' }),
        user({ ID: 'n8', Username: 'n8', xp: { Big: 'x'.repeat(8001) } }),
        user({ ID: 'n9', Username: 'n9', Password: 'short' }),
        user({ ID: 'n1', Username: 'n10' }),
        user({ ID: 'n11', Username: 'n11', BuyerID: 'existing' }),
        JSON.stringify({ Type: 'Buyer', ID: 'existing', Name: 'Again' }),
      ];
      // Batches of 3: rejected records sit in batches with good ones, and some duplicates span batches.
      const { code, lines } = await cli(
        'import',
        file('users.ndjson', records.join('\n')),
        '--buyer',
        'nd',
        '--batch',
        '3',
      );
      expect(code).toBe(1);
      const rejected = lines.filter((line) => line.startsWith('line '));
      expect(rejected.map((line) => Number(line.split(':')[0]?.slice(5))).sort((x, y) => x - y)).toEqual([
        3, 5, 6, 8, 9, 10, 11, 12, 13, 15,
      ]);
      expect(rejected.sort()).toEqual(
        expect.arrayContaining([
          'line 3: not valid JSON.',
          'line 5: ID may contain only letters, digits, - and _.',
          'line 6: Username is required.',
          expect.stringMatching(/^line 8: Username N1 /),
          expect.stringMatching(/^line 9: Username taken\.name /),
          'line 10: Buyer nobody does not exist.',
          'line 11: xp must serialize to at most 8000 bytes.',
          expect.stringMatching(/^line 12: Password must be at least 10/),
          expect.stringMatching(/^line 13: .*user ID n1 /),
          'line 15: Buyer ID existing already exists.',
        ]),
      );
      expect(lines.at(-1)).toMatch(/14 records .*: 3 users and 1 buyers imported, 10 rejected\.$/);
      expect(await userIds('nd')).toEqual(['n1', 'n2']);
      expect(await userIds('existing')).toEqual(['n11', 'taken']);
      const api = t.as(await t.adminToken());
      const n1 = await api.GET('/v1/buyers/{buyerID}/users/{userID}', {
        params: { path: { buyerID: 'nd', userID: 'n1' } },
      });
      expect(n1.data).toMatchObject({ Username: 'n1', FirstName: 'F', Active: true, xp: { Tier: 2 } });
      // The imported password is hashed like the API's: the user signs in with it.
      const client = await createClient(t);
      expect((await passwordGrant(t, client, { username: 'n2', password: PASSWORD })).status).toBe(200);
      // Imported users are in the search index.
      expect(await userIds('nd', 'N2')).toEqual(['n2']);
    });

    test('CSV: quoted fields keep commas, quotes and line breaks; line numbers count physical lines', async () => {
      const csv = [
        'ID,Username,FirstName,LastName,Email,Active,Phone,xp',
        'c1,c1,"Smith, Jr.","O""Neil",c1@x.test,true,,"{""Tier"": 1}"',
        'c2,c2,"Two',
        'Lines",Doe,c2@x.test,false,555,',
        'c3,c3,Only,Six,Fields',
        'c4,c4,Four,Last,c4@x.test,maybe,,',
        'c5,c5,Five,Last,c5@x.test,true,,',
      ].join('\r\n');
      const { code, lines } = await cli('import', file('users.csv', csv), '--buyer', 'existing');
      expect(code).toBe(1);
      expect(lines.filter((line) => line.startsWith('line '))).toEqual([
        'line 5: 5 fields where the header has 8.',
        'line 6: Active must be true or false.',
      ]);
      const api = t.as(await t.adminToken());
      const get = (userID: string) =>
        api.GET('/v1/buyers/{buyerID}/users/{userID}', { params: { path: { buyerID: 'existing', userID } } });
      expect((await get('c1')).data).toMatchObject({ FirstName: 'Smith, Jr.', LastName: 'O"Neil', xp: { Tier: 1 } });
      expect((await get('c2')).data).toMatchObject({ FirstName: 'Two\nLines', Active: false, Phone: '555' });
      expect((await get('c5')).response.status).toBe(200);
      expect((await get('c4')).response.status).toBe(404);
    });

    test('seed generates N searchable users deterministically; seeding again reports them as existing', async () => {
      const first = await cli('seed', '--users', '30', '--buyer', 'seeded');
      expect(first.code).toBe(0);
      expect(first.lines.at(-1)).toMatch(/31 records .*: 30 users and 1 buyers imported, 0 rejected\.$/);
      const ids = await userIds('seeded');
      expect(ids).toHaveLength(30);
      expect(ids[0]).toBe('user-01');
      const api = t.as(await t.adminToken());
      const one = await api.GET('/v1/buyers/{buyerID}/users/{userID}', {
        params: { path: { buyerID: 'seeded', userID: 'user-07' } },
      });
      const seeded = one.data;
      expect(seeded?.Username).toMatch(/^[a-z]+\.[a-z]+\.07@seeded$/);
      expect(seeded?.xp).toMatchObject({ Tier: expect.any(Number), Region: expect.any(String) });
      expect(await userIds('seeded', seeded?.LastName ?? '')).toContain('user-07');
      // Same seed, same users: a second run finds every one already there.
      const again = await cli('seed', '--users', '30', '--buyer', 'seeded');
      expect(again.code).toBe(1);
      expect(again.lines.at(-1)).toMatch(/30 records .*: 0 users and 0 buyers imported, 30 rejected\.$/);
      // The buyer exists now, so the file-like numbering starts at the first user.
      expect(again.lines).toContain(
        `line 7: Username ${seeded?.Username} or user ID user-07 in buyer seeded already exists.`,
      );
    });

    test('the search index stays in step with imports, rejected and rolled-back rows, and later API writes', async () => {
      const user = (id: string, username: string) =>
        JSON.stringify({
          ID: id,
          Username: username,
          FirstName: 'Quill',
          LastName: `Zyx${id}`,
          Email: 'q@x.test',
          Active: true,
        });
      // Batches of 2, each with a rejected record next to a stored one.
      const records = [user('z1', 'z1'), user('z2', 'z1'), user('z3', 'z3'), user('taken', 'z4'), user('z5', 'z5')];
      const { code } = await cli(
        'import',
        file('search.ndjson', records.join('\n')),
        '--buyer',
        'existing',
        '--batch',
        '2',
      );
      expect(code).toBe(1);
      expect(await userIds('existing', 'zyx')).toEqual(['z1', 'z3', 'z5']);
      expect(await userIds('existing', 'QUILL')).toEqual(['z1', 'z3', 'z5']);
      // A batch that fails after its rows went in leaves neither rows nor index entries, and the index trigger works.
      const handle = createDb({ databaseUrl: t.config.databaseUrl, dialect });
      try {
        const row = {
          uid: 'rolled-back-uid',
          buyer_id: 'existing',
          id: 'zrolled',
          username: 'zrolled',
          username_key: 'zrolled',
          password_hash: null,
          first_name: 'Quill',
          last_name: 'Zyxrolled',
          email: 'r@x.test',
          phone: null,
          terms_accepted: null,
          active: 1,
          xp: null,
          date_created: new Date().toISOString(),
          password_last_set_date: null,
          last_active: null,
          failed_login_attempts: 0,
          locked_until: null,
          tokens_valid_after: null,
        };
        const failed = handle.db.transaction().execute(async (trx) => {
          const rows = { columns: Object.keys(row), values: JSON.stringify([Object.values(row)]), count: 1 };
          expect(await handle.dialect.insertSkippingConflicts(trx, 'users', rows, 'uid')).toEqual([true]);
          throw new Error('the import died');
        });
        await expect(failed).rejects.toThrow('the import died');
      } finally {
        await handle.close();
      }
      expect(await userIds('existing', 'zyx')).toEqual(['z1', 'z3', 'z5']);
      const api = t.as(await t.adminToken());
      await createUser(api, 'existing', { ID: 'z6', LastName: 'Zyxafter' });
      const renamed = await api.PATCH('/v1/buyers/{buyerID}/users/{userID}', {
        params: { path: { buyerID: 'existing', userID: 'z3' } },
        body: { LastName: 'Renamed' },
      });
      expect(renamed.response.status).toBe(200);
      expect(await userIds('existing', 'zyx')).toEqual(['z1', 'z5', 'z6']);
    });

    test('a file that cannot be read fails the import with the reading error', async () => {
      const unreadable = path.join(dir, 'a-directory.ndjson');
      fs.mkdirSync(unreadable);
      await expect(cli('import', unreadable, '--buyer', 'existing')).rejects.toThrow(/EISDIR/);
    });

    test('bad arguments print the usage and change nothing', async () => {
      for (const argv of [
        ['import'],
        ['import', path.join(dir, 'users.csv'), '--format', 'xml'],
        ['import', path.join(dir, 'users.csv'), '--batch', '0'],
        ['seed'],
        ['seed', '--users', 'many'],
        ['import', path.join(dir, 'users.csv'), '--indexes', 'sometimes'],
        ['seed', '--users', '5', '--indexes', 'later'],
      ]) {
        const { code, lines } = await cli(...argv);
        expect(code, argv.join(' ')).toBe(2);
        expect(lines.join('\n')).toContain('Usage: usher');
      }
      expect((await cli('import', path.join(dir, 'missing.ndjson'))).lines).toEqual([
        `usher: ${path.join(dir, 'missing.ndjson')} does not exist.`,
      ]);
    });
  });
}
