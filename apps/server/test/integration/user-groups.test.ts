import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { createTwoBuyersWithUsers, tokenWithRoles } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: user groups`, () => {
    let t: TestApp;
    let api: TestApp['client'];
    const group = (buyerID: string, userGroupID: string) => ({ params: { path: { buyerID, userGroupID } } });
    const members = async (buyerID: string, query: { userGroupID?: string; userID?: string } = {}) =>
      (await api.GET('/v1/buyers/{buyerID}/usergroups/assignments', { params: { path: { buyerID }, query } })).data
        ?.Items;
    beforeAll(async () => {
      t = await startTestApp({ dialect });
      api = t.as(await t.adminToken());
      await createTwoBuyersWithUsers(api);
    });
    afterAll(() => t.close());

    test('creates, reads, lists, replaces, patches and deletes a group', async () => {
      const created = await api.POST('/v1/buyers/{buyerID}/usergroups', {
        params: { path: { buyerID: 'acme' } },
        body: { ID: 'sales', Name: 'Sales', Description: 'Sellers', xp: { Region: 'EU', N: { a: 1 } } },
      });
      expect(created.response.status).toBe(201);
      expect(created.response.headers.get('location')).toBe('/v1/buyers/acme/usergroups/sales');
      expect(created.data).toEqual({
        ID: 'sales',
        Name: 'Sales',
        Description: 'Sellers',
        xp: { Region: 'EU', N: { a: 1 } },
      });
      expect((await api.GET('/v1/buyers/{buyerID}/usergroups/{userGroupID}', group('acme', 'sales'))).data).toEqual(
        created.data,
      );
      const patched = await api.PATCH('/v1/buyers/{buyerID}/usergroups/{userGroupID}', {
        ...group('acme', 'sales'),
        body: { xp: { N: { b: 2 } } },
      });
      expect(patched.data).toEqual({
        ID: 'sales',
        Name: 'Sales',
        Description: 'Sellers',
        xp: { Region: 'EU', N: { a: 1, b: 2 } },
      });
      const replaced = await api.PUT('/v1/buyers/{buyerID}/usergroups/{userGroupID}', {
        ...group('acme', 'sales'),
        body: { Name: 'Sales EMEA' },
      });
      expect(replaced.data).toEqual({ ID: 'sales', Name: 'Sales EMEA', Description: null, xp: null });
      await api.POST('/v1/buyers/{buyerID}/usergroups', {
        params: { path: { buyerID: 'acme' } },
        body: { ID: 'admins', Name: 'Admins' },
      });
      const list = await api.GET('/v1/buyers/{buyerID}/usergroups', { params: { path: { buyerID: 'acme' } } });
      expect(list.data?.Items.map((g) => g.ID)).toEqual(['admins', 'sales']);
      const searched = await api.GET('/v1/buyers/{buyerID}/usergroups', {
        params: { path: { buyerID: 'acme' }, query: { search: 'emea' } },
      });
      expect(searched.data?.Items.map((g) => g.ID)).toEqual(['sales']);
      expect(
        (await api.DELETE('/v1/buyers/{buyerID}/usergroups/{userGroupID}', group('acme', 'admins'))).response.status,
      ).toBe(204);
      const gone = await api.GET('/v1/buyers/{buyerID}/usergroups/{userGroupID}', group('acme', 'admins'));
      expect(gone.error?.Errors[0]).toMatchObject({
        ErrorCode: 'NotFound',
        Data: { ObjectType: 'UserGroup', ObjectID: 'admins' },
      });
      const dup = await api.POST('/v1/buyers/{buyerID}/usergroups', {
        params: { path: { buyerID: 'acme' } },
        body: { ID: 'sales', Name: 'X' },
      });
      expect(dup.response.status).toBe(409);
      const noBuyer = await api.POST('/v1/buyers/{buyerID}/usergroups', {
        params: { path: { buyerID: 'none' } },
        body: { Name: 'X' },
      });
      expect(noBuyer.error?.Errors[0]?.Data).toEqual({ ObjectType: 'Buyer', ObjectID: 'none' });
    });

    test('assignments: idempotent, same buyer only, listed and removed; renames keep members', async () => {
      await api.PUT('/v1/buyers/{buyerID}/usergroups/{userGroupID}', {
        ...group('acme', 'team'),
        body: { Name: 'Team' },
      });
      const assign = (buyerID: string, UserGroupID: string, UserID: string) =>
        api.POST('/v1/buyers/{buyerID}/usergroups/assignments', {
          params: { path: { buyerID } },
          body: { UserGroupID, UserID },
        });
      expect((await assign('acme', 'team', 'ann')).response.status).toBe(204);
      expect((await assign('acme', 'team', 'ann')).response.status).toBe(204);
      expect((await assign('acme', 'team', 'bob')).response.status).toBe(204);
      const otherBuyer = await assign('acme', 'team', 'gus');
      expect(otherBuyer.response.status).toBe(404);
      expect(otherBuyer.error?.Errors[0]?.Data).toEqual({ ObjectType: 'User', ObjectID: 'gus' });
      expect((await assign('acme', 'nope', 'ann')).response.status).toBe(404);
      expect(await members('acme', { userGroupID: 'team' })).toEqual([
        { UserGroupID: 'team', UserID: 'ann' },
        { UserGroupID: 'team', UserID: 'bob' },
      ]);
      expect(await members('acme', { userID: 'bob' })).toEqual([{ UserGroupID: 'team', UserID: 'bob' }]);

      await api.PATCH('/v1/buyers/{buyerID}/usergroups/{userGroupID}', {
        ...group('acme', 'team'),
        body: { ID: 'crew' },
      });
      const inGroup = await api.GET('/v1/buyers/{buyerID}/users', {
        params: { path: { buyerID: 'acme' }, query: { userGroupID: 'crew' } },
      });
      expect(inGroup.data?.Items.map((u) => u.ID)).toEqual(['ann', 'bob']);

      const removed = await api.DELETE('/v1/buyers/{buyerID}/usergroups/{userGroupID}/assignments/{userID}', {
        params: { path: { buyerID: 'acme', userGroupID: 'crew', userID: 'ann' } },
      });
      expect(removed.response.status).toBe(204);
      const again = await api.DELETE('/v1/buyers/{buyerID}/usergroups/{userGroupID}/assignments/{userID}', {
        params: { path: { buyerID: 'acme', userGroupID: 'crew', userID: 'ann' } },
      });
      expect(again.response.status).toBe(404);
      expect(await members('acme', { userGroupID: 'crew' })).toEqual([{ UserGroupID: 'crew', UserID: 'bob' }]);

      await api.DELETE('/v1/buyers/{buyerID}/users/{userID}', { params: { path: { buyerID: 'acme', userID: 'bob' } } });
      expect(await members('acme', { userGroupID: 'crew' })).toEqual([]);
    });

    test('roles: UserGroupReader reads, only UserGroupAdmin writes', async () => {
      await api.PUT('/v1/buyers/{buyerID}/usergroups/{userGroupID}', {
        ...group('acme', 'guarded'),
        body: { Name: 'Guarded' },
      });
      const reader = t.as(await tokenWithRoles(t, ['UserGroupReader']));
      expect(
        (await reader.GET('/v1/buyers/{buyerID}/usergroups', { params: { path: { buyerID: 'acme' } } })).response
          .status,
      ).toBe(200);
      expect(
        (await reader.GET('/v1/buyers/{buyerID}/usergroups/assignments', { params: { path: { buyerID: 'acme' } } }))
          .response.status,
      ).toBe(200);
      const writes = [
        await reader.PATCH('/v1/buyers/{buyerID}/usergroups/{userGroupID}', {
          ...group('acme', 'guarded'),
          body: { Name: 'X' },
        }),
        await reader.DELETE('/v1/buyers/{buyerID}/usergroups/{userGroupID}', group('acme', 'guarded')),
        await reader.POST('/v1/buyers/{buyerID}/usergroups/assignments', {
          params: { path: { buyerID: 'acme' } },
          body: { UserGroupID: 'guarded', UserID: 'ann' },
        }),
      ];
      for (const res of writes) expect(res.error?.Errors[0]?.ErrorCode).toBe('InsufficientRoles');
      expect(
        (await api.GET('/v1/buyers/{buyerID}/usergroups/{userGroupID}', group('acme', 'guarded'))).data?.Name,
      ).toBe('Guarded');
      expect(await members('acme', { userGroupID: 'guarded' })).toEqual([]);
      const admin = t.as(await tokenWithRoles(t, ['UserGroupAdmin']));
      expect(
        (
          await admin.PATCH('/v1/buyers/{buyerID}/usergroups/{userGroupID}', {
            ...group('acme', 'guarded'),
            body: { Name: 'Y' },
          })
        ).response.status,
      ).toBe(200);
    });
  });
}
