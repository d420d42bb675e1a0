import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { createBuyer, createUser } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

interface Page {
  Meta: { Page: number; PageSize: number; TotalCount: number; TotalPages: number; ItemRange: number[] };
  Items: Array<{ ID: string }>;
}
interface ErrorBody {
  Errors: Array<{ ErrorCode: string; Data: unknown }>;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: list query language`, () => {
    let t: TestApp;
    /** GETs a raw query string exactly as given, the way the ordercloud SDK builds it (keys raw, values encoded). */
    const get = async (path: string, query: string) => {
      const response = await fetch(`${t.url}${path}?${query}`, {
        headers: { Authorization: `Bearer ${await t.adminToken()}`, 'Content-Type': 'application/json' },
      });
      return { status: response.status, body: (await response.json()) as Page & ErrorBody };
    };
    const ids = async (query: string) => {
      const res = await get('/v1/buyers/people/users', query);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.Items.map((item) => item.ID);
    };

    beforeAll(async () => {
      t = await startTestApp({ dialect });
      const api = t.as(await t.adminToken());
      await createBuyer(api, 'people');
      const people: Array<[string, string, string, string, boolean, Record<string, unknown>]> = [
        ['u1', 'Ann', 'Smith', 'ann@alpha.test', true, { Size: 10, Color: 'red', Address: { City: 'Paris' } }],
        ['u2', 'Bob', 'Smith', 'bob@beta.test', true, { Size: 9, Color: 'blue', Flag: true }],
        ['u3', 'Cleo', 'Jones', 'cleo@alpha.test', false, { Size: '100', Color: 'Red' }],
        ['u4', 'Dan', 'Émile', 'dan_50%@gamma.test', true, { Size: 2.5, Flag: false }],
        ['u5', 'Eve', 'Adams', 'eve@beta.test', true, {}],
      ];
      for (const [ID, FirstName, LastName, Email, Active, xp] of people) {
        await createUser(api, 'people', { ID, FirstName, LastName, Email, Active, xp, Username: `${ID}.login` });
      }
      await api.PATCH('/v1/buyers/{buyerID}/users/{userID}', {
        params: { path: { buyerID: 'people', userID: 'u5' } },
        body: { Phone: '555-0100' },
      });
    });
    afterAll(() => t.close());

    test('default order is LastName, FirstName, then ID; sortBy with ! reverses', async () => {
      expect(await ids('')).toEqual(['u5', 'u3', 'u1', 'u2', 'u4']);
      expect(await ids('sortBy=!ID')).toEqual(['u5', 'u4', 'u3', 'u2', 'u1']);
      expect(await ids('sortBy=LastName%2C!FirstName')).toEqual(['u5', 'u3', 'u2', 'u1', 'u4']);
    });

    test('pages are 1-based and stable; an empty page has TotalCount 0', async () => {
      const page = await get('/v1/buyers/people/users', 'page=2&pageSize=2');
      expect(page.body.Meta).toEqual({ Page: 2, PageSize: 2, TotalCount: 5, TotalPages: 3, ItemRange: [3, 4] });
      expect(page.body.Items.map((u) => u.ID)).toEqual(['u1', 'u2']);
      const none = await get('/v1/buyers/people/users', 'LastName=Nobody');
      expect(none.body.Meta).toEqual({ Page: 1, PageSize: 20, TotalCount: 0, TotalPages: 0, ItemRange: [0, 0] });
    });

    test('search is a case-insensitive substring over the searchable fields; searchOn narrows it', async () => {
      expect(await ids('search=ALPHA')).toEqual(['u3', 'u1']);
      expect(await ids('search=smi&searchOn=FirstName')).toEqual([]);
      expect(await ids('search=émile')).toEqual(['u4']);
      expect(await ids('search=50%25')).toEqual(['u4']);
      expect(await ids('search=_')).toEqual(['u4']);
      const bad = await get('/v1/buyers/people/users', 'search=x&searchOn=Phone');
      expect(bad.status).toBe(400);
      expect(bad.body.Errors[0]).toMatchObject({
        ErrorCode: 'List.InvalidSearchProperty',
        Data: { Property: 'Phone' },
      });
    });

    test('search follows creates, renames, moves and deletes (the substring index stays in step)', async () => {
      const api = t.as(await t.adminToken());
      await createBuyer(api, 'indexed');
      await createBuyer(api, 'elsewhere');
      const found = async (query: string) => {
        const res = await get('/v1/buyers/indexed/users', query);
        expect(res.status, JSON.stringify(res.body)).toBe(200);
        return res.body.Items.map((item) => item.ID);
      };
      await createUser(api, 'indexed', { ID: 'q1', FirstName: 'Zoë "Q"', LastName: 'ÅSTRÖM' });
      await createUser(api, 'indexed', { ID: 'q2', FirstName: 'Quincy', LastName: 'Astor' });
      expect(await found('search=åström')).toEqual(['q1']);
      expect(await found('search=ZOË%20%22Q')).toEqual(['q1']);
      expect(await found('search=st')).toEqual(['q2', 'q1']);
      expect(await found('search=quin&searchOn=LastName')).toEqual([]);
      const path = (userID: string) => ({ params: { path: { buyerID: 'indexed', userID } } });
      await api.PATCH('/v1/buyers/{buyerID}/users/{userID}', { ...path('q2'), body: { LastName: 'Östlund' } });
      expect(await found('search=astor')).toEqual([]);
      expect(await found('search=östl')).toEqual(['q2']);
      const moved = await api.POST('/v1/buyers/{buyerID}/users/{userID}/moveto/{newBuyerID}', {
        params: { path: { buyerID: 'indexed', userID: 'q2', newBuyerID: 'elsewhere' }, query: { orders: 'None' } },
      });
      expect(moved.response.status).toBe(201);
      expect(await found('search=östl')).toEqual([]);
      await api.DELETE('/v1/buyers/{buyerID}/users/{userID}', path('q1'));
      expect(await found('search=åström')).toEqual([]);
      const res = await get('/v1/buyers/elsewhere/users', 'search=ÖSTLUND');
      expect(res.body.Items.map((item) => item.ID)).toEqual(['q2']);
    });

    test('every page, searched or filtered or not, is the matching slice of the whole ordered list', async () => {
      // Pages are found as keys first (a deferred join, or the materialized matches of a search or filter), so each
      // page must be exactly the slice OFFSET would give, and past the last match TotalCount must stay exact.
      for (const query of [
        '',
        'search=a',
        'LastName=smith',
        'sortBy=!Email',
        'search=e&sortBy=FirstName&Active=true',
      ]) {
        const all = await get('/v1/buyers/people/users', `${query}&pageSize=100`);
        const want = all.body.Items.map((item) => item.ID);
        const pages: string[] = [];
        for (let page = 1; page <= want.length + 1; page++) {
          const res = await get('/v1/buyers/people/users', `${query}&pageSize=1&page=${page}`);
          expect(res.status, JSON.stringify(res.body)).toBe(200);
          expect(res.body.Meta.TotalCount, `${query} page ${page}`).toBe(want.length);
          pages.push(...res.body.Items.map((item) => item.ID));
        }
        expect(pages, query).toEqual(want);
      }
    });

    test('equality filters through the lower(column) indexes match case-insensitive equality', async () => {
      // Answered from the indexes of migration 0006 on large data; compared here with the same rule applied to the
      // whole list in JavaScript (lower-casing folds every letter, like the server's lower()).
      const all = (await get('/v1/buyers/people/users', 'pageSize=100')).body.Items as unknown as Array<
        Record<string, unknown>
      >;
      for (const field of ['ID', 'Username', 'FirstName', 'LastName', 'Email']) {
        for (const value of ['u1', 'U2.LOGIN', 'ann', 'SMITH', 'cleo@alpha.test', 'émile', 'nobody']) {
          const want = all.filter((user) => String(user[field]).toLowerCase() === value.toLowerCase());
          expect(await ids(`${field}=${encodeURIComponent(value)}`), `${field}=${value}`).toEqual(
            want.map((user) => user['ID']),
          );
        }
      }
    });

    const filters: Array<[string, string, string[]]> = [
      ['equality ignores case', 'LastName=smith', ['u1', 'u2']],
      ['prefix', 'FirstName=C*', ['u3']],
      ['suffix', 'Email=*beta.test', ['u5', 'u2']],
      ['contains', 'Email=*alpha*', ['u3', 'u1']],
      ['or (encoded pipe)', 'LastName=Jones%7CAdams', ['u5', 'u3']],
      ['negation', 'LastName=!Smith', ['u5', 'u3', 'u4']],
      ['repeated key is AND', 'LastName=!Smith&LastName=!Jones', ['u5', 'u4']],
      ['boolean', 'Active=false', ['u3']],
      ['lexical greater than (LastID paging)', 'sortBy=ID&ID=%3Eu3', ['u4', 'u5']],
      ['at least / at most', 'ID=%3E%3Du2&ID=%3C%3Du3', ['u3', 'u2']],
      ['.NET SDK forms', 'ID=!%3Cu4', ['u5', 'u4']],
      ['present', 'Phone=*', ['u5']],
      ['absent', 'Phone=!*', ['u3', 'u1', 'u2', 'u4']],
      ['date', 'DateCreated=%3E2000-01-01', ['u5', 'u3', 'u1', 'u2', 'u4']],
      ['date in the future', 'DateCreated=%3E2999-01-01', []],
      ['xp string', 'xp.Color=red', ['u3', 'u1']],
      ['xp nested', 'xp.Address.City=Paris', ['u1']],
      ['xp number equality', 'xp.Size=10', ['u1']],
      ['xp numeric comparison on numbers', 'xp.Size=%3E9', ['u1']],
      ['xp decimal, and lexical on the string "100"', 'xp.Size=%3C3', ['u3', 'u4']],
      ['xp boolean', 'xp.Flag=true', ['u2']],
      ['xp false is not missing', 'xp.Flag=false', ['u4']],
      ['xp missing', 'xp.Color=!*', ['u5', 'u4']],
      ['xp present', 'xp.Flag=*', ['u2', 'u4']],
      ['xp negation includes missing', 'xp.Color=!red', ['u5', 'u2', 'u4']],
      ['xp wildcard', 'xp.Color=r*', ['u3', 'u1']],
      ['userGroupID is not a filter', 'userGroupID=g1', ['u1', 'u2']],
    ];
    test.each(filters)('%s: %s', async (_name, query, want) => {
      if (query.startsWith('userGroupID')) {
        const api = t.as(await t.adminToken());
        await api.PUT('/v1/buyers/{buyerID}/usergroups/{userGroupID}', {
          params: { path: { buyerID: 'people', userGroupID: 'g1' } },
          body: { Name: 'G1' },
        });
        for (const UserID of ['u1', 'u2']) {
          await api.POST('/v1/buyers/{buyerID}/usergroups/assignments', {
            params: { path: { buyerID: 'people' } },
            body: { UserGroupID: 'g1', UserID },
          });
        }
      }
      expect(await ids(query)).toEqual(want);
    });

    const errors: Array<[string, string, string, string]> = [
      ['unknown property', 'Nope=1', 'List.InvalidProperty', 'Nope'],
      ['computed property', 'AvailableRoles=Shopper', 'List.InvalidProperty', 'AvailableRoles'],
      ['boolean of the wrong type', 'Active=maybe', 'List.InvalidType', 'Active'],
      ['date of the wrong type', 'DateCreated=%3Esoon', 'List.InvalidType', 'DateCreated'],
      ['unsortable', 'sortBy=Phone', 'List.InvalidSortProperty', 'Phone'],
    ];
    test.each(errors)('%s is a 400', async (_name, query, code, property) => {
      const res = await get('/v1/buyers/people/users', query);
      expect(res.status).toBe(400);
      expect(res.body.Errors[0]).toMatchObject({ ErrorCode: code, Data: { Property: property } });
    });

    test('hostile keys and values are data, never SQL', async () => {
      expect(await ids('LastName=%27%3B%20drop%20table%20users%3B--')).toEqual([]);
      expect(await ids('xp.a%27b=1')).toEqual([]);
      expect(await ids('xp.a%22b=1')).toEqual([]);
      expect(await ids('xp.%24%5B0%5D=1')).toEqual([]);
      expect(await ids('search=%27%20or%201%3D1--')).toEqual([]);
      expect((await ids('')).length).toBe(5);
    });

    test('an unknown userGroupID is 404; pageSize above 100 is 400', async () => {
      expect((await get('/v1/buyers/people/users', 'userGroupID=nope')).status).toBe(404);
      expect((await get('/v1/buyers/people/users', 'pageSize=101')).status).toBe(400);
    });

    test('buyers and API clients share the language', async () => {
      const api = t.as(await t.adminToken());
      await createBuyer(api, 'zeta-corp');
      await createBuyer(api, 'alpha-corp');
      const buyers = await get('/v1/buyers', 'ID=*-corp&sortBy=!Name');
      expect(buyers.status, JSON.stringify(buyers.body)).toBe(200);
      expect(buyers.body.Items.map((b) => b.ID)).toEqual(['zeta-corp', 'alpha-corp']);
      const searched = await get('/v1/buyers', 'search=ZETA');
      expect(searched.body.Items.map((b) => b.ID)).toEqual(['zeta-corp']);
      const clients = await get('/v1/apiclients', 'AccessTokenDuration=%3E%3D60&AppName=*');
      expect(clients.status).toBe(200);
      expect(clients.body.Items.length).toBeGreaterThan(0);
      const badClients = await get('/v1/apiclients', 'AccessTokenDuration=long');
      expect(badClients.body.Errors[0]?.ErrorCode).toBe('List.InvalidType');
    });
  });
}
