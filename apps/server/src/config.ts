import path from 'node:path';

export type Dialect = 'sqlite' | 'postgres';

export interface Config {
  port: number;
  /** `postgres://…` or an SQLite file path (`:memory:` allowed). */
  databaseUrl: string;
  dialect: Dialect;
  /** Public base URL placed in tokens and metadata; never derived from request headers. */
  issuer: string;
  /** Set when both ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET are. */
  adminClient: { id: string; secret: string } | null;
  /** Validate every response against openapi.yaml (default: on outside production). */
  validateResponses: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Failed client authentications and sign-ins allowed per minute, per client_id and per source address. */
  rateLimit: { failuresPerClient: number; failuresPerAddress: number };
  /** How long a replaced client secret keeps working, in seconds (0: it stops at once). */
  clientSecretOverlapSeconds: number;
  /** Express `trust proxy` hop count: how many proxies' X-Forwarded-For entries to believe (0 = none). */
  trustProxyHops: number;
  /** Browser origins allowed to call the API cross-origin (CORS); empty turns CORS off. */
  corsOrigins: readonly string[];
  /** When set, GET /metrics needs `Authorization: Bearer <metricsToken>`; otherwise it is open. */
  metricsToken: string | null;
  /** How long a shutdown waits for in-flight requests before closing their connections, in seconds. */
  shutdownGraceSeconds: number;
  /**
   * The users' xp paths (dotted, e.g. `Region`, `Address.Country`) that list filters find through an index: the
   * server keeps one index per path, building those added and dropping those removed when it starts.
   */
  userXpIndexes: readonly string[];
}

export class ConfigError extends Error {}

const DEFAULT_SQLITE_PATH = './data/usher.sqlite';

/** Reads the environment once; every other module receives the typed result. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const port = parsePort(env['PORT']);
  const databaseUrl = nonEmpty(env['DATABASE_URL']) ?? DEFAULT_SQLITE_PATH;
  const dialect: Dialect = /^postgres(ql)?:\/\//i.test(databaseUrl) ? 'postgres' : 'sqlite';
  const issuer = parseIssuer(nonEmpty(env['ISSUER']) ?? `http://localhost:${port}`);
  const adminId = nonEmpty(env['ADMIN_CLIENT_ID']);
  const adminSecret = nonEmpty(env['ADMIN_CLIENT_SECRET']);
  if ((adminId === undefined) !== (adminSecret === undefined)) {
    throw new ConfigError('Set both ADMIN_CLIENT_ID and ADMIN_CLIENT_SECRET, or neither.');
  }
  if (adminId !== undefined && !/^[A-Za-z0-9_-]{1,100}$/.test(adminId)) {
    throw new ConfigError('ADMIN_CLIENT_ID may contain only letters, digits, - and _ (at most 100 characters).');
  }
  if (adminSecret !== undefined && adminSecret.length < 16) {
    throw new ConfigError('ADMIN_CLIENT_SECRET must be at least 16 characters long.');
  }
  const production = env['NODE_ENV'] === 'production';
  const validateResponses = parseBoolean('VALIDATE_RESPONSES', env['VALIDATE_RESPONSES']) ?? !production;
  const logLevel = parseLogLevel(env['LOG_LEVEL']);
  const rateLimit = {
    failuresPerClient: parseCount('RATE_LIMIT_FAILURES_PER_CLIENT', env['RATE_LIMIT_FAILURES_PER_CLIENT'], 30),
    failuresPerAddress: parseCount('RATE_LIMIT_FAILURES_PER_ADDRESS', env['RATE_LIMIT_FAILURES_PER_ADDRESS'], 30),
  };
  const trustProxyHops = parseCount('TRUST_PROXY_HOPS', env['TRUST_PROXY_HOPS'], 0);
  const clientSecretOverlapSeconds = parseCount(
    'CLIENT_SECRET_OVERLAP_SECONDS',
    env['CLIENT_SECRET_OVERLAP_SECONDS'],
    0,
  );
  const corsOrigins = parseOrigins(env['CORS_ORIGINS']);
  const metricsToken = nonEmpty(env['METRICS_TOKEN']) ?? null;
  if (metricsToken !== null && metricsToken.length < 16) {
    throw new ConfigError('METRICS_TOKEN must be at least 16 characters long.');
  }
  const shutdownGraceSeconds = parseCount('SHUTDOWN_GRACE_SECONDS', env['SHUTDOWN_GRACE_SECONDS'], 10);
  const userXpIndexes = parseXpPaths('USER_XP_INDEXES', env['USER_XP_INDEXES']);
  return {
    port,
    databaseUrl: dialect === 'sqlite' && databaseUrl !== ':memory:' ? path.resolve(databaseUrl) : databaseUrl,
    dialect,
    issuer,
    adminClient: adminId && adminSecret ? { id: adminId, secret: adminSecret } : null,
    validateResponses,
    logLevel,
    rateLimit,
    trustProxyHops,
    clientSecretOverlapSeconds,
    corsOrigins,
    metricsToken,
    shutdownGraceSeconds,
    userXpIndexes,
  };
}

/** Each index slows every write of a user a little; a handful of paths is what filters need. */
const MAX_XP_INDEXES = 16;

/** A comma list of dotted xp paths whose segments are plain names (they become part of SQL text and index names). */
function parseXpPaths(name: string, value: string | undefined): string[] {
  const paths = [
    ...new Set(
      (nonEmpty(value) ?? '')
        .split(',')
        .map((entry) => entry.trim().replace(/^xp\./, ''))
        .filter((entry) => entry !== ''),
    ),
  ];
  for (const entry of paths) {
    if (!/^[A-Za-z0-9_-]{1,64}(\.[A-Za-z0-9_-]{1,64}){0,4}$/.test(entry)) {
      throw new ConfigError(
        `${name} entries must be xp paths such as Region or Address.Country (letters, digits, - and _, at most five levels), not "${entry}".`,
      );
    }
  }
  if (paths.length > MAX_XP_INDEXES) throw new ConfigError(`${name} may name at most ${MAX_XP_INDEXES} paths.`);
  return paths;
}

/** A comma list of exact origins (`https://shop.example.com`); a wildcard would let any site read the API's answers. */
function parseOrigins(value: string | undefined): string[] {
  const entries = (nonEmpty(value) ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return entries.map((entry) => {
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigError(`CORS_ORIGINS entries must be origins such as https://shop.example.com, not "${entry}".`);
    }
    if (url.origin === 'null' || url.origin !== entry.replace(/\/$/, '')) {
      throw new ConfigError(`CORS_ORIGINS entries must be bare origins (scheme, host, port), not "${entry}".`);
    }
    return url.origin;
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function parsePort(value: string | undefined): number {
  if (nonEmpty(value) === undefined) return 8080;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a whole number from 0 to 65535, not "${value}".`);
  }
  return port;
}

function parseIssuer(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`ISSUER must be an absolute URL such as https://auth.example.com, not "${value}".`);
  }
  if (url.search || url.hash) throw new ConfigError('ISSUER must not have a query or fragment.');
  // One canonical spelling, so discovery, tokens and RFC 9207 `iss` compare byte for byte.
  return url.href.replace(/\/$/, '');
}

function parseCount(name: string, value: string | undefined, fallback: number): number {
  if (nonEmpty(value) === undefined) return fallback;
  const count = Number(value);
  if (!Number.isInteger(count) || count < 0) throw new ConfigError(`${name} must be a whole number, not "${value}".`);
  return count;
}

function parseBoolean(name: string, value: string | undefined): boolean | undefined {
  const v = nonEmpty(value)?.toLowerCase();
  if (v === undefined) return undefined;
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new ConfigError(`${name} must be true or false, not "${value}".`);
}

function parseLogLevel(value: string | undefined): Config['logLevel'] {
  const v = nonEmpty(value)?.toLowerCase() ?? 'info';
  if (v === 'debug' || v === 'info' || v === 'warn' || v === 'error' || v === 'silent') return v;
  throw new ConfigError(`LOG_LEVEL must be one of debug, info, warn, error, silent, not "${value}".`);
}
