import { SigningKeys } from './auth/signing-keys.js';
import { ConfigError, loadConfig } from './config.js';
import { createDb } from './db/create-db.js';
import { migrateToLatest } from './db/migrate.js';

/** The longest an access or ID token lives: AccessTokenDuration is at most 600 minutes (openapi.yaml). */
export const MAX_TOKEN_LIFETIME_SECONDS = 600 * 60;

export const CLI_USAGE = `Usage: usher rotate-keys [--activate-in SECONDS]

  rotate-keys   Adds a new signing key. It is published in the JWKS at once and signs from SECONDS on (default 0).
                Publish ahead of use (e.g. --activate-in 300, one client JWKS cache period) so clients know the key
                before they meet it. Older keys keep verifying the tokens they signed; a key superseded for longer
                than the longest token lifetime (10 hours) is retired from the JWKS.`;

/**
 * The operator commands, apart from cli.ts so tests run them against a test database. Returns the exit code; writes
 * nothing secret (a kid is public).
 */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  write: (line: string) => void,
): Promise<number> {
  // Package managers may pass a literal `--` through; it separates nothing here.
  const [command, ...rest] = argv.filter((arg) => arg !== '--');
  if (command !== 'rotate-keys') {
    write(CLI_USAGE);
    return 2;
  }
  let activateInSeconds = 0;
  for (let i = 0; i < rest.length; i++) {
    const value = rest[i + 1];
    if (rest[i] === '--activate-in' && value !== undefined && /^\d+$/.test(value)) {
      activateInSeconds = Number(value);
      i++;
    } else {
      write(CLI_USAGE);
      return 2;
    }
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      write(`usher: ${error.message}`);
      return 2;
    }
    throw error;
  }
  const handle = createDb(config);
  try {
    await migrateToLatest(handle.db, handle.dialect);
    const keys = new SigningKeys(handle.db);
    await keys.init();
    const kid = await keys.rotate({ activateInSeconds });
    const activatesAt = new Date(Date.now() + activateInSeconds * 1000).toISOString();
    write(
      `New signing key ${kid}: published now, signs from ${activatesAt}. Every instance picks it up within a minute.`,
    );
    return 0;
  } finally {
    await handle.close();
  }
}
