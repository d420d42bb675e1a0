import { startTestApp, type TestApp } from '@usher/server/testing';
import {
  ApiClients,
  Buyers,
  Configuration,
  type OrderCloudError,
  SecurityProfiles,
  Tokens,
  type User,
  UserGroups,
  Users,
} from 'ordercloud-javascript-sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

// The official ordercloud-javascript-sdk (v12), unchanged, pointed at a real Usher server.

/** The OrderCloudError a rejected SDK call throws (a TypeError inside the SDK would fail these checks). */
async function sdkError(call: Promise<unknown>): Promise<OrderCloudError> {
  try {
    await call;
  } catch (error) {
    expect((error as { isOrderCloudError?: boolean }).isOrderCloudError).toBe(true);
    return error as OrderCloudError;
  }
  throw new Error('expected the call to fail');
}

/** Users.Create with the required fields filled in from the ID; `fields` override them. */
const createUser = (buyerID: string, ID: string, fields: Partial<User> = {}) =>
  Users.Create(buyerID, {
    ID,
    Username: ID,
    FirstName: ID,
    LastName: ID,
    Email: `${ID}@example.test`,
    Active: true,
    ...fields,
  });

/** `DIALECTS=sqlite,postgres` runs the suite on both, as the server's own tests do. */
const DIALECTS = (process.env['DIALECTS'] ?? 'sqlite')
  .split(',')
  .map((name) => name.trim())
  .filter((name): name is 'sqlite' | 'postgres' => name === 'sqlite' || name === 'postgres');

for (const dialect of DIALECTS)
  describe(`${dialect}: ordercloud-javascript-sdk against Usher`, () => {
    let t: TestApp;
    beforeAll(async () => {
      // The SDK's configuration and token are module-level singletons; suites run one after the other.
      t = await startTestApp({ dialect });
      Configuration.Set({ baseApiUrl: t.url });
      Tokens.SetAccessToken(await t.adminToken());
      await Buyers.Create({ ID: 'acme', Name: 'Acme', Active: true });
      await Buyers.Create({ ID: 'globex', Name: 'Globex', Active: true });
    });
    afterAll(() => t.close());

    test('Buyers: create, get, list with filters, patch, save, delete', async () => {
      const created = await Buyers.Create({ ID: 'sdk-buyer', Name: 'SDK Buyer', Active: true, xp: { Tier: 1 } });
      expect(created).toMatchObject({ ID: 'sdk-buyer', Name: 'SDK Buyer', xp: { Tier: 1 } });
      expect(await Buyers.Get('sdk-buyer')).toMatchObject({ ID: 'sdk-buyer' });
      const list = await Buyers.List({ filters: { ID: 'sdk-*', 'xp.Tier': '>0' }, sortBy: ['!Name'] });
      expect(list.Items?.map((b) => b.ID)).toEqual(['sdk-buyer']);
      expect(list.Meta).toMatchObject({ Page: 1, TotalCount: 1, ItemRange: [1, 1] });
      expect(await Buyers.Patch('sdk-buyer', { Name: 'Patched' })).toMatchObject({ Name: 'Patched', xp: { Tier: 1 } });
      expect(await Buyers.Save('sdk-buyer', { Name: 'Saved', Active: false })).toMatchObject({
        Name: 'Saved',
        Active: false,
      });
      await Buyers.Delete('sdk-buyer');
      expect((await sdkError(Buyers.Get('sdk-buyer'))).errorCode).toBe('NotFound');
    });

    test('Users: create, get, list with filters, search, sort and paging, save, patch, delete', async () => {
      const people: Array<[string, string, string, number]> = [
        ['ann', 'Ann', 'Smith', 1],
        ['bob', 'Bob', 'Smith', 2],
        ['cleo', 'Cleo', 'Jones', 3],
      ];
      for (const [ID, FirstName, LastName, Level] of people) {
        const created = await Users.Create('acme', {
          ID,
          Username: `${ID}@acme.test`,
          Password: 'Correct-Horse-42',
          FirstName,
          LastName,
          Email: `${ID}@acme.test`,
          Active: true,
          xp: { Level, Team: { Name: Level > 1 ? 'B' : 'A' } },
        });
        expect(created).toMatchObject({ ID, CompanyID: 'acme', AvailableRoles: [] });
        expect(created).not.toHaveProperty('Password');
      }
      expect(await Users.Get('acme', 'ann')).toMatchObject({ FirstName: 'Ann', xp: { Level: 1 } });

      const all = await Users.List('acme');
      expect(all.Items?.map((u) => u.ID)).toEqual(['cleo', 'ann', 'bob']);
      const filtered = await Users.List('acme', { filters: { LastName: 'Smith', 'xp.Level': ['>1', '<3'] } });
      expect(filtered.Items?.map((u) => u.ID)).toEqual(['bob']);
      const orFilter = await Users.List('acme', { filters: { FirstName: 'Ann|Cle*', 'xp.Team.Name': 'A|B' } });
      expect(orFilter.Items?.map((u) => u.ID)).toEqual(['cleo', 'ann']);
      // The SDK flattens nested filter objects to dot paths (its types only allow the flat form).
      const nested = await Users.List('acme', { filters: { xp: { Team: { Name: 'B' } } } as never });
      expect(nested.Items?.map((u) => u.ID)).toEqual(['cleo', 'bob']);
      const negated = await Users.List('acme', { filters: { LastName: '!Smith', Active: true } });
      expect(negated.Items?.map((u) => u.ID)).toEqual(['cleo']);
      const searched = await Users.List('acme', { search: 'SMI', searchOn: ['LastName', 'FirstName'] });
      expect(searched.Items?.map((u) => u.ID)).toEqual(['ann', 'bob']);
      const sorted = await Users.List('acme', { sortBy: ['!FirstName'], page: 2, pageSize: 2 });
      expect(sorted.Items?.map((u) => u.ID)).toEqual(['ann']);
      expect(sorted.Meta).toMatchObject({ Page: 2, PageSize: 2, TotalCount: 3, TotalPages: 2, ItemRange: [3, 3] });
      const afterLastId = await Users.List('acme', { sortBy: ['ID'], filters: { ID: '>ann' } });
      expect(afterLastId.Items?.map((u) => u.ID)).toEqual(['bob', 'cleo']);

      const saved = await Users.Save('acme', 'cleo', {
        Username: 'cleo@acme.test',
        FirstName: 'Cleo',
        LastName: 'Jones-Smith',
        Email: 'cleo@acme.test',
        Active: true,
      });
      expect(saved).toMatchObject({ LastName: 'Jones-Smith', xp: null });
      const patched = await Users.Patch('acme', 'ann', { xp: { Team: { Lead: true } } });
      expect(patched.xp).toEqual({ Level: 1, Team: { Name: 'A', Lead: true } });
      await Users.Delete('acme', 'cleo');
      expect((await sdkError(Users.Get('acme', 'cleo'))).status).toBe(404);
    });

    test('Users.Move moves the user to another buyer', async () => {
      await createUser('acme', 'mover');
      const moved = await Users.Move('acme', 'mover', 'globex', { orders: 'All' });
      expect(moved).toMatchObject({ ID: 'mover', CompanyID: 'globex' });
      expect(await Users.Get('globex', 'mover')).toMatchObject({ ID: 'mover' });
      const unknown = await sdkError(Users.Move('globex', 'mover', 'nowhere', { orders: 'None' }));
      expect(unknown.errorCode).toBe('NotFound');
      expect(unknown.message).toBe('Buyer nowhere not found');
    });

    test('UserGroups and their assignments', async () => {
      await createUser('acme', 'member');
      expect(await UserGroups.Create('acme', { ID: 'sales', Name: 'Sales', xp: { Region: 'EU' } })).toMatchObject({
        ID: 'sales',
      });
      expect(await UserGroups.Get('acme', 'sales')).toMatchObject({ Name: 'Sales' });
      expect((await UserGroups.List('acme', { filters: { 'xp.Region': 'EU' } })).Items?.map((g) => g.ID)).toEqual([
        'sales',
      ]);
      expect(await UserGroups.Patch('acme', 'sales', { Description: 'Sellers' })).toMatchObject({
        Description: 'Sellers',
      });
      expect(await UserGroups.Save('acme', 'sales', { Name: 'Sales EMEA' })).toMatchObject({ Name: 'Sales EMEA' });
      await UserGroups.SaveUserAssignment('acme', { UserGroupID: 'sales', UserID: 'member' });
      const assignments = await UserGroups.ListUserAssignments('acme', { userGroupID: 'sales' });
      expect(assignments.Items).toEqual([{ UserGroupID: 'sales', UserID: 'member' }]);
      expect((await Users.List('acme', { userGroupID: 'sales' })).Items?.map((u) => u.ID)).toEqual(['member']);
      await UserGroups.DeleteUserAssignment('acme', 'sales', 'member');
      expect((await UserGroups.ListUserAssignments('acme', { userID: 'member' })).Items).toEqual([]);
      await UserGroups.Delete('acme', 'sales');
      expect((await sdkError(UserGroups.Get('acme', 'sales'))).message).toBe('UserGroup sales not found');
    });

    test('SecurityProfiles and their assignments make up AvailableRoles', async () => {
      await createUser('acme', 'roled');
      const profile = await SecurityProfiles.Create({
        ID: 'shopper',
        Name: 'Shopper',
        Roles: ['Shopper'],
        CustomRoles: ['CanOrder'],
      });
      expect(profile).toMatchObject({ ID: 'shopper', Roles: ['Shopper'], CustomRoles: ['CanOrder'] });
      expect(await SecurityProfiles.Get('shopper')).toMatchObject({ Name: 'Shopper' });
      expect((await SecurityProfiles.List({ search: 'shop' })).Items?.map((p) => p.ID)).toEqual(['shopper']);
      expect(await SecurityProfiles.Patch('shopper', { Roles: ['Shopper', 'MeAdmin'] })).toMatchObject({
        Roles: ['Shopper', 'MeAdmin'],
      });
      expect(
        await SecurityProfiles.Save('shopper', {
          Name: 'Shopper',
          Roles: ['Shopper', 'MeAdmin'],
          CustomRoles: ['CanOrder'],
        }),
      ).toMatchObject({ CustomRoles: ['CanOrder'] });
      await SecurityProfiles.SaveAssignment({ SecurityProfileID: 'shopper', BuyerID: 'acme', UserID: 'roled' });
      expect((await Users.Get('acme', 'roled')).AvailableRoles).toEqual(['CanOrder', 'MeAdmin', 'Shopper']);
      const assignments = await SecurityProfiles.ListAssignments({ buyerID: 'acme', userID: 'roled' });
      expect(assignments.Items).toEqual([
        { SecurityProfileID: 'shopper', BuyerID: 'acme', UserGroupID: null, UserID: 'roled' },
      ]);
      await SecurityProfiles.DeleteAssignment('shopper', { buyerID: 'acme', userID: 'roled' });
      expect((await Users.Get('acme', 'roled')).AvailableRoles).toEqual([]);
      await SecurityProfiles.Delete('shopper');
      expect((await sdkError(SecurityProfiles.Get('shopper'))).errorCode).toBe('NotFound');
    });

    test('errors surface as OrderCloudError with the right errorCode', async () => {
      const notFound = await sdkError(Users.Get('acme', 'nobody'));
      expect(notFound).toMatchObject({ status: 404, errorCode: 'NotFound', message: 'User nobody not found' });

      const badFilter = await sdkError(Users.List('acme', { filters: { Nope: 'x' } }));
      expect(badFilter).toMatchObject({ status: 400, errorCode: 'List.InvalidProperty' });
      const badSort = await sdkError(Users.List('acme', { sortBy: ['Phone'] as never }));
      expect(badSort.errorCode).toBe('List.InvalidSortProperty');
      const weak = await sdkError(createUser('acme', 'weak', { Password: 'weak' }));
      expect(weak).toMatchObject({ status: 400, errorCode: 'PasswordReset.InsecurePassword' });

      await createUser('acme', 'taken', { Username: 'Taken' });
      const duplicate = await sdkError(createUser('globex', 'taken', { Username: 'taken' }));
      expect(duplicate).toMatchObject({ status: 409, errorCode: 'User.UsernameMustBeUnique' });

      const secret = 'a-long-enough-client-secret-123';
      await ApiClients.Create({
        ID: 'reader-only',
        AppName: 'Reader',
        ClientSecret: secret,
        Roles: ['BuyerReader'],
      } as never);
      const readerToken = await t.token('reader-only', secret);
      const forbidden = await sdkError(Users.List('acme', {}, { accessToken: readerToken }));
      expect(forbidden).toMatchObject({ status: 403, errorCode: 'InsufficientRoles' });
      expect((await Buyers.List({}, { accessToken: readerToken })).Items?.length).toBeGreaterThan(0);
    });
  });
