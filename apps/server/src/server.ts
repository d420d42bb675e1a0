import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from './app.js';
import type { AppContext } from './app-context.js';
import { getOrCreateServerSecret } from './auth/server-secrets.js';
import { SigningKeys } from './auth/signing-keys.js';
import { type AdminClientOutcome, ensureAdminClient } from './bootstrap/admin-client.js';
import type { Config } from './config.js';
import { createDb } from './db/create-db.js';
import { migrateToLatest } from './db/migrate.js';
import { syncXpIndexes } from './db/xp-indexes.js';
import { InMemoryFailureLimiter } from './oauth/failure-limiter.js';
import { createHttpMetrics } from './observability/http-metrics.js';
import { createLogger, type Logger } from './shared/logger.js';

export interface RunningServer {
  url: string;
  context: AppContext;
  adminClient: AdminClientOutcome;
  server: Server;
  /** Stops accepting connections, lets in-flight requests finish, then closes the database. */
  close(): Promise<void>;
}

/** Opens the database, migrates it, prepares keys and the admin client, and listens. Used by main.ts and tests. */
export async function startServer(
  config: Config,
  logger: Logger = createLogger(config.logLevel),
): Promise<RunningServer> {
  const handle = createDb(config, (error) =>
    logger.warn('database connection lost while idle; the pool replaces it', { error: error.message }),
  );
  let keysCreated: Promise<void> = Promise.resolve();
  try {
    await migrateToLatest(handle.db, handle.dialect);
    await syncXpIndexes(handle, logger);
    const keys = new SigningKeys(handle.db);
    // A first start generates the signing keys on the thread pool (an RSA key pair costs hundreds of milliseconds of
    // CPU, more on a busy machine): the server listens meanwhile, and a request that needs a key waits for them
    // (SigningKeys does). A failure here is retried by the next such request.
    keysCreated = keys.init().catch((error: unknown) => {
      logger.error('creating the signing keys failed; the next request that needs one tries again', {
        error: String(error),
      });
    });
    const secretPepper = await getOrCreateServerSecret(handle.db, 'client-secret-pepper');
    const failures = new InMemoryFailureLimiter(config.rateLimit);
    const context: AppContext = {
      db: handle.db,
      dialect: handle.dialect,
      config,
      logger,
      keys,
      secretPepper,
      failures,
      metrics: createHttpMetrics(),
    };
    const adminClient = await ensureAdminClient(context);
    const app = createApp(context);
    const server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.port, (error?: Error) => (error ? reject(error) : resolve(s)));
    });
    const { port } = server.address() as AddressInfo;
    return {
      url: `http://127.0.0.1:${port}`,
      context,
      adminClient,
      server,
      close: async () => {
        await new Promise<void>((resolve) => {
          // Keep-alive connections turn idle as their in-flight requests finish: close each then, and whatever is
          // still busy once the grace period is over.
          const closeIdle = setInterval(() => server.closeIdleConnections(), 100);
          const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownGraceSeconds * 1000);
          server.close(() => {
            clearInterval(closeIdle);
            clearTimeout(deadline);
            resolve();
          });
          server.closeIdleConnections();
        });
        // Not before the key generation has settled, which may still be writing.
        await keysCreated;
        await handle.close();
      },
    };
  } catch (error) {
    // Not before the key generation has settled, which may still be writing.
    await keysCreated;
    await handle.close();
    throw error;
  }
}
