import fs from 'node:fs';
import { SigningKeys } from './auth/signing-keys.js';
import type { RecordSource } from './bulk/checked-batches.js';
import { BulkImporter } from './bulk/importer.js';
import { formatOf } from './bulk/sources.js';
import { workerBatches } from './bulk/worker-batches.js';
import { ConfigError, loadConfig } from './config.js';
import { createDb, type DatabaseHandle } from './db/create-db.js';
import { buildDeferredIndexes, deferIndexes } from './db/deferred-indexes.js';
import { migrateToLatest } from './db/migrate.js';
import { countRows } from './list/list-page.js';

/** The longest an access or ID token lives: AccessTokenDuration is at most 600 minutes (openapi.yaml). */
export const MAX_TOKEN_LIFETIME_SECONDS = 600 * 60;

/** Below this many records, building the deferrable indexes again costs more than keeping them up to date. */
const AUTO_DEFER_MIN_RECORDS = 10_000;
/** A user record's size in an import file, roughly, to estimate how many records a file holds. */
const TYPICAL_RECORD_BYTES = 150;

type IndexMode = 'auto' | 'defer' | 'keep';
const indexMode = (value: string | undefined): IndexMode | null =>
  value === undefined ? 'auto' : value === 'auto' || value === 'defer' || value === 'keep' ? value : null;

export const CLI_USAGE = `Usage: usher rotate-keys [--activate-in SECONDS]
       usher import FILE [--format ndjson|csv] [--buyer ID] [--batch N] [--indexes auto|defer|keep]
       usher seed --users N [--buyer ID] [--seed S] [--batch N] [--indexes auto|defer|keep]

  rotate-keys   Adds a new signing key of each algorithm (ES256 for access tokens, RS256 for ID tokens). They are
                published in the JWKS at once and sign from SECONDS on (default 0). Publish ahead of use (e.g.
                --activate-in 300, one client JWKS cache period) so clients know the keys before they meet them.
                Older keys keep verifying the tokens they signed; a key superseded by a newer one of its algorithm
                for longer than the longest token lifetime (10 hours) is retired from the JWKS.
  import        Imports buyers and users from NDJSON (one JSON object a line) or CSV (a header row of field names),
                streaming, N records a transaction (default 25000). Fields are the API's (ID, Username, FirstName,
                LastName, Email, Phone, Active, TermsAccepted, Password, xp); a record with Type "Buyer" is a buyer
                (ID, Name, Active, xp), any other is a user of its BuyerID or of --buyer. Rejected records are
                listed with their line number and reason; the rest are imported.
  seed          Generates N realistic users (deterministic for a given --seed, default 1) in buyer ID (default
                "demo", created when missing). IDs are user-0001…; seeding again reports them as existing.
  --indexes     defer: drops the users indexes that only speed up lists (sorts, filters) and builds them once at
                the end; lists answer the same meanwhile, more slowly. keep: maintains them row by row. auto (the
                default): defers when at least ${AUTO_DEFER_MIN_RECORDS.toLocaleString('en')} records are expected (for a file, ${TYPICAL_RECORD_BYTES} bytes a
                record) and at least a quarter as many as the users already stored.

All commands use DATABASE_URL like the server and migrate the database first.`;

// Fewer, larger transactions: each commit writes the pages its rows touched in the unique and substring indexes, and
// every FTS5 segment it adds must be merged later.
const DEFAULT_BATCH = 25_000;

/** Options after the command: `--name value` pairs from `allowed`, plus positional arguments. */
function parseOptions(args: readonly string[], allowed: readonly string[]) {
  const options = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const value = args[i + 1];
    if (!allowed.includes(arg) || value === undefined) return null;
    options.set(arg, value);
    i++;
  }
  return { options, positional };
}

const wholeNumber = (value: string | undefined, min: number): number | null =>
  value !== undefined && /^\d+$/.test(value) && Number(value) >= min ? Number(value) : null;

/**
 * The operator commands, apart from cli.ts so tests run them against a test database. Returns the exit code; writes
 * nothing secret (a kid is public).
 */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  write: (line: string) => void,
  progress: ((text: string) => void) | null = null,
): Promise<number> {
  // Package managers may pass a literal `--` through; it separates nothing here.
  const [command, ...rest] = argv.filter((arg) => arg !== '--');
  const usage = () => {
    write(CLI_USAGE);
    return 2;
  };
  let run: (handle: DatabaseHandle) => Promise<number>;
  if (command === 'rotate-keys') {
    const parsed = parseOptions(rest, ['--activate-in']);
    const activateInSeconds = parsed ? wholeNumber(parsed.options.get('--activate-in') ?? '0', 0) : null;
    if (!parsed || parsed.positional.length > 0 || activateInSeconds === null) return usage();
    run = (handle) => rotateKeys(handle, activateInSeconds, write);
  } else if (command === 'import') {
    const parsed = parseOptions(rest, ['--format', '--buyer', '--batch', '--indexes']);
    const file = parsed?.positional[0];
    const format = parsed?.options.get('--format') ?? (file ? formatOf(file) : undefined);
    const batchSize = wholeNumber(parsed?.options.get('--batch') ?? String(DEFAULT_BATCH), 1);
    const indexes = indexMode(parsed?.options.get('--indexes'));
    if (!parsed || !file || parsed.positional.length !== 1 || batchSize === null || indexes === null) return usage();
    if (format !== 'ndjson' && format !== 'csv') return usage();
    if (!fs.existsSync(file)) {
      write(`usher: ${file} does not exist.`);
      return 2;
    }
    const defaultBuyerId = parsed.options.get('--buyer') ?? null;
    const expected = fs.statSync(file).size / TYPICAL_RECORD_BYTES;
    run = async (handle) => {
      const defer = await shouldDefer(handle, indexes, expected);
      const options = { batchSize, defaultBuyerId, label: file, deferIndexes: defer };
      return importRecords(handle, { kind: 'file', file, format }, options, write, progress);
    };
  } else if (command === 'seed') {
    const parsed = parseOptions(rest, ['--users', '--buyer', '--seed', '--batch', '--indexes']);
    const count = wholeNumber(parsed?.options.get('--users'), 1);
    const seed = wholeNumber(parsed?.options.get('--seed') ?? '1', 0);
    const batchSize = wholeNumber(parsed?.options.get('--batch') ?? String(DEFAULT_BATCH), 1);
    const buyerId = parsed?.options.get('--buyer') ?? 'demo';
    const indexes = indexMode(parsed?.options.get('--indexes'));
    if (!parsed || parsed.positional.length > 0 || count === null || seed === null || batchSize === null) {
      return usage();
    }
    if (indexes === null) return usage();
    run = async (handle) => {
      const defer = await shouldDefer(handle, indexes, count);
      const exists = await handle.db.selectFrom('buyers').select('id').where('id', '=', buyerId).executeTakeFirst();
      // The seed buyer first when it does not exist yet, then the generated users, as if read from a file.
      const source: RecordSource = { kind: 'seed', buyerId, count, seed, createBuyer: !exists };
      const options = { batchSize, defaultBuyerId: buyerId, label: 'seed', deferIndexes: defer };
      return importRecords(handle, source, options, write, progress);
    };
  } else {
    return usage();
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
  const handle = createDb(config, undefined, { bulkLoad: command !== 'rotate-keys' });
  try {
    await migrateToLatest(handle.db, handle.dialect);
    return await run(handle);
  } finally {
    await handle.close();
  }
}

async function rotateKeys(handle: DatabaseHandle, activateInSeconds: number, write: (line: string) => void) {
  const keys = new SigningKeys(handle.db);
  await keys.init();
  const kids = await keys.rotate({ activateInSeconds });
  const activatesAt = new Date(Date.now() + activateInSeconds * 1000).toISOString();
  for (const [alg, kid] of Object.entries(kids)) {
    write(`New ${alg} signing key ${kid}: published now, signs from ${activatesAt}.`);
  }
  write('Every instance picks them up within a minute.');
  // The usage promises it: keys whose successors have signed for longer than any token lives leave the JWKS.
  for (const kid of await keys.retireSuperseded(MAX_TOKEN_LIFETIME_SECONDS)) write(`Retired signing key ${kid}.`);
  return 0;
}

/** Whether a load of about `expected` records defers the speed-only indexes (see the usage, --indexes). */
async function shouldDefer(handle: DatabaseHandle, mode: IndexMode, expected: number): Promise<boolean> {
  if (mode !== 'auto') return mode === 'defer';
  if (expected < AUTO_DEFER_MIN_RECORDS) return false;
  return expected >= (await countRows(handle.db.selectFrom('users'))) / 4;
}

/**
 * Feeds records to the importer and reports: each rejected record as it happens, a progress line on a terminal
 * (`progress`, rewritten in place), and a summary at the end. Exit code 0 when every record was imported, 1 when
 * some were rejected.
 */
async function importRecords(
  handle: DatabaseHandle,
  source: RecordSource,
  options: { batchSize: number; defaultBuyerId: string | null; label: string; deferIndexes: boolean },
  write: (line: string) => void,
  progress: ((text: string) => void) | null,
): Promise<number> {
  const started = performance.now();
  const importer = new BulkImporter(handle, {
    onReject: ({ line, reason }) => write(`line ${line}: ${reason}`),
  });
  const rate = () => importer.counts.records / Math.max((performance.now() - started) / 1000, 0.001);
  let shownAt = 0;
  if (options.deferIndexes) await deferIndexes(handle.db, handle.dialect);
  try {
    const batches = workerBatches({ source, batchSize: options.batchSize, defaultBuyerId: options.defaultBuyerId });
    for await (const batch of batches) {
      await importer.write(batch);
      if (progress && performance.now() - shownAt > 250) {
        shownAt = performance.now();
        const { records, rejected } = importer.counts;
        progress(`\r${records.toLocaleString('en')} records · ${rate().toFixed(0)}/s · ${rejected} rejected `);
      }
    }
  } finally {
    // Also after a failure: what was stored is served, and should be served fast.
    if (options.deferIndexes) {
      progress?.('\rbuilding indexes… ');
      await buildDeferredIndexes(handle.db);
    }
  }
  await handle.dialect.refreshStatistics(handle.db);
  progress?.('\n');
  const { records, buyers, users, rejected } = importer.counts;
  const seconds = (performance.now() - started) / 1000;
  write(
    `${options.label}: ${records} records in ${seconds.toFixed(1)} s (${rate().toFixed(0)} records/s): ` +
      `${users} users and ${buyers} buyers imported, ${rejected} rejected.`,
  );
  return rejected === 0 ? 0 : 1;
}
