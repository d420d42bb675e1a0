import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_FAILED_SIGN_INS } from '../../src/oauth/sign-in.js';
import {
  createUser,
  jwtHeader,
  meStatus,
  passwordGrant,
  refreshGrant,
  signInSetup,
  type TestClient,
  type TestUser,
} from '../support/auth-fixtures.js';
import { usher } from '../support/cli.js';
import { createTestDatabase, startTestAppOn, type TestApp } from '../support/test-app.js';

// Stateless replicas: two servers on one PostgreSQL database must behave as one server. Everything that matters
// between requests (keys, refresh chains, lockout counts) lives in the database, so either instance may answer.

const SECRET = 'two-instances-secret-0123456789';
const LIMITS = { RATE_LIMIT_FAILURES_PER_CLIENT: '10000', RATE_LIMIT_FAILURES_PER_ADDRESS: '10000' };

// PostgreSQL only: vitest.config.ts leaves this file out of runs without it.
describe('postgres: two server instances on one database', () => {
  let drop: () => Promise<void>;
  let a: TestApp;
  let b: TestApp;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    const database = await createTestDatabase('postgres');
    drop = database.drop;
    // Started together: both migrate and bootstrap the admin client at once, as replicas of one deploy do.
    [a, b] = await Promise.all([
      startTestAppOn(database.url, { dialect: 'postgres', env: LIMITS }),
      startTestAppOn(database.url, { dialect: 'postgres', env: LIMITS }),
    ]);
    const setup = await signInSetup(a, { client: { ClientSecret: SECRET, RefreshTokenDuration: 120 } });
    client = setup.client;
    user = setup.user;
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await drop?.();
  });

  test('started together on an empty database, A and B made one key of each kind and sign with the same ones', async () => {
    const rows = await a.running.context.db
      .selectFrom('signing_keys')
      .select(['algorithm', 'kid'])
      .orderBy('algorithm')
      .execute();
    expect(rows.map((row) => row.algorithm)).toEqual(['ES256', 'RS256']);
    for (const alg of ['ES256', 'RS256'] as const) {
      const [fromA, fromB] = await Promise.all([a, b].map((instance) => instance.running.context.keys.signingKey(alg)));
      expect(fromA?.kid).toBe(fromB?.kid);
    }
  });

  test('a token issued by A is accepted by B, and the admin API on B sees what A wrote', async () => {
    const signedIn = await passwordGrant(a, client, user);
    expect(signedIn.status).toBe(200);
    expect(await meStatus(b, signedIn.json['access_token'])).toBe(200);
    const fromB = await b.as(await a.adminToken()).GET('/v1/buyers/{buyerID}/users/{userID}', {
      params: { path: { buyerID: user.buyerId, userID: user.id } },
    });
    expect(fromB.response.status).toBe(200);
    expect(fromB.data?.Username).toBe(user.username);
  });

  test('a refresh token rotated on A is refused on B, and that reuse revokes the chain on both', async () => {
    const first = await passwordGrant(a, client, user);
    const rotated = await refreshGrant(a, client, String(first.json['refresh_token']));
    expect(rotated.status).toBe(200);
    const replay = await refreshGrant(b, client, String(first.json['refresh_token']));
    expect(replay.status).toBe(400);
    expect(replay.json['error']).toBe('invalid_grant');
    // The chain is revoked: the successor is refused on A, and the chain's access token on both.
    expect((await refreshGrant(a, client, String(rotated.json['refresh_token']))).json['error']).toBe('invalid_grant');
    expect(await meStatus(a, rotated.json['access_token'])).toBe(401);
    expect(await meStatus(b, rotated.json['access_token'])).toBe(401);
  });

  test('rotate-keys on the shared database: B verifies tokens A signs with the new key', async () => {
    const before = await passwordGrant(a, client, user);
    const oldKid = jwtHeader(before.json['access_token'])['kid'];
    const { code, lines } = await usher(a.config.databaseUrl, 'rotate-keys');
    expect(code).toBe(0);
    // A re-reads its keys once a minute; do now what that timer would do. B is not told anything.
    await a.running.context.keys.reload();
    const after = await passwordGrant(a, client, user);
    const newKid = jwtHeader(after.json['access_token'])['kid'];
    expect(newKid).not.toBe(oldKid);
    expect(lines.join('\n')).toContain(String(newKid));
    // B meets an unknown kid and re-reads the table (at most once a second, so it may take one retry).
    await expect.poll(() => meStatus(b, after.json['access_token']), { timeout: 5000, interval: 250 }).toBe(200);
    expect(await meStatus(b, before.json['access_token'])).toBe(200);
  });

  test('failed sign-ins on A and on B add up to one lockout', async () => {
    const victim = await createUser(a, user.buyerId);
    const wrong = { username: victim.username, password: 'Wrong-Password-1' };
    const half = MAX_FAILED_SIGN_INS / 2;
    for (let i = 0; i < half; i++) expect((await passwordGrant(a, client, wrong)).status).toBe(400);
    for (let i = 0; i < MAX_FAILED_SIGN_INS - half - 1; i++) {
      expect((await passwordGrant(b, client, wrong)).status).toBe(400);
    }
    // One short of the limit, counted in the shared row (a success here would reset it); the last failure locks.
    const row = await a.running.context.db
      .selectFrom('users')
      .select(['failed_login_attempts', 'locked_until'])
      .where('uid', '=', victim.uid)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ failed_login_attempts: MAX_FAILED_SIGN_INS - 1, locked_until: null });
    expect((await passwordGrant(b, client, wrong)).status).toBe(400);
    for (const instance of [a, b]) {
      const locked = await passwordGrant(instance, client, victim);
      expect(locked.status).toBe(400);
      expect((locked.json['Errors'] as Array<{ ErrorCode: string }>)[0]?.ErrorCode).toBe('Auth.LockedOut');
    }
  });
});
