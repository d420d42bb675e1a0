import { runCli } from '../../src/cli-commands.js';

/** Runs an `usher` command against `databaseUrl` as an operator would; returns its exit code and output lines. */
export async function usher(databaseUrl: string, ...argv: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runCli(argv, { DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' }, (line) => lines.push(line));
  return { code, lines };
}
