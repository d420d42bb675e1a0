import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sweepExpired } from '../../src/oauth/housekeeping.js';
import {
  codeGrant,
  createClient,
  jwtPayload,
  meStatus,
  obtainCode,
  passwordGrant,
  refreshGrant,
  revoke,
  signInSetup,
  startAuthTestApp,
  type TestClient,
  type TestUser,
} from '../support/auth-fixtures.js';
import { DIALECTS } from '../support/dialects.js';
import type { TestApp } from '../support/test-app.js';

const SECRET = 'refresh-secret-0123456789';

for (const dialect of DIALECTS) {
  describe(`${dialect}: refresh tokens (6.4)`, () => {
    let t: TestApp;
    let client: TestClient;
    let user: TestUser;
    beforeAll(async () => {
      t = await startAuthTestApp(dialect);
      const setup = await signInSetup(t, {
        client: { ClientSecret: SECRET, RefreshTokenDuration: 120 },
        roles: ['Shopper', 'MeAdmin', 'MeXpAdmin'],
      });
      client = setup.client;
      user = setup.user;
    });
    afterAll(() => t.close());

    const signIn = async (extra: Record<string, string> = {}) => {
      const answer = await passwordGrant(t, client, user, extra);
      expect(answer.status).toBe(200);
      return { access: String(answer.json['access_token']), refresh: String(answer.json['refresh_token']) };
    };

    test('R1: a refresh token presented by another client is invalid_grant and stays usable', async () => {
      const other = await createClient(t, { ClientSecret: 'another-secret-0123456789' });
      const { refresh, access } = await signIn();
      const stolen = await refreshGrant(t, other, refresh);
      expect(stolen.status).toBe(400);
      expect(stolen.json['error']).toBe('invalid_grant');
      expect(await meStatus(t, access)).toBe(200);
      expect((await refreshGrant(t, client, refresh)).status).toBe(200);
    });

    test('R2: each refresh returns a new refresh token, consumes the old, keeps the grant scope and auth_time', async () => {
      const { code, verifier } = await obtainCode(t, client, user, { scope: 'openid Shopper MeAdmin' });
      const first = await codeGrant(t, client, code, verifier);
      const authTime = jwtPayload(first.json['id_token'])['auth_time'];
      const narrowed = await refreshGrant(t, client, String(first.json['refresh_token']), { scope: 'Shopper' });
      expect(narrowed.status).toBe(200);
      expect(narrowed.json['refresh_token']).not.toBe(first.json['refresh_token']);
      expect(jwtPayload(narrowed.json['access_token'])['role']).toBe('Shopper');
      // The successor still carries the whole grant, not the narrowed access-token scope.
      const next = await refreshGrant(t, client, String(narrowed.json['refresh_token']));
      expect(next.status).toBe(200);
      expect(next.json['scope']).toBe('openid Shopper MeAdmin');
      expect(jwtPayload(next.json['id_token'])['auth_time']).toBe(authTime);
    });

    test('R3: reusing a consumed refresh token revokes its whole chain, and only that chain', async () => {
      const chain = await signIn();
      const sibling = await signIn();
      const rotated = await refreshGrant(t, client, chain.refresh);
      expect(rotated.status).toBe(200);
      const reuse = await refreshGrant(t, client, chain.refresh);
      expect(reuse.status).toBe(400);
      expect(reuse.json['error']).toBe('invalid_grant');
      expect(await meStatus(t, rotated.json['access_token'])).toBe(401);
      expect(await meStatus(t, chain.access)).toBe(401);
      expect((await refreshGrant(t, client, String(rotated.json['refresh_token']))).json['error']).toBe(
        'invalid_grant',
      );
      expect(await meStatus(t, sibling.access)).toBe(200);
      expect((await refreshGrant(t, client, sibling.refresh)).status).toBe(200);
    });

    test('R4: 30 parallel refreshes of one token give exactly one 200, the rest invalid_grant, no 5xx', async () => {
      const { refresh } = await signIn();
      const answers = await Promise.all(Array.from({ length: 30 }, () => refreshGrant(t, client, refresh)));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s >= 500)).toEqual([]);
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.filter((s) => s === 400)).toHaveLength(29);
      // No grace period: the losers were reuse, so the chain is revoked.
      const winner = answers.find((a) => a.status === 200);
      expect(await meStatus(t, winner?.json['access_token'])).toBe(401);
    });

    test('R5: there is no grace period: the immediate predecessor reused at once revokes the chain', async () => {
      const { refresh } = await signIn();
      const rotated = await refreshGrant(t, client, refresh);
      const again = await refreshGrant(t, client, refresh);
      expect(again.json['error']).toBe('invalid_grant');
      expect((await refreshGrant(t, client, String(rotated.json['refresh_token']))).json['error']).toBe(
        'invalid_grant',
      );
    });

    test('R6: a narrower scope narrows the access token; a wider one is invalid_scope', async () => {
      const { refresh } = await signIn({ scope: 'Shopper MeAdmin' });
      const wider = await refreshGrant(t, client, refresh, { scope: 'Shopper MeXpAdmin' });
      expect(wider.status).toBe(400);
      expect(wider.json['error']).toBe('invalid_scope');
      // Refused before consumption: the same token still narrows.
      const narrower = await refreshGrant(t, client, refresh, { scope: 'MeAdmin' });
      expect(narrower.status).toBe(200);
      expect(narrower.json['scope']).toBe('MeAdmin');
    });

    test('R7: an idle-expired refresh token, or a grant past its absolute cap, is invalid_grant', async () => {
      const idle = await signIn();
      const capped = await signIn();
      const db = t.running.context.db;
      const past = new Date(Date.now() - 1000).toISOString();
      await db.updateTable('oauth_refresh_tokens').set({ expires_at: past }).where('consumed_at', 'is', null).execute();
      expect((await refreshGrant(t, client, idle.refresh)).json['error']).toBe('invalid_grant');
      const grantId = jwtPayload(capped.access)['sid'];
      await db
        .updateTable('oauth_refresh_tokens')
        .set({ expires_at: new Date(Date.now() + 3600_000).toISOString() })
        .where('grant_id', '=', String(grantId))
        .execute();
      await db.updateTable('oauth_grants').set({ expires_at: past }).where('id', '=', String(grantId)).execute();
      expect((await refreshGrant(t, client, capped.refresh)).json['error']).toBe('invalid_grant');
      // A new refresh token never outlives its client's RefreshTokenDuration.
      const fresh = await signIn();
      const row = await db
        .selectFrom('oauth_refresh_tokens')
        .select(['created_at', 'expires_at'])
        .where('grant_id', '=', String(jwtPayload(fresh.access)['sid']))
        .executeTakeFirstOrThrow();
      expect(Date.parse(row.expires_at) - Date.parse(row.created_at)).toBe(120 * 60_000);
    });

    test('R8: revoking a refresh token (RFC 7009) revokes its access tokens; revoke-all ends refresh tokens', async () => {
      const { access, refresh } = await signIn();
      const revoked = await revoke(t, client, refresh, { token_type_hint: 'refresh_token' });
      expect(revoked.status).toBe(200);
      expect(await meStatus(t, access)).toBe(401);
      expect((await refreshGrant(t, client, refresh)).json['error']).toBe('invalid_grant');

      const other = await signIn();
      const admin = t.as(await t.adminToken());
      const revokeAll = await admin.DELETE('/v1/buyers/{buyerID}/users/{userID}/tokens', {
        params: { path: { buyerID: user.buyerId, userID: user.id } },
      });
      expect(revokeAll.response.status).toBe(204);
      expect((await refreshGrant(t, client, other.refresh)).json['error']).toBe('invalid_grant');
      expect(await meStatus(t, other.access)).toBe(401);
      expect((await passwordGrant(t, client, user)).status).toBe(200);
    });

    test('R9: refresh tokens are opaque 256-bit values stored only as hashes; the family id stays server-side', async () => {
      const { refresh } = await signIn();
      expect(refresh).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(refresh.split('.')).toHaveLength(1);
      const rows = await t.running.context.db.selectFrom('oauth_refresh_tokens').select('hash').execute();
      expect(rows.map((r) => r.hash)).not.toContain(refresh);
      expect(rows.map((r) => r.hash)).toContain(
        (await import('node:crypto')).createHash('sha256').update(refresh).digest('base64url'),
      );
    });

    test('R10: an ID token from a refresh keeps iss, sub, aud and auth_time, has a new iat and no nonce', async () => {
      const { code, verifier } = await obtainCode(t, client, user, { scope: 'openid Shopper', nonce: 'n-0S6' });
      const first = await codeGrant(t, client, code, verifier);
      const before = jwtPayload(first.json['id_token']);
      expect(before['nonce']).toBe('n-0S6');
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const refreshed = await refreshGrant(t, client, String(first.json['refresh_token']));
      const after = jwtPayload(refreshed.json['id_token']);
      for (const claim of ['iss', 'sub', 'aud', 'auth_time']) expect(after[claim]).toEqual(before[claim]);
      expect(Number(after['iat'])).toBeGreaterThan(Number(before['iat']));
      expect(after['nonce']).toBeUndefined();
    });

    test('a client with RefreshTokenDuration 0 issues no refresh token', async () => {
      const { client: noRefresh, user: someone } = await signInSetup(t, { client: { RefreshTokenDuration: 0 } });
      const answer = await passwordGrant(t, noRefresh, someone);
      expect(answer.status).toBe(200);
      expect(answer.json['refresh_token']).toBeUndefined();
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: housekeeping`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startAuthTestApp(dialect);
    });
    afterAll(() => t.close());

    test('expired refresh tokens are deleted; live and recently consumed ones stay for reuse detection', async () => {
      const { client, user } = await signInSetup(t);
      const expired = await passwordGrant(t, client, user);
      const consumed = await passwordGrant(t, client, user);
      await refreshGrant(t, client, String(consumed.json['refresh_token']));
      const db = t.running.context.db;
      const expiredGrant = String(jwtPayload(expired.json['access_token'])['sid']);
      await db
        .updateTable('oauth_refresh_tokens')
        .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
        .where('grant_id', '=', expiredGrant)
        .execute();
      const before = await db.selectFrom('oauth_refresh_tokens').select('grant_id').execute();
      await sweepExpired(t.running.context);
      const after = await db.selectFrom('oauth_refresh_tokens').select('grant_id').execute();
      expect(after.map((r) => r.grant_id)).not.toContain(expiredGrant);
      expect(after).toHaveLength(before.length - 1);
      // The consumed one is still there, so presenting it again still revokes its chain.
      const reuse = await refreshGrant(t, client, String(consumed.json['refresh_token']));
      expect(reuse.json['error']).toBe('invalid_grant');
    });
  });
}
