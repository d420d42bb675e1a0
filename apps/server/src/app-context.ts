import type { Kysely } from 'kysely';
import type { SigningKeys } from './auth/signing-keys.js';
import type { Config } from './config.js';
import type { DialectCapabilities } from './db/create-db.js';
import type { Database } from './db/database.js';
import type { FailureLimiter } from './oauth/failure-limiter.js';
import type { HttpMetrics } from './observability/http-metrics.js';
import type { Logger } from './shared/logger.js';

/** Everything a handler may use besides its request. Built once per app in main.ts or a test. */
export interface AppContext {
  db: Kysely<Database>;
  dialect: DialectCapabilities;
  config: Config;
  logger: Logger;
  keys: SigningKeys;
  /** Key of the client-secret hashes (see auth/client-secrets.ts). */
  secretPepper: Buffer;
  /** Throttles failed client authentications and sign-ins (oauth/failure-limiter.ts). */
  failures: FailureLimiter;
  /** Request counts and durations, and process metrics, served by GET /metrics. */
  metrics: HttpMetrics;
}
