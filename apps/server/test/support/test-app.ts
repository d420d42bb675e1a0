import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient, requestToken, type UsherClient } from '@usher/client';
import pg from 'pg';
import { type Config, type Dialect, loadConfig } from '../../src/config.js';
import { type RunningServer, startServer } from '../../src/server.js';
import type { Logger } from '../../src/shared/logger.js';
import { PG_ADMIN_URL } from './dialects.js';

export const TEST_ISSUER = 'http://usher.test';
export const ADMIN_CLIENT_ID = 'test-admin';
export const ADMIN_CLIENT_SECRET = 'test-admin-secret-0123456789';

export interface TestApp {
  dialect: Dialect;
  url: string;
  running: RunningServer;
  config: Config;
  /** The published client (`@usher/client`), without a token: a spec change the tests no longer match fails to compile. */
  client: UsherClient;
  /** A client whose requests all carry `token`. */
  as(token: string): UsherClient;
  /** A FullAccess token of the admin client (cached). */
  adminToken(): Promise<string>;
  /** A client_credentials token for any client. */
  token(clientId: string, clientSecret: string, scope?: string): Promise<string>;
  close(): Promise<void>;
}

/** A throwaway database: a file in a new temp folder, or a new PostgreSQL database dropped on close. */
export async function createTestDatabase(dialect: Dialect): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'usher-test-'));
    return { url: path.join(dir, 'usher.sqlite'), drop: async () => fs.rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `usher_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
    },
  };
}

/** Starts the real server on an ephemeral port against a fresh database, dropped on close. */
export async function startTestApp(
  options: { dialect?: Dialect; env?: Record<string, string>; logger?: Logger } = {},
): Promise<TestApp> {
  const dialect = options.dialect ?? 'sqlite';
  const database = await createTestDatabase(dialect);
  return startTestAppOn(database.url, { ...options, dialect, onClose: database.drop });
}

/**
 * Starts the real server on an ephemeral port against an existing database, so several instances can share one
 * (as stateless replicas do). `onClose` runs after the server has closed.
 */
export async function startTestAppOn(
  databaseUrl: string,
  options: { dialect: Dialect; env?: Record<string, string>; logger?: Logger; onClose?: () => Promise<void> },
): Promise<TestApp> {
  const { dialect } = options;
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    PORT: '0',
    ISSUER: TEST_ISSUER,
    ADMIN_CLIENT_ID,
    ADMIN_CLIENT_SECRET,
    LOG_LEVEL: 'silent',
    VALIDATE_RESPONSES: 'true',
    ...options.env,
  });
  const running = await startServer(config, options.logger);
  const url = running.url;
  const token = async (clientId: string, clientSecret: string, scope?: string) => {
    const result = await requestToken(
      { grantType: 'client_credentials', clientId, clientSecret, ...(scope === undefined ? {} : { scope }) },
      { baseUrl: url },
    );
    if (result.error) throw new Error(`token request failed: ${JSON.stringify(result.error)}`);
    return result.data.accessToken;
  };
  let cachedAdminToken: string | undefined;
  const as = (bearer: string) => createClient({ baseUrl: url, headers: { Authorization: `Bearer ${bearer}` } });
  return {
    dialect,
    url,
    running,
    config,
    client: createClient({ baseUrl: url }),
    as,
    token,
    adminToken: async () => {
      cachedAdminToken ??= await token(ADMIN_CLIENT_ID, ADMIN_CLIENT_SECRET);
      return cachedAdminToken;
    },
    close: async () => {
      await running.close();
      await options.onClose?.();
    },
  };
}
