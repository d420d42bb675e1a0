import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { seedUsers } from '../../server/src/bulk/seed.js';
import { createDb, type DatabaseHandle } from '../../server/src/db/create-db.js';
import { percentile } from './measure.js';

// The large-data scenarios: bulk import rate, and list search over a million users next to the plain LIKE scan the
// substring index replaces. Data goes in through the `usher` CLI itself (seed, import), as an operator would do it.

export interface Timing {
  p50: number;
  p95: number;
  p99: number;
  runs: number;
}

/** Runs `node cli.js …` with DATABASE_URL; returns the wall time and the summary line. */
export async function runUsherCli(
  cli: string,
  databaseUrl: string,
  args: readonly string[],
): Promise<{ seconds: number; summary: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const summary = output.trim().split('\n').at(-1) ?? '';
  if (code !== 0) throw new Error(`usher ${args.join(' ')} exited with ${code}: ${summary}`);
  return { seconds: (performance.now() - started) / 1000, summary };
}

/** `count` seeded users of `buyerId` as an NDJSON import file, the buyer first. */
export function writeUsersFile(file: string, buyerId: string, count: number): void {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, `${JSON.stringify({ Type: 'Buyer', ID: buyerId, Name: 'Imported' })}\n`);
  let chunk = '';
  for (const user of seedUsers(count, buyerId, 7)) {
    chunk += `${JSON.stringify(user)}\n`;
    if (chunk.length > 1 << 20) {
      fs.writeSync(out, chunk);
      chunk = '';
    }
  }
  fs.writeSync(out, chunk);
  fs.closeSync(out);
}

/** A fresh PostgreSQL database for one run (psql against the local server), and how to drop it. */
export function createPostgresDatabase(adminUrl: string): { url: string; drop(): void } {
  const name = `usher_bench_${randomBytes(4).toString('hex')}`;
  execFileSync('psql', [adminUrl, '-q', '-c', `create database ${name}`]);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    drop: () => execFileSync('psql', [adminUrl, '-q', '-c', `drop database if exists ${name} with (force)`]),
  };
}

/**
 * The same page the API serves for `search` (20 rows in the default order, and the exact count), written as the
 * plain `lower(column) like '%…%'` over every searchable column, without the substring index: the scan it replaces.
 * On PostgreSQL the column goes through concat() so the planner cannot use the pg_trgm expression indexes.
 */
export async function timePlainLike(databaseUrl: string, buyerId: string, term: string, runs: number) {
  const handle: DatabaseHandle = createDb({
    databaseUrl,
    dialect: /^postgres/.test(databaseUrl) ? 'postgres' : 'sqlite',
  });
  const pattern = `%${term.toLowerCase()}%`;
  const columns = ['id', 'username', 'first_name', 'last_name', 'email'] as const;
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      const base = handle.db
        .selectFrom('users')
        .where('buyer_id', '=', buyerId)
        .where((eb) =>
          eb.or(
            columns.map((column) =>
              eb(
                eb.fn('lower', [
                  handle.dialect.name === 'postgres' ? eb.fn('concat', [eb.ref(column)]) : eb.ref(column),
                ]),
                'like',
                pattern,
              ),
            ),
          ),
        );
      await Promise.all([
        base.selectAll().orderBy('last_name').orderBy('first_name').orderBy('id').limit(20).execute(),
        base.select((eb) => eb.fn.countAll().as('count')).executeTakeFirst(),
      ]);
      times.push(performance.now() - started);
    }
  } finally {
    await handle.close();
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p95: percentile(times, 95), p99: percentile(times, 99), runs } as Timing;
}

export const fileSizeMb = (file: string) => (fs.statSync(file).size / 1024 / 1024).toFixed(0);
export const sqliteFile = (dir: string, name: string) => path.join(dir, name);
