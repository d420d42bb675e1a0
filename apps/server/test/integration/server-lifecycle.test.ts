import { afterEach, describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { DIALECTS } from '../support/dialects.js';
import { createTestDatabase } from '../support/test-app.js';

for (const dialect of DIALECTS) {
  describe(`${dialect}: server lifecycle`, () => {
    const cleanups: Array<() => Promise<void>> = [];
    afterEach(async () => {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    });
    const start = async (env: Record<string, string>): Promise<RunningServer> => {
      const running = await startServer(
        loadConfig({ PORT: '0', LOG_LEVEL: 'silent', ISSUER: 'http://usher.test', ...env }),
      );
      cleanups.push(() => running.close());
      return running;
    };
    const tokenFor = async (url: string, clientId: string, clientSecret: string) => {
      const res = await fetch(`${url}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
        }),
      });
      return { status: res.status, token: ((await res.json()) as { access_token?: string }).access_token };
    };

    test('an empty database without ADMIN_CLIENT_ID gets one generated FullAccess client, once', async () => {
      const db = await createTestDatabase(dialect);
      cleanups.push(() => db.drop());
      const first = await start({ DATABASE_URL: db.url });
      expect(first.adminClient.kind).toBe('generated');
      if (first.adminClient.kind !== 'generated') return;
      const { clientId, clientSecret } = first.adminClient;
      const { status, token } = await tokenFor(first.url, clientId, clientSecret);
      expect(status).toBe(200);
      expect((await fetch(`${first.url}/v1/buyers`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(
        200,
      );
      await first.close();
      cleanups.pop();
      const second = await start({ DATABASE_URL: db.url });
      expect(second.adminClient.kind).toBe('none');
    });

    test('a first start listens before its signing keys exist; the JWKS and a token asked at once wait for them', async () => {
      const db = await createTestDatabase(dialect);
      cleanups.push(() => db.drop());
      const running = await start({
        DATABASE_URL: db.url,
        ADMIN_CLIENT_ID: 'ops',
        ADMIN_CLIENT_SECRET: 'ops-secret-0123456789',
      });
      const [jwks, token] = await Promise.all([
        fetch(`${running.url}/oauth/jwks`).then(async (res) => ({
          status: res.status,
          body: (await res.json()) as { keys: Array<{ alg: string }> },
        })),
        tokenFor(running.url, 'ops', 'ops-secret-0123456789'),
      ]);
      expect(jwks.status).toBe(200);
      expect(jwks.body.keys.map((key) => key.alg).sort()).toEqual(['ES256', 'RS256']);
      expect(token.status).toBe(200);
    });

    test('on a first start /healthz answers ready only once the signing keys exist', async () => {
      const db = await createTestDatabase(dialect);
      cleanups.push(() => db.drop());
      const running = await start({ DATABASE_URL: db.url });
      expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
      const stored = await running.context.db.selectFrom('signing_keys').select('algorithm').execute();
      expect(stored.map((key) => key.algorithm).sort()).toEqual(['ES256', 'RS256']);
    });

    test('a restart keeps data, and tokens issued before it stay valid (keys live in the database)', async () => {
      const db = await createTestDatabase(dialect);
      cleanups.push(() => db.drop());
      const env = { DATABASE_URL: db.url, ADMIN_CLIENT_ID: 'ops', ADMIN_CLIENT_SECRET: 'ops-secret-0123456789' };
      const first = await start(env);
      const { token } = await tokenFor(first.url, 'ops', 'ops-secret-0123456789');
      const created = await fetch(`${first.url}/v1/buyers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ID: 'survivor', Name: 'Survives restarts' }),
      });
      expect(created.status).toBe(201);
      await first.close();
      cleanups.pop();
      const second = await start(env);
      const got = await fetch(`${second.url}/v1/buyers/survivor`, { headers: { Authorization: `Bearer ${token}` } });
      expect(got.status).toBe(200);
      expect(((await got.json()) as { Name: string }).Name).toBe('Survives restarts');
    });

    test('ADMIN_CLIENT_ID/SECRET create the client, and a changed secret updates it', async () => {
      const db = await createTestDatabase(dialect);
      cleanups.push(() => db.drop());
      const first = await start({
        DATABASE_URL: db.url,
        ADMIN_CLIENT_ID: 'ops',
        ADMIN_CLIENT_SECRET: 'first-secret-0123456789',
      });
      expect(first.adminClient).toEqual({ kind: 'configured', clientId: 'ops' });
      expect((await tokenFor(first.url, 'ops', 'first-secret-0123456789')).status).toBe(200);
      await first.close();
      cleanups.pop();
      const second = await start({
        DATABASE_URL: db.url,
        ADMIN_CLIENT_ID: 'ops',
        ADMIN_CLIENT_SECRET: 'second-secret-0123456789',
      });
      expect((await tokenFor(second.url, 'ops', 'first-secret-0123456789')).status).toBe(401);
      expect((await tokenFor(second.url, 'ops', 'second-secret-0123456789')).status).toBe(200);
    });
  });
}
