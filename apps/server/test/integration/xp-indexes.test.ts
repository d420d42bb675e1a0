import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { isXpIndex, xpIndexName } from '../../src/db/xp-indexes.js';
import { parseListQuery } from '../../src/list/list-query.js';
import { filterList } from '../../src/list/list-sql.js';
import { USER_LIST } from '../../src/users/users.mapper.js';
import { DIALECTS } from '../support/dialects.js';
import { createBuyer, createUser } from '../support/fixtures.js';
import { createTestDatabase, startTestAppOn, type TestApp } from '../support/test-app.js';

const INDEXED = ['Region', 'Address.Country', 'Tier'];

/** Filters over the indexed paths and beside them; each must answer the same with and without the indexes. */
const QUERIES = [
  'xp.Region=EU',
  'xp.Region=eu|US',
  'xp.Region=!EU',
  'xp.Region=E*',
  'xp.Address.Country=FR',
  'xp.Tier=3',
  'xp.Tier=>2',
  'xp.Region=EU&xp.Tier=3',
  'xp.Color=red',
];

const PEOPLE: Array<[id: string, xp: Record<string, unknown> | undefined]> = [
  ['u1', { Region: 'EU', Tier: 3, Address: { Country: 'FR' }, Color: 'red' }],
  ['u2', { Region: 'eu', Tier: '3', Address: { Country: 'fr' } }],
  ['u3', { Region: 'US', Tier: 1, Address: { Country: 'US' } }],
  ['u4', { Region: 'Europe', Tier: 5 }],
  ['u5', { Region: 7, Address: 'FR' }],
  ['u6', undefined],
  ['u7', { Region: null, Tier: true }],
];

for (const dialect of DIALECTS) {
  describe(`${dialect}: indexes on configured users' xp paths (USER_XP_INDEXES)`, () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    const start = (paths: string | null) =>
      startTestAppOn(database.url, { dialect, env: paths === null ? {} : { USER_XP_INDEXES: paths } });
    const ids = async (t: TestApp, query: string) => {
      const response = await fetch(`${t.url}/v1/buyers/people/users?${query}&pageSize=100`, {
        headers: { Authorization: `Bearer ${await t.adminToken()}` },
      });
      const body = (await response.json()) as { Items: Array<{ ID: string }> };
      expect(response.status, JSON.stringify(body)).toBe(200);
      return body.Items.map((user) => user.ID);
    };
    const answers = async (t: TestApp) => {
      const result: Record<string, string[]> = {};
      for (const query of QUERIES) result[query] = await ids(t, query);
      return result;
    };
    const indexNames = async (t: TestApp) =>
      (await t.running.context.dialect.indexDefinitions(t.running.context.db, 'users'))
        .map((index) => index.name)
        .filter(isXpIndex);

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      const t = await start(null);
      const api = t.as(await t.adminToken());
      await createBuyer(api, 'people');
      for (const [ID, xp] of PEOPLE) {
        await createUser(api, 'people', {
          ID,
          FirstName: ID,
          LastName: 'Person',
          Email: `${ID}@people.test`,
          Username: ID,
          xp,
        });
      }
      await t.close();
    });
    afterAll(() => database.drop());

    test('each configured path gets an index, filters answer as without it, and removing a path drops its index', async () => {
      const plain = await start(null);
      const expected = await answers(plain);
      expect(await indexNames(plain)).toEqual([]);
      await plain.close();
      // The same filters by hand: equality ignores case, numbers match numerically, missing and null never match.
      expect(expected['xp.Region=EU']).toEqual(['u1', 'u2']);
      expect(expected['xp.Tier=3']).toEqual(['u1', 'u2']);
      expect(expected['xp.Address.Country=FR']).toEqual(['u1', 'u2']);

      const indexed = await start(` xp.Region , Address.Country,Tier,Region `);
      try {
        expect((await indexNames(indexed)).sort()).toEqual(INDEXED.map(xpIndexName).sort());
        expect(await answers(indexed)).toEqual(expected);
        // Writes after the index exists are found through it.
        const api = indexed.as(await indexed.adminToken());
        await createUser(api, 'people', {
          ID: 'u8',
          FirstName: 'u8',
          LastName: 'Person',
          Email: 'u8@people.test',
          Username: 'u8',
          xp: { Region: 'EU' },
        });
        expect(await ids(indexed, 'xp.Region=EU')).toEqual(['u1', 'u2', 'u8']);
        await api.DELETE('/v1/buyers/{buyerID}/users/{userID}', {
          params: { path: { buyerID: 'people', userID: 'u8' } },
        });
      } finally {
        await indexed.close();
      }

      const fewer = await start('Tier');
      try {
        expect(await indexNames(fewer)).toEqual([xpIndexName('Tier')]);
        expect(await answers(fewer)).toEqual(expected);
      } finally {
        await fewer.close();
      }
    });

    test('the planner finds an equality filter on a configured path through its index', async () => {
      const t = await start('Region');
      try {
        const { db, dialect: capabilities } = t.running.context;
        const list = parseListQuery(USER_LIST, {}, [['xp.Region', 'EU']]);
        const query = filterList(
          db.selectFrom('users').select('id').where('buyer_id', '=', 'people'),
          list,
          capabilities,
        );
        const compiled = query.compile();
        // The configured path is spelled out in the SQL (an index cannot match a bound path); the value stays bound.
        expect(compiled.parameters).toEqual(['people', 'eu']);
        const plan = await db.connection().execute(async (connection) => {
          const explain = async (prefix: string) =>
            (
              await connection.executeQuery<Record<string, string>>({ ...compiled, sql: `${prefix} ${compiled.sql}` })
            ).rows
              .map((row) => row['detail'] ?? row['QUERY PLAN'])
              .join('\n');
          if (dialect === 'sqlite') return explain('explain query plan');
          // Seven users fit one page, which a sequential scan reads faster than any index: ask for the index path.
          await sql`set enable_seqscan = off`.execute(connection);
          try {
            return await explain('explain');
          } finally {
            await sql`reset enable_seqscan`.execute(connection);
          }
        });
        expect(plan).toContain(xpIndexName('Region'));
        // A path that is not configured stays a bound parameter.
        const other = filterList(
          db.selectFrom('users').select('id'),
          parseListQuery(USER_LIST, {}, [['xp.Color', 'red']]),
          capabilities,
        ).compile();
        expect(other.sql).not.toContain('Color');
      } finally {
        await t.close();
      }
    });
  });
}
