import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { createBuyer, createUser } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

// Many clients at once on the same users and groups. (Exactly-once redemption of codes and refresh tokens under
// parallel requests is tested in oauth-authorization-code A4 and oauth-refresh R4.)

type Api = TestApp['client'];

async function countRows(t: TestApp, query: ReturnType<typeof sql<{ n: number | string }>>): Promise<number> {
  return Number((await query.execute(t.running.context.db)).rows[0]?.n);
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: concurrent writers`, () => {
    let t: TestApp;
    let api: Api;
    beforeAll(async () => {
      t = await startTestApp({ dialect });
      api = t.as(await t.adminToken());
      await createBuyer(api, 'race-a');
      await createBuyer(api, 'race-b');
    });
    afterAll(() => t.close());

    test('30 creates with one username at once: exactly one wins, the rest are 409 UsernameMustBeUnique', async () => {
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          api.POST('/v1/buyers/{buyerID}/users', {
            params: { path: { buyerID: i % 2 === 0 ? 'race-a' : 'race-b' } },
            body: {
              ID: `dup-${i}`,
              Username: 'Same.Name',
              FirstName: 'F',
              LastName: 'L',
              Email: 'e@x.test',
              Active: true,
            },
          }),
        ),
      );
      const statuses = answers.map((a) => a.response.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(1);
      expect(statuses.filter((s) => s === 409)).toHaveLength(29);
      expect(new Set(answers.flatMap((a) => (a.error ? [a.error.Errors[0]?.ErrorCode] : [])))).toEqual(
        new Set(['User.UsernameMustBeUnique']),
      );
      expect(await countRows(t, sql`select count(*) as n from users where username_key = 'same.name'`)).toBe(1);
    });

    test('renaming many users to one username at once lets at most one through', async () => {
      for (let i = 0; i < 10; i++) await createUser(api, 'race-a', { ID: `ren-${i}` });
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          api.PATCH('/v1/buyers/{buyerID}/users/{userID}', {
            params: { path: { buyerID: 'race-a', userID: `ren-${i}` } },
            body: { Username: 'taken-by-race' },
          }),
        ),
      );
      const statuses = answers.map((a) => a.response.status);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.every((s) => s === 200 || s === 409)).toBe(true);
      expect(await countRows(t, sql`select count(*) as n from users where username_key = 'taken-by-race'`)).toBe(1);
    });

    test('patching, moving, assigning and deleting the same users and groups at once ends consistent, without 5xx', async () => {
      const users = Array.from({ length: 6 }, (_, i) => `mix-${i}`);
      for (const id of users) await createUser(api, 'race-a', { ID: id });
      for (const group of ['mg-1', 'mg-2']) {
        const res = await api.POST('/v1/buyers/{buyerID}/usergroups', {
          params: { path: { buyerID: 'race-a' } },
          body: { ID: group, Name: group },
        });
        expect(res.response.status).toBe(201);
      }
      const profile = await api.POST('/v1/securityprofiles', {
        body: { ID: 'race-profile', Name: 'Race', Roles: ['Shopper'] },
      });
      expect(profile.response.status).toBe(201);
      const path = (buyerID: string, userID: string) => ({ params: { path: { buyerID, userID } } });
      const operations: Array<() => Promise<{ response: Response }>> = [];
      for (const userID of users) {
        for (const group of ['mg-1', 'mg-2']) {
          operations.push(() =>
            api.POST('/v1/buyers/{buyerID}/usergroups/assignments', {
              params: { path: { buyerID: 'race-a' } },
              body: { UserGroupID: group, UserID: userID },
            }),
          );
        }
        operations.push(
          () =>
            api.POST('/v1/securityprofiles/assignments', {
              body: { SecurityProfileID: 'race-profile', BuyerID: 'race-a', UserID: userID },
            }),
          () =>
            api.PATCH('/v1/buyers/{buyerID}/users/{userID}', { ...path('race-a', userID), body: { FirstName: 'P' } }),
          () =>
            api.POST('/v1/buyers/{buyerID}/users/{userID}/moveto/{newBuyerID}', {
              params: { path: { buyerID: 'race-a', userID, newBuyerID: 'race-b' }, query: { orders: 'None' } },
            }),
          () => api.DELETE('/v1/buyers/{buyerID}/users/{userID}', path('race-a', userID)),
          () =>
            api.PUT('/v1/buyers/{buyerID}/users/{userID}', {
              ...path('race-a', userID),
              body: { Username: `${userID}-put`, FirstName: 'F', LastName: 'L', Email: 'e@x.test', Active: true },
            }),
        );
      }
      operations.push(() =>
        api.DELETE('/v1/buyers/{buyerID}/usergroups/{userGroupID}', {
          params: { path: { buyerID: 'race-a', userGroupID: 'mg-2' } },
        }),
      );
      // A fixed shuffle per run would hide orderings; a random one explores them.
      operations.sort(() => Math.random() - 0.5);
      const statuses = (await Promise.all(operations.map((operation) => operation()))).map((a) => a.response.status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(
        statuses.every((s) => [200, 201, 204, 404, 409].includes(s)),
        statuses.join(','),
      ).toBe(true);
      // Consistent: memberships only between a user and a group of the same buyer, none dangling; each user in one
      // buyer; and the API agrees with the tables.
      expect(
        await countRows(
          t,
          sql`select count(*) as n from user_group_members m
              left join users u on u.uid = m.user_uid left join user_groups g on g.uid = m.group_uid
              where u.uid is null or g.uid is null or u.buyer_id <> g.buyer_id`,
        ),
      ).toBe(0);
      expect(
        await countRows(
          t,
          sql`select count(*) as n from security_profile_assignments a left join users u on u.uid = a.user_uid
              where a.user_uid is not null and (u.uid is null or u.buyer_id <> a.buyer_id)`,
        ),
      ).toBe(0);
      expect(
        await countRows(t, sql`select count(*) - count(distinct username_key) as n from users`),
        'usernames stay unique across the marketplace',
      ).toBe(0);
      // A PUT may create a new user with a moved user's ID in the old buyer, so an ID can live in both buyers; but
      // the API's view of memberships matches the tables for each buyer.
      for (const buyerID of ['race-a', 'race-b']) {
        const listed = await api.GET('/v1/buyers/{buyerID}/usergroups/assignments', {
          params: { path: { buyerID }, query: { pageSize: 100 } },
        });
        const stored = await countRows(
          t,
          sql`select count(*) as n from user_group_members m join user_groups g on g.uid = m.group_uid
              where g.buyer_id = ${buyerID}`,
        );
        expect(listed.data?.Items.length).toBe(stored);
      }
    });
  });
}
