import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  test('defaults: port 8080, SQLite at ./data/usher.sqlite, issuer from the port', () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.dialect).toBe('sqlite');
    expect(config.databaseUrl.endsWith('/data/usher.sqlite')).toBe(true);
    expect(config.issuer).toBe('http://localhost:8080');
    expect(config.adminClient).toBeNull();
    expect(config.validateResponses).toBe(true);
  });

  test.each([
    ['postgres://u@h/db', 'postgres'],
    ['postgresql://u@h/db', 'postgres'],
    ['POSTGRES://u@h/db', 'postgres'],
    [':memory:', 'sqlite'],
    ['/tmp/x.sqlite', 'sqlite'],
    ['relative/file.db', 'sqlite'],
  ])('DATABASE_URL %s selects %s', (url, dialect) => {
    expect(loadConfig({ DATABASE_URL: url }).dialect).toBe(dialect);
  });

  test('ISSUER is normalised without a trailing slash and defaults to the port', () => {
    expect(loadConfig({ ISSUER: 'https://auth.example.com/' }).issuer).toBe('https://auth.example.com');
    expect(loadConfig({ PORT: '9000' }).issuer).toBe('http://localhost:9000');
  });

  test('production turns response validation off unless asked', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).validateResponses).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', VALIDATE_RESPONSES: 'true' }).validateResponses).toBe(true);
  });

  test.each([
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ ISSUER: 'not a url' }, /ISSUER/],
    [{ ISSUER: 'https://a.example/?x=1' }, /ISSUER/],
    [{ ADMIN_CLIENT_ID: 'only-id' }, /both/],
    [{ ADMIN_CLIENT_ID: 'bad id', ADMIN_CLIENT_SECRET: 'x'.repeat(20) }, /ADMIN_CLIENT_ID/],
    [{ ADMIN_CLIENT_ID: 'ok', ADMIN_CLIENT_SECRET: 'short' }, /16/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ VALIDATE_RESPONSES: 'maybe' }, /VALIDATE_RESPONSES/],
  ])('rejects %o with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
  test('hardening defaults: CORS off, /metrics open, 10 s to finish in-flight requests on shutdown', () => {
    const config = loadConfig({});
    expect(config.corsOrigins).toEqual([]);
    expect(config.metricsToken).toBeNull();
    expect(config.shutdownGraceSeconds).toBe(10);
  });

  test('CORS_ORIGINS is a comma list of bare origins; paths, wildcards and non-URLs are refused', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:3000/' }).corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:3000',
    ]);
    for (const bad of ['*', 'https://a.example.com/app', 'a.example.com', 'file:///x']) {
      expect(() => loadConfig({ CORS_ORIGINS: bad }), bad).toThrow(ConfigError);
    }
  });

  test('USER_XP_INDEXES is a comma list of dotted xp paths of plain names, at most sixteen', () => {
    expect(loadConfig({}).userXpIndexes).toEqual([]);
    expect(loadConfig({ USER_XP_INDEXES: ' Region, xp.Address.Country ,Region' }).userXpIndexes).toEqual([
      'Region',
      'Address.Country',
    ]);
    const seventeen = Array.from({ length: 17 }, (_, i) => `P${i}`).join(',');
    for (const bad of ["Region'--", 'a..b', 'Address.', 'x y', 'a.b.c.d.e.f', seventeen]) {
      expect(() => loadConfig({ USER_XP_INDEXES: bad }), bad).toThrow(ConfigError);
    }
  });

  test('METRICS_TOKEN must be long enough to be a secret', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError);
    expect(loadConfig({ METRICS_TOKEN: 'a-long-metrics-token' }).metricsToken).toBe('a-long-metrics-token');
  });
});
