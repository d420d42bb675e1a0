import { ConfigError, loadConfig } from './config.js';
import { startServer } from './server.js';
import { createLogger } from './shared/logger.js';

// The only module with side effects at import: read the environment, start, and stop cleanly on a signal.

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`usher: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel);
  const running = await startServer(config, logger);
  if (running.adminClient.kind === 'generated') {
    // Printed once, on the first start of an empty database, so a new user can call the API at once.
    process.stdout.write(
      [
        '',
        '  No API client existed, so Usher created one with FullAccess. Keep the secret: it is shown only now.',
        `    client_id:     ${running.adminClient.clientId}`,
        `    client_secret: ${running.adminClient.clientSecret}`,
        `  Get a token:  curl -s ${config.issuer}/oauth/token -d grant_type=client_credentials \\`,
        `                  -d client_id=${running.adminClient.clientId} -d client_secret=<client_secret>`,
        '',
      ].join('\n'),
    );
  }
  logger.info('usher listening', {
    url: running.url.replace('127.0.0.1', 'localhost'),
    issuer: config.issuer,
    database: config.dialect,
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`usher: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
