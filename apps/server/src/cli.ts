import { runCli } from './cli-commands.js';

// Operator commands (key rotation, import, seed). Like main.ts, the only thing it does at import is run. Progress
// goes to stderr only on a terminal, so logs and pipes get the summary alone.
runCli(
  process.argv.slice(2),
  process.env,
  (line) => process.stdout.write(`${line}\n`),
  process.stderr.isTTY ? (text) => process.stderr.write(text) : null,
).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`usher: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
