import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { API_ROLES } from '../../src/auth/roles.js';
import { type SpecOperation, specOperations } from '../../src/spec.js';
import {
  createBuyer,
  createClient,
  createUser,
  passwordGrant,
  startAuthTestApp,
  type TestClient,
  type TestUser,
} from '../support/auth-fixtures.js';
import { snapshotDb } from '../support/db-snapshot.js';
import { DIALECTS } from '../support/dialects.js';
import type { TestApp } from '../support/test-app.js';

// Table-driven over every operation of openapi.yaml, so a new operation is covered without touching this file.

const securedOperations = specOperations().filter(
  (op): op is SpecOperation & { roles: readonly string[] } => op.roles !== null,
);

interface Cast {
  /** The victim buyer, with a user, a group and a client of its own. */
  buyerA: string;
  userA: TestUser;
  groupA: string;
  /** The attacker's buyer and its FullAccess buyer user. */
  buyerB: string;
  attacker: TestUser;
  profile: string;
  client: TestClient;
}

/** Path parameters of the operation filled with the victim's real IDs, so only the authorization rule can stop it. */
function pathFor(op: SpecOperation, cast: Cast): string {
  const values: Record<string, string> = {
    buyerID: cast.buyerA,
    userID: cast.userA.id,
    userGroupID: cast.groupA,
    securityProfileID: cast.profile,
    apiClientID: cast.client.id,
    newBuyerID: cast.buyerB,
  };
  return op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeURIComponent(values[name] ?? name));
}

/** Query strings that make each operation valid (required parameters), aimed at the victim buyer. */
function queryFor(op: SpecOperation, cast: Cast): string {
  if (op.operationId === 'moveUser') return '?orders=None';
  if (op.operationId === 'deleteSecurityProfileAssignment') return `?buyerID=${cast.buyerA}`;
  return '';
}

/** Valid bodies: were the rule missing, each of these would change the victim's data (or escalate the attacker). */
function bodyFor(op: SpecOperation, cast: Cast): unknown {
  const newUser = {
    ID: 'planted',
    Username: 'planted',
    FirstName: 'P',
    LastName: 'P',
    Email: 'p@x.test',
    Active: true,
  };
  const bodies: Record<string, unknown> = {
    createBuyer: { ID: 'planted', Name: 'Planted' },
    saveBuyer: { Name: 'Renamed' },
    patchBuyer: { Name: 'Renamed' },
    createApiClient: { ID: 'planted', AppName: 'Planted', Roles: ['FullAccess'] },
    saveApiClient: { AppName: 'Renamed', Roles: ['FullAccess'] },
    patchApiClient: { AppName: 'Renamed' },
    createUser: newUser,
    saveUser: { ...newUser, ID: cast.userA.id, Username: cast.userA.username, FirstName: 'Renamed' },
    patchUser: { FirstName: 'Renamed', Password: 'Attacker-Pass-42' },
    createUserGroup: { ID: 'planted', Name: 'Planted' },
    saveUserGroup: { Name: 'Renamed' },
    patchUserGroup: { Name: 'Renamed' },
    saveUserGroupAssignment: { UserGroupID: cast.groupA, UserID: cast.userA.id },
    createSecurityProfile: { ID: 'planted', Name: 'Planted', Roles: ['FullAccess'] },
    saveSecurityProfile: { Name: 'Renamed', Roles: ['FullAccess'] },
    patchSecurityProfile: { Name: 'Renamed' },
    saveSecurityProfileAssignment: { SecurityProfileID: cast.profile, BuyerID: cast.buyerB },
    createUserAccessToken: { ClientID: cast.client.id, Roles: ['FullAccess'] },
  };
  return bodies[op.operationId];
}

async function call(t: TestApp, op: SpecOperation, cast: Cast, token: string) {
  const body = bodyFor(op, cast);
  const response = await fetch(`${t.url}${pathFor(op, cast)}${queryFor(op, cast)}`, {
    method: op.method.toUpperCase(),
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await response.json()) as { Errors?: Array<{ ErrorCode: string; Data: unknown }> };
  return { status: response.status, error: json.Errors?.[0] };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: every operation keeps callers where they belong`, () => {
    let t: TestApp;
    let cast: Cast;
    let attackerToken: string;
    const tokensByRoles = new Map<string, string>();

    beforeAll(async () => {
      t = await startAuthTestApp(dialect);
      const admin = t.as(await t.adminToken());
      const buyerA = await createBuyer(t);
      const buyerB = await createBuyer(t);
      const userA = await createUser(t, buyerA);
      const attacker = await createUser(t, buyerB, { roles: ['FullAccess'] });
      const group = await admin.POST('/v1/buyers/{buyerID}/usergroups', {
        params: { path: { buyerID: buyerA } },
        body: { ID: 'group-a', Name: 'Group A' },
      });
      expect(group.response.status).toBe(201);
      const profile = await admin.POST('/v1/securityprofiles', {
        body: { ID: 'profile-full', Name: 'Full', Roles: ['FullAccess'] },
      });
      expect(profile.response.status).toBe(201);
      const client = await createClient(t, { ClientSecret: 'isolation-client-secret-0123' });
      cast = { buyerA, userA, groupA: 'group-a', buyerB, attacker, profile: 'profile-full', client };
      const grant = await passwordGrant(t, client, attacker);
      expect(grant.status).toBe(200);
      attackerToken = String(grant.json['access_token']);
    });
    afterAll(() => t.close());

    /** A client_credentials token with every ApiRole except the accepted ones (and never FullAccess). */
    async function tokenWithout(accepted: readonly string[]): Promise<string> {
      const roles = [...API_ROLES].filter((role) => role !== 'FullAccess' && !accepted.includes(role)).sort();
      const key = roles.join(' ');
      const cached = tokensByRoles.get(key);
      if (cached) return cached;
      const id = `without-${tokensByRoles.size}`;
      const secret = 'roles-client-secret-0123456789';
      const res = await t
        .as(await t.adminToken())
        .POST('/v1/apiclients', { body: { ID: id, AppName: id, ClientSecret: secret, Roles: roles } });
      expect(res.response.status, JSON.stringify(res.error)).toBe(201);
      const token = await t.token(id, secret);
      tokensByRoles.set(key, token);
      return token;
    }

    test.each(securedOperations.map((op) => [op.operationId, op] as const))(
      '%s: every other role gets 403 InsufficientRoles and nothing changes',
      async (_id, op) => {
        const token = await tokenWithout(op.roles);
        const before = await snapshotDb(t.running.context.db);
        const answer = await call(t, op, cast, token);
        expect(answer.status).toBe(403);
        expect(answer.error?.ErrorCode).toBe('InsufficientRoles');
        expect(await snapshotDb(t.running.context.db)).toEqual(before);
      },
    );

    test.each(securedOperations.filter((op) => op.buyerScope !== 'self').map((op) => [op.operationId, op] as const))(
      "%s: a FullAccess buyer user of another buyer is refused and the victim's data is unchanged",
      async (_id, op) => {
        const before = await snapshotDb(t.running.context.db);
        const answer = await call(t, op, cast, attackerToken);
        if (op.buyerScope === 'own') {
          expect(answer.status).toBe(404);
          expect(answer.error).toEqual({
            ErrorCode: 'NotFound',
            Message: 'Object not found.',
            Data: { ObjectType: 'Buyer', ObjectID: cast.buyerA },
          });
        } else {
          expect(answer.status).toBe(403);
          expect(answer.error?.ErrorCode).toBe('Auth.UserNotAuthorizedToAdmin');
        }
        expect(await snapshotDb(t.running.context.db)).toEqual(before);
      },
    );

    test('another buyer that does not exist answers exactly like one that does, so IDs do not leak', async () => {
      const exists = await fetch(`${t.url}/v1/buyers/${cast.buyerA}/users`, {
        headers: { Authorization: `Bearer ${attackerToken}` },
      });
      const missing = await fetch(`${t.url}/v1/buyers/no-such-buyer/users`, {
        headers: { Authorization: `Bearer ${attackerToken}` },
      });
      expect([exists.status, missing.status]).toEqual([404, 404]);
      const [a, b] = (await Promise.all([exists.json(), missing.json()])) as Array<{
        Errors: Array<{ Data: { ObjectType: string } }>;
      }>;
      expect(a?.Errors[0]?.Data.ObjectType).toBe('Buyer');
      expect(b?.Errors[0]?.Data.ObjectType).toBe('Buyer');
    });

    test('the same buyer user works in its own buyer and reads itself', async () => {
      const api = t.as(attackerToken);
      const own = await api.GET('/v1/buyers/{buyerID}', { params: { path: { buyerID: cast.buyerB } } });
      expect(own.response.status).toBe(200);
      const users = await api.GET('/v1/buyers/{buyerID}/users', { params: { path: { buyerID: cast.buyerB } } });
      expect(users.data?.Items.map((u) => u.ID)).toEqual([cast.attacker.id]);
      const group = await api.POST('/v1/buyers/{buyerID}/usergroups', {
        params: { path: { buyerID: cast.buyerB } },
        body: { Name: 'Own group' },
      });
      expect(group.response.status).toBe(201);
      expect((await api.GET('/v1/me')).data?.ID).toBe(cast.attacker.id);
    });

    test('a client_credentials token keeps acting on any buyer', async () => {
      const token = await tokenWithout([]);
      const res = await t.as(token).GET('/v1/buyers/{buyerID}/users', { params: { path: { buyerID: cast.buyerA } } });
      expect(res.response.status).toBe(200);
    });
  });
}
