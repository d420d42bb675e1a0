import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DIALECTS } from '../support/dialects.js';
import { createBuyer, createUser, STRONG_PASSWORD, tokenWithRoles } from '../support/fixtures.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: users`, () => {
    let t: TestApp;
    let api: TestApp['client'];
    const user = (buyerID: string, userID: string) => ({ params: { path: { buyerID, userID } } });
    beforeAll(async () => {
      t = await startTestApp({ dialect });
      api = t.as(await t.adminToken());
      await createBuyer(api, 'acme');
      await createBuyer(api, 'globex');
    });
    afterAll(() => t.close());

    test('creates, reads, replaces, patches and deletes a user; the password never comes back', async () => {
      const created = await api.POST('/v1/buyers/{buyerID}/users', {
        params: { path: { buyerID: 'acme' } },
        body: {
          ID: 'jdoe',
          Username: 'JDoe',
          Password: STRONG_PASSWORD,
          FirstName: 'Jane',
          LastName: 'Doe',
          Email: 'jdoe@example.test',
          Phone: '555',
          TermsAccepted: '2026-01-02T03:04:05Z',
          Active: true,
          xp: { Department: 'Sales', Nested: { a: 1 } },
        },
      });
      expect(created.response.status).toBe(201);
      expect(created.response.headers.get('location')).toBe('/v1/buyers/acme/users/jdoe');
      expect(created.data).toMatchObject({
        ID: 'jdoe',
        CompanyID: 'acme',
        Username: 'JDoe',
        TermsAccepted: '2026-01-02T03:04:05.000Z',
        AvailableRoles: [],
        xp: { Department: 'Sales' },
      });
      expect(created.data).not.toHaveProperty('Password');
      expect(Date.parse(created.data?.PasswordLastSetDate ?? '')).not.toBeNaN();

      const got = await api.GET('/v1/buyers/{buyerID}/users/{userID}', user('acme', 'jdoe'));
      expect(got.data).toEqual(created.data);
      expect(JSON.stringify(got.data)).not.toContain('scrypt');

      const patched = await api.PATCH('/v1/buyers/{buyerID}/users/{userID}', {
        ...user('acme', 'jdoe'),
        body: { LastName: 'Doe-Smith', xp: { Nested: { b: 2 } } },
      });
      expect(patched.response.status).toBe(200);
      expect(patched.data).toMatchObject({
        FirstName: 'Jane',
        LastName: 'Doe-Smith',
        Phone: '555',
        xp: { Department: 'Sales', Nested: { a: 1, b: 2 } },
      });

      const replaced = await api.PUT('/v1/buyers/{buyerID}/users/{userID}', {
        ...user('acme', 'jdoe'),
        body: {
          Username: 'JDoe',
          FirstName: 'J',
          LastName: 'D',
          Email: 'j@example.test',
          Active: false,
          xp: { Only: 1 },
        },
      });
      expect(replaced.response.status).toBe(200);
      expect(replaced.data).toMatchObject({ Active: false, Phone: null, TermsAccepted: null, xp: { Only: 1 } });
      expect(replaced.data?.DateCreated).toBe(created.data?.DateCreated);
      // The password survives a PUT without one.
      expect(replaced.data?.PasswordLastSetDate).toBe(created.data?.PasswordLastSetDate);

      const deleted = await api.DELETE('/v1/buyers/{buyerID}/users/{userID}', user('acme', 'jdoe'));
      expect(deleted.response.status).toBe(204);
      const gone = await api.GET('/v1/buyers/{buyerID}/users/{userID}', user('acme', 'jdoe'));
      expect(gone.response.status).toBe(404);
      expect(gone.error?.Errors[0]).toEqual({
        ErrorCode: 'NotFound',
        Message: 'Object not found.',
        Data: { ObjectType: 'User', ObjectID: 'jdoe' },
      });
      const again = await api.DELETE('/v1/buyers/{buyerID}/users/{userID}', user('acme', 'jdoe'));
      expect(again.response.status).toBe(404);
    });

    test('PUT creates a missing user, POST generates an ID, PATCH renames', async () => {
      const put = await api.PUT('/v1/buyers/{buyerID}/users/{userID}', {
        ...user('acme', 'put-made'),
        body: { Username: 'put-made', FirstName: 'P', LastName: 'M', Email: 'p@example.test', Active: true },
      });
      expect(put.response.status).toBe(200);
      expect(put.data).toMatchObject({ ID: 'put-made', PasswordLastSetDate: null });
      const generated = await api.POST('/v1/buyers/{buyerID}/users', {
        params: { path: { buyerID: 'acme' } },
        body: { Username: 'no-id', FirstName: 'N', LastName: 'I', Email: 'n@example.test', Active: true },
      });
      expect(generated.data?.ID).toMatch(/^[A-Za-z0-9_-]{22}$/);
      const renamed = await api.PATCH('/v1/buyers/{buyerID}/users/{userID}', {
        ...user('acme', 'put-made'),
        body: { ID: 'renamed' },
      });
      expect(renamed.data?.ID).toBe('renamed');
      expect((await api.GET('/v1/buyers/{buyerID}/users/{userID}', user('acme', 'put-made'))).response.status).toBe(
        404,
      );
    });

    test('usernames are unique across buyers, case-insensitively: 409 and nothing changes', async () => {
      await createUser(api, 'acme', { ID: 'first', Username: 'Taken.Name' });
      const clash = await api.POST('/v1/buyers/{buyerID}/users', {
        params: { path: { buyerID: 'globex' } },
        body: { ID: 'second', Username: 'taken.name', FirstName: 'a', LastName: 'b', Email: 'c', Active: true },
      });
      expect(clash.response.status).toBe(409);
      expect(clash.error?.Errors[0]).toMatchObject({
        ErrorCode: 'User.UsernameMustBeUnique',
        Data: { Username: 'taken.name' },
      });
      expect((await api.GET('/v1/buyers/{buyerID}/users/{userID}', user('globex', 'second'))).response.status).toBe(
        404,
      );

      await createUser(api, 'acme', { ID: 'other', Username: 'other.name' });
      const patchClash = await api.PATCH('/v1/buyers/{buyerID}/users/{userID}', {
        ...user('acme', 'other'),
        body: { Username: 'TAKEN.NAME', FirstName: 'Changed' },
      });
      expect(patchClash.response.status).toBe(409);
      const unchanged = await api.GET('/v1/buyers/{buyerID}/users/{userID}', user('acme', 'other'));
      expect(unchanged.data).toMatchObject({ Username: 'other.name', FirstName: 'First' });

      const idClash = await api.POST('/v1/buyers/{buyerID}/users', {
        params: { path: { buyerID: 'acme' } },
        body: { ID: 'first', Username: 'fresh', FirstName: 'a', LastName: 'b', Email: 'c', Active: true },
      });
      expect(idClash.response.status).toBe(409);
      expect(idClash.error?.Errors[0]).toMatchObject({
        ErrorCode: 'IdExists',
        Data: { ObjectType: 'User', ObjectID: 'first' },
      });
      // The same ID in another buyer is fine.
      await createUser(api, 'globex', { ID: 'first' });
    });

    test('a weak password is 400 naming the rule, and the user is not created', async () => {
      const cases: Array<[string, string]> = [
        ['Short1a', 'MinimumCharacterCount'],
        ['alllowercase123', 'UpperCaseRequired'],
        ['ALLUPPERCASE123', 'LowerCaseRequired'],
        ['NoDigitsAtAllHere', 'NumericRequired'],
      ];
      for (const [password, rule] of cases) {
        const res = await api.POST('/v1/buyers/{buyerID}/users', {
          params: { path: { buyerID: 'acme' } },
          body: {
            ID: 'weak',
            Username: 'weak',
            Password: password,
            FirstName: 'a',
            LastName: 'b',
            Email: 'c',
            Active: true,
          },
        });
        expect(res.response.status, password).toBe(400);
        expect(res.error?.Errors[0], password).toMatchObject({
          ErrorCode: 'PasswordReset.InsecurePassword',
          Data: { Property: 'Password', Rule: rule },
        });
      }
      expect((await api.GET('/v1/buyers/{buyerID}/users/{userID}', user('acme', 'weak'))).response.status).toBe(404);
      await createUser(api, 'acme', { ID: 'strong' });
      const weakPatch = await api.PATCH('/v1/buyers/{buyerID}/users/{userID}', {
        ...user('acme', 'strong'),
        body: { Password: 'weak', FirstName: 'Changed' },
      });
      expect(weakPatch.response.status).toBe(400);
      const after = await api.GET('/v1/buyers/{buyerID}/users/{userID}', user('acme', 'strong'));
      expect(after.data).toMatchObject({ FirstName: 'First', PasswordLastSetDate: null });
    });

    test('invalid bodies and unknown buyers are rejected', async () => {
      const base = { Username: 'u-invalid', FirstName: 'a', LastName: 'b', Email: 'c', Active: true };
      const cases: Array<[string, unknown, string]> = [
        ['missing Username', { ...base, Username: undefined }, 'Username'],
        ['Username too long', { ...base, Username: 'x'.repeat(101) }, 'Username'],
        ['Email too long', { ...base, Email: 'x'.repeat(201) }, 'Email'],
        ['ID with a dot', { ...base, ID: 'a.b' }, 'ID'],
        ['TermsAccepted not a date', { ...base, TermsAccepted: 'yesterday' }, 'TermsAccepted'],
        ['xp over 8000 bytes', { ...base, xp: { blob: 'x'.repeat(8001) } }, 'xp'],
      ];
      for (const [name, body, property] of cases) {
        const res = await api.POST('/v1/buyers/{buyerID}/users', {
          params: { path: { buyerID: 'acme' } },
          body: body as never,
        });
        expect(res.response.status, name).toBe(400);
        expect(res.error?.Errors[0]?.Data, name).toMatchObject({ Property: property });
      }
      const list = await api.GET('/v1/buyers/{buyerID}/users', {
        params: { path: { buyerID: 'acme' }, query: { Username: 'u-invalid' } as never },
      });
      expect(list.data?.Meta.TotalCount).toBe(0);
      const noBuyer = await api.POST('/v1/buyers/{buyerID}/users', {
        params: { path: { buyerID: 'nobody' } },
        body: base,
      });
      expect(noBuyer.response.status).toBe(404);
      expect(noBuyer.error?.Errors[0]?.Data).toEqual({ ObjectType: 'Buyer', ObjectID: 'nobody' });
      const noBuyerList = await api.GET('/v1/buyers/{buyerID}/users', { params: { path: { buyerID: 'nobody' } } });
      expect(noBuyerList.response.status).toBe(404);
    });

    test('moveto moves the user without its memberships and user-level assignments', async () => {
      await createBuyer(api, 'move-from');
      await createBuyer(api, 'move-to');
      await createUser(api, 'move-from', { ID: 'mover', xp: { Keep: true } });
      await api.POST('/v1/buyers/{buyerID}/usergroups', {
        params: { path: { buyerID: 'move-from' } },
        body: { ID: 'g', Name: 'G' },
      });
      await api.POST('/v1/buyers/{buyerID}/usergroups/assignments', {
        params: { path: { buyerID: 'move-from' } },
        body: { UserGroupID: 'g', UserID: 'mover' },
      });
      await api.POST('/v1/securityprofiles', { body: { ID: 'mover-profile', Name: 'P', Roles: ['Shopper'] } });
      await api.POST('/v1/securityprofiles/assignments', {
        body: { SecurityProfileID: 'mover-profile', BuyerID: 'move-from', UserID: 'mover' },
      });
      const before = await api.GET('/v1/buyers/{buyerID}/users/{userID}', user('move-from', 'mover'));
      expect(before.data?.AvailableRoles).toEqual(['Shopper']);

      const missingOrders = await fetch(`${t.url}/v1/buyers/move-from/users/mover/moveto/move-to`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await t.adminToken()}`, 'Content-Type': 'application/json' },
      });
      expect(missingOrders.status).toBe(400);
      const badOrders = await fetch(`${t.url}/v1/buyers/move-from/users/mover/moveto/move-to?orders=Some`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await t.adminToken()}`, 'Content-Type': 'application/json' },
      });
      expect(badOrders.status).toBe(400);
      const unknownBuyer = await api.POST('/v1/buyers/{buyerID}/users/{userID}/moveto/{newBuyerID}', {
        params: { path: { buyerID: 'move-from', userID: 'mover', newBuyerID: 'nowhere' }, query: { orders: 'None' } },
      });
      expect(unknownBuyer.response.status).toBe(404);
      expect(unknownBuyer.error?.Errors[0]?.Data).toEqual({ ObjectType: 'Buyer', ObjectID: 'nowhere' });

      // As the official SDK sends it: JSON content type, no body.
      const moved = await fetch(`${t.url}/v1/buyers/move-from/users/mover/moveto/move-to?orders=All`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${await t.adminToken()}`, 'Content-Type': 'application/json' },
      });
      expect(moved.status).toBe(201);
      expect(await moved.json()).toMatchObject({
        ID: 'mover',
        CompanyID: 'move-to',
        xp: { Keep: true },
        AvailableRoles: [],
      });
      expect((await api.GET('/v1/buyers/{buyerID}/users/{userID}', user('move-from', 'mover'))).response.status).toBe(
        404,
      );
      const members = await api.GET('/v1/buyers/{buyerID}/usergroups/assignments', {
        params: { path: { buyerID: 'move-from' } },
      });
      expect(members.data?.Items).toEqual([]);
      const assignments = await api.GET('/v1/securityprofiles/assignments', {
        params: { query: { securityProfileID: 'mover-profile' } },
      });
      expect(assignments.data?.Items).toEqual([]);

      await createUser(api, 'move-from', { ID: 'mover', Username: 'mover-twin' });
      const clash = await api.POST('/v1/buyers/{buyerID}/users/{userID}/moveto/{newBuyerID}', {
        params: { path: { buyerID: 'move-from', userID: 'mover', newBuyerID: 'move-to' }, query: { orders: 'None' } },
      });
      expect(clash.response.status).toBe(409);
      expect(clash.error?.Errors[0]?.ErrorCode).toBe('IdExists');
      expect((await api.GET('/v1/buyers/{buyerID}/users/{userID}', user('move-from', 'mover'))).response.status).toBe(
        200,
      );
    });

    test('roles: readers read, only admins write', async () => {
      await createUser(api, 'acme', { ID: 'role-target' });
      const reader = t.as(await tokenWithRoles(t, ['BuyerUserReader']));
      expect(
        (await reader.GET('/v1/buyers/{buyerID}/users', { params: { path: { buyerID: 'acme' } } })).response.status,
      ).toBe(200);
      expect(
        (await reader.GET('/v1/buyers/{buyerID}/users/{userID}', user('acme', 'role-target'))).response.status,
      ).toBe(200);
      const writes = [
        await reader.POST('/v1/buyers/{buyerID}/users', {
          params: { path: { buyerID: 'acme' } },
          body: { ID: 'by-reader', Username: 'by-reader', FirstName: 'a', LastName: 'b', Email: 'c', Active: true },
        }),
        await reader.PATCH('/v1/buyers/{buyerID}/users/{userID}', {
          ...user('acme', 'role-target'),
          body: { FirstName: 'X' },
        }),
        await reader.DELETE('/v1/buyers/{buyerID}/users/{userID}', user('acme', 'role-target')),
        await reader.POST('/v1/buyers/{buyerID}/users/{userID}/moveto/{newBuyerID}', {
          params: { path: { buyerID: 'acme', userID: 'role-target', newBuyerID: 'globex' }, query: { orders: 'None' } },
        }),
      ];
      for (const res of writes) {
        expect(res.response.status).toBe(403);
        expect(res.error?.Errors[0]?.ErrorCode).toBe('InsufficientRoles');
      }
      const after = await api.GET('/v1/buyers/{buyerID}/users/{userID}', user('acme', 'role-target'));
      expect(after.data).toMatchObject({ CompanyID: 'acme', FirstName: 'First' });

      const admin = t.as(await tokenWithRoles(t, ['BuyerUserAdmin']));
      const byAdmin = await admin.PATCH('/v1/buyers/{buyerID}/users/{userID}', {
        ...user('acme', 'role-target'),
        body: { FirstName: 'Y' },
      });
      expect(byAdmin.response.status).toBe(200);
      const other = t.as(await tokenWithRoles(t, ['BuyerReader']));
      expect(
        (await other.GET('/v1/buyers/{buyerID}/users', { params: { path: { buyerID: 'acme' } } })).response.status,
      ).toBe(403);
    });
  });
}
