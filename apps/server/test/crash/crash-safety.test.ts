import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createDb } from '../../src/db/create-db.js';
import { DIALECTS } from '../support/dialects.js';
import { createTestDatabase } from '../support/test-app.js';

// The real server as a child process (through tsx, so no build is needed), killed with SIGKILL at random moments
// while one writer drives creates, group assignments, patches and deletes. After each restart on the same
// database, every acknowledged write is there; the one write in flight at the kill is either whole or absent.

const ROUNDS = Number(process.env['CRASH_ROUNDS'] ?? 4);
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ADMIN = { id: 'crash-admin', secret: 'crash-admin-secret-0123456789' };
const BUYER = 'crash-buyer';
const GROUPS = ['g0', 'g1', 'g2'];

interface UserState {
  exists: boolean;
  n: number;
  groups: string[];
}
type Model = Map<string, UserState>;

interface Child {
  url: string;
  process: ChildProcess;
  exited: Promise<void>;
}

async function startChild(databaseUrl: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      ISSUER: 'http://usher.test',
      ADMIN_CLIENT_ID: ADMIN.id,
      ADMIN_CLIENT_SECRET: ADMIN.secret,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const port = /"msg":"usher listening"/.test(buffered) ? /localhost:(\d+)/.exec(buffered)?.[1] : undefined;
      if (port) resolve(`http://127.0.0.1:${port}`);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}) before listening: ${stderr}`)));
  });
  return { url, process: child, exited };
}

async function adminToken(url: string): Promise<string> {
  const res = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: ADMIN.id, client_secret: ADMIN.secret }),
  });
  return ((await res.json()) as { access_token: string }).access_token;
}

const pick = <T>(items: readonly T[]): T => {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('empty');
  return item;
};

/** One random write: the request, and the state of its user once it is acknowledged. */
function nextWrite(
  model: Model,
  created: number,
): { userId: string; request: [string, RequestInit]; after: UserState } {
  const live = [...model.entries()].filter(([, s]) => s.exists);
  const json = (method: string, body?: unknown): RequestInit => ({
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (live.length < 3 || Math.random() < 0.3) {
    const userId = `u${created}`;
    const body = {
      ID: userId,
      Username: userId,
      FirstName: 'C',
      LastName: 'S',
      Email: `${userId}@x.test`,
      Active: true,
      xp: { n: 0 },
    };
    return {
      userId,
      request: [`/v1/buyers/${BUYER}/users`, json('POST', body)],
      after: { exists: true, n: 0, groups: [] },
    };
  }
  const [userId, state] = pick(live);
  const roll = Math.random();
  if (roll < 0.35) {
    const group = pick(GROUPS);
    return {
      userId,
      request: [`/v1/buyers/${BUYER}/usergroups/assignments`, json('POST', { UserGroupID: group, UserID: userId })],
      after: { ...state, groups: [...new Set([...state.groups, group])].sort() },
    };
  }
  if (roll < 0.55 && state.groups.length > 0) {
    const group = pick(state.groups);
    return {
      userId,
      request: [`/v1/buyers/${BUYER}/usergroups/${group}/assignments/${userId}`, json('DELETE')],
      after: { ...state, groups: state.groups.filter((g) => g !== group) },
    };
  }
  if (roll < 0.85) {
    return {
      userId,
      request: [`/v1/buyers/${BUYER}/users/${userId}`, json('PATCH', { xp: { n: state.n + 1 } })],
      after: { ...state, n: state.n + 1 },
    };
  }
  return {
    userId,
    request: [`/v1/buyers/${BUYER}/users/${userId}`, json('DELETE')],
    after: { exists: false, n: 0, groups: [] },
  };
}

/** What the server holds for a user, through the API. */
async function observe(url: string, token: string, userId: string): Promise<UserState> {
  const headers = { Authorization: `Bearer ${token}` };
  const user = await fetch(`${url}/v1/buyers/${BUYER}/users/${userId}`, { headers });
  if (user.status === 404) return { exists: false, n: 0, groups: [] };
  expect(user.status).toBe(200);
  const n = ((await user.json()) as { xp: { n: number } }).xp.n;
  const assignments = await fetch(`${url}/v1/buyers/${BUYER}/usergroups/assignments?userID=${userId}&pageSize=100`, {
    headers,
  });
  const items = ((await assignments.json()) as { Items: Array<{ UserGroupID: string }> }).Items;
  return { exists: true, n, groups: items.map((a) => a.UserGroupID).sort() };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: crash safety under SIGKILL`, () => {
    let database: { url: string; drop(): Promise<void> };
    let child: Child | undefined;
    beforeAll(async () => {
      database = await createTestDatabase(dialect);
    });
    afterAll(async () => {
      child?.process.kill('SIGKILL');
      await child?.exited;
      await database.drop();
    });

    test(`${ROUNDS} kills during writes lose no acknowledged write and leave nothing half-written`, {
      timeout: 180_000,
    }, async () => {
      const model: Model = new Map();
      let created = 0;
      child = await startChild(database.url);
      let token = await adminToken(child.url);
      const auth = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      expect(
        (
          await fetch(`${child.url}/v1/buyers`, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify({ ID: BUYER, Name: 'Crash' }),
          })
        ).status,
      ).toBe(201);
      for (const group of GROUPS) {
        const res = await fetch(`${child.url}/v1/buyers/${BUYER}/usergroups`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ ID: group, Name: group }),
        });
        expect(res.status).toBe(201);
      }
      let acknowledged = 0;
      for (let round = 0; round < ROUNDS; round++) {
        const running: Child = child;
        const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
        // Kill after a random number of acknowledged writes, while the next one is on the wire.
        const killAfter = 5 + Math.floor(Math.random() * 40);
        let inFlight: { userId: string; before: UserState; after: UserState } | undefined;
        for (let written = 0; ; written++) {
          const write = nextWrite(model, created);
          const before = model.get(write.userId) ?? { exists: false, n: 0, groups: [] };
          inFlight = { userId: write.userId, before, after: write.after };
          const [pathname, init] = write.request;
          const pending = fetch(`${running.url}${pathname}`, { ...init, headers });
          if (written === killAfter) {
            // Give the request a random head start, from not yet read to already committed.
            await new Promise((r) => setTimeout(r, Math.random() * 15));
            running.process.kill('SIGKILL');
          }
          let status: number;
          try {
            status = (await pending).status;
          } catch {
            break; // Never acknowledged: either outcome is allowed for this one write.
          }
          expect(status, `${init.method} ${pathname}`).toBeLessThan(300);
          if (write.after.exists && !model.has(write.userId)) created++;
          model.set(write.userId, write.after);
          acknowledged++;
          inFlight = undefined;
          if (written >= killAfter) break;
        }
        await running.exited;
        child = await startChild(database.url);
        token = await adminToken(child.url);
        for (const [userId, expected] of model) {
          const actual = await observe(child.url, token, userId);
          if (inFlight?.userId === userId) {
            expect([inFlight.before, inFlight.after], userId).toContainEqual(actual);
            model.set(userId, actual);
          } else {
            expect(actual, userId).toEqual(expected);
          }
        }
        if (inFlight && !model.has(inFlight.userId)) {
          const actual = await observe(child.url, token, inFlight.userId);
          expect([inFlight.before, inFlight.after]).toContainEqual(actual);
          if (actual.exists) model.set(inFlight.userId, actual);
          created++;
        }
      }
      expect(acknowledged).toBeGreaterThan(ROUNDS * 5);
      child.process.kill('SIGTERM');
      await child.exited;
      child = undefined;
      // Nothing half-written: no membership or assignment outlives its user or group, or crosses buyers.
      const handle = createDb(loadConfig({ DATABASE_URL: database.url }));
      try {
        const orphans = await sql<{ n: number | string }>`
          select count(*) as n from user_group_members m
          left join users u on u.uid = m.user_uid
          left join user_groups g on g.uid = m.group_uid
          where u.uid is null or g.uid is null or u.buyer_id <> g.buyer_id`.execute(handle.db);
        expect(Number(orphans.rows[0]?.n)).toBe(0);
        const assignments = await sql<{ n: number | string }>`
          select count(*) as n from security_profile_assignments a
          left join users u on u.uid = a.user_uid
          where a.user_uid is not null and u.uid is null`.execute(handle.db);
        expect(Number(assignments.rows[0]?.n)).toBe(0);
      } finally {
        await handle.close();
      }
    });
  });
}
