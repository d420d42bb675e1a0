import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { createTwoBuyersWithUsers, tokenWithRoles } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: security profiles`, () => {
    let t: TestApp;
    let api: TestApp['client'];
    const profile = (securityProfileID: string) => ({ params: { path: { securityProfileID } } });
    const rolesOf = async (buyerID: string, userID: string) =>
      (await api.GET('/v1/buyers/{buyerID}/users/{userID}', { params: { path: { buyerID, userID } } })).data
        ?.AvailableRoles;
    beforeAll(async () => {
      t = await startTestApp({ dialect });
      api = t.as(await t.adminToken());
      await createTwoBuyersWithUsers(api);
      await api.POST('/v1/buyers/{buyerID}/usergroups', {
        params: { path: { buyerID: 'acme' } },
        body: { ID: 'buyers', Name: 'B' },
      });
      await api.POST('/v1/buyers/{buyerID}/usergroups/assignments', {
        params: { path: { buyerID: 'acme' } },
        body: { UserGroupID: 'buyers', UserID: 'ann' },
      });
    });
    afterAll(() => t.close());

    test('creates, reads, lists, replaces, patches and deletes a profile', async () => {
      const created = await api.POST('/v1/securityprofiles', {
        body: { ID: 'shopper', Name: 'Shopper', Roles: ['Shopper', 'MeAdmin'], CustomRoles: ['CanApprove'] },
      });
      expect(created.response.status).toBe(201);
      expect(created.response.headers.get('location')).toBe('/v1/securityprofiles/shopper');
      expect(created.data).toEqual({
        ID: 'shopper',
        Name: 'Shopper',
        Roles: ['Shopper', 'MeAdmin'],
        CustomRoles: ['CanApprove'],
      });
      expect((await api.GET('/v1/securityprofiles/{securityProfileID}', profile('shopper'))).data).toEqual(
        created.data,
      );
      const patched = await api.PATCH('/v1/securityprofiles/{securityProfileID}', {
        ...profile('shopper'),
        body: { CustomRoles: [] },
      });
      expect(patched.data).toEqual({ ID: 'shopper', Name: 'Shopper', Roles: ['Shopper', 'MeAdmin'], CustomRoles: [] });
      const replaced = await api.PUT('/v1/securityprofiles/{securityProfileID}', {
        ...profile('shopper'),
        body: { Name: 'Basic' },
      });
      expect(replaced.data).toEqual({ ID: 'shopper', Name: 'Basic', Roles: [], CustomRoles: [] });
      await api.POST('/v1/securityprofiles', { body: { ID: 'admin', Name: 'Admin', Roles: ['FullAccess'] } });
      const list = await api.GET('/v1/securityprofiles', { params: { query: { search: 'adm' } } });
      expect(list.data?.Items.map((p) => p.ID)).toEqual(['admin']);
      const notARole = await api.POST('/v1/securityprofiles', { body: { ID: 'bad', Name: 'Bad', Roles: ['MadeUp'] } });
      expect(notARole.response.status).toBe(400);
      expect(notARole.error?.Errors[0]?.Data).toMatchObject({ Property: 'Roles' });
      expect((await api.GET('/v1/securityprofiles/{securityProfileID}', profile('bad'))).response.status).toBe(404);
      expect((await api.POST('/v1/securityprofiles', { body: { ID: 'admin', Name: 'Again' } })).response.status).toBe(
        409,
      );
      expect((await api.DELETE('/v1/securityprofiles/{securityProfileID}', profile('admin'))).response.status).toBe(
        204,
      );
      expect((await api.DELETE('/v1/securityprofiles/{securityProfileID}', profile('admin'))).response.status).toBe(
        404,
      );
    });

    test('AvailableRoles is the union over buyer, group and user assignments, always current', async () => {
      await api.PUT('/v1/securityprofiles/{securityProfileID}', {
        ...profile('p-buyer'),
        body: { Name: 'B', Roles: ['Shopper'] },
      });
      await api.PUT('/v1/securityprofiles/{securityProfileID}', {
        ...profile('p-group'),
        body: { Name: 'G', Roles: ['MeAdmin', 'Shopper'], CustomRoles: ['Approver'] },
      });
      await api.PUT('/v1/securityprofiles/{securityProfileID}', {
        ...profile('p-user'),
        body: { Name: 'U', Roles: ['MeXpAdmin'] },
      });
      const assign = (body: { SecurityProfileID: string; BuyerID: string; UserGroupID?: string; UserID?: string }) =>
        api.POST('/v1/securityprofiles/assignments', { body });
      expect((await assign({ SecurityProfileID: 'p-buyer', BuyerID: 'acme' })).response.status).toBe(204);
      expect((await assign({ SecurityProfileID: 'p-buyer', BuyerID: 'acme' })).response.status).toBe(204);
      expect(
        (await assign({ SecurityProfileID: 'p-group', BuyerID: 'acme', UserGroupID: 'buyers' })).response.status,
      ).toBe(204);
      expect((await assign({ SecurityProfileID: 'p-user', BuyerID: 'acme', UserID: 'bob' })).response.status).toBe(204);
      expect(await rolesOf('acme', 'ann')).toEqual(['Approver', 'MeAdmin', 'Shopper']);
      expect(await rolesOf('acme', 'bob')).toEqual(['MeXpAdmin', 'Shopper']);
      expect(await rolesOf('globex', 'gus')).toEqual([]);

      const list = await api.GET('/v1/securityprofiles/assignments', { params: { query: { buyerID: 'acme' } } });
      expect(list.data?.Items).toEqual([
        { SecurityProfileID: 'p-buyer', BuyerID: 'acme', UserGroupID: null, UserID: null },
        { SecurityProfileID: 'p-group', BuyerID: 'acme', UserGroupID: 'buyers', UserID: null },
        { SecurityProfileID: 'p-user', BuyerID: 'acme', UserGroupID: null, UserID: 'bob' },
      ]);
      const userLevel = await api.GET('/v1/securityprofiles/assignments', { params: { query: { level: 'User' } } });
      expect(userLevel.data?.Items.map((a) => a.UserID)).toEqual(['bob']);

      const unassign = await api.DELETE('/v1/securityprofiles/{securityProfileID}/assignments', {
        params: { path: { securityProfileID: 'p-group' }, query: { buyerID: 'acme', userGroupID: 'buyers' } },
      });
      expect(unassign.response.status).toBe(204);
      expect(await rolesOf('acme', 'ann')).toEqual(['Shopper']);
      const missing = await api.DELETE('/v1/securityprofiles/{securityProfileID}/assignments', {
        params: { path: { securityProfileID: 'p-group' }, query: { buyerID: 'acme', userGroupID: 'buyers' } },
      });
      expect(missing.response.status).toBe(404);

      await api.PATCH('/v1/securityprofiles/{securityProfileID}', {
        ...profile('p-buyer'),
        body: { Roles: ['Shopper', 'MeAdmin'] },
      });
      expect(await rolesOf('acme', 'ann')).toEqual(['MeAdmin', 'Shopper']);
    });

    test('assignments to unknown objects are 404, to both a group and a user 400', async () => {
      await api.PUT('/v1/securityprofiles/{securityProfileID}', { ...profile('p-x'), body: { Name: 'X' } });
      const cases: Array<[Record<string, string>, number, unknown]> = [
        [{ SecurityProfileID: 'nope', BuyerID: 'acme' }, 404, { ObjectType: 'SecurityProfile', ObjectID: 'nope' }],
        [{ SecurityProfileID: 'p-x', BuyerID: 'nope' }, 404, { ObjectType: 'Buyer', ObjectID: 'nope' }],
        [
          { SecurityProfileID: 'p-x', BuyerID: 'acme', UserGroupID: 'nope' },
          404,
          { ObjectType: 'UserGroup', ObjectID: 'nope' },
        ],
        [{ SecurityProfileID: 'p-x', BuyerID: 'acme', UserID: 'gus' }, 404, { ObjectType: 'User', ObjectID: 'gus' }],
        [
          { SecurityProfileID: 'p-x', BuyerID: 'acme', UserID: 'ann', UserGroupID: 'buyers' },
          400,
          { Property: 'UserID' },
        ],
        [{ BuyerID: 'acme' }, 400, { Property: 'SecurityProfileID' }],
      ];
      for (const [body, status, data] of cases) {
        const res = await api.POST('/v1/securityprofiles/assignments', { body: body as never });
        expect(res.response.status, JSON.stringify(body)).toBe(status);
        expect(res.error?.Errors[0]?.Data).toMatchObject(data as object);
      }
      const list = await api.GET('/v1/securityprofiles/assignments', {
        params: { query: { securityProfileID: 'p-x' } },
      });
      expect(list.data?.Items).toEqual([]);
    });

    test('roles: SecurityProfileReader reads, only SecurityProfileAdmin writes', async () => {
      await api.PUT('/v1/securityprofiles/{securityProfileID}', { ...profile('guarded'), body: { Name: 'Guarded' } });
      const reader = t.as(await tokenWithRoles(t, ['SecurityProfileReader']));
      expect((await reader.GET('/v1/securityprofiles')).response.status).toBe(200);
      expect((await reader.GET('/v1/securityprofiles/assignments')).response.status).toBe(200);
      const writes = [
        await reader.PATCH('/v1/securityprofiles/{securityProfileID}', {
          ...profile('guarded'),
          body: { Roles: ['FullAccess'] },
        }),
        await reader.POST('/v1/securityprofiles/assignments', {
          body: { SecurityProfileID: 'guarded', BuyerID: 'acme' },
        }),
        await reader.DELETE('/v1/securityprofiles/{securityProfileID}', profile('guarded')),
      ];
      for (const res of writes) expect(res.error?.Errors[0]?.ErrorCode).toBe('InsufficientRoles');
      expect((await api.GET('/v1/securityprofiles/{securityProfileID}', profile('guarded'))).data?.Roles).toEqual([]);
      const admin = t.as(await tokenWithRoles(t, ['SecurityProfileAdmin']));
      expect(
        (
          await admin.POST('/v1/securityprofiles/assignments', {
            body: { SecurityProfileID: 'guarded', BuyerID: 'acme' },
          })
        ).response.status,
      ).toBe(204);
    });
  });
}
