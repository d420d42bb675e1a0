import { runCli } from './cli-commands.js';

// Operator commands (key rotation). Like main.ts, the only thing it does at import is run.
runCli(process.argv.slice(2), process.env, (line) => process.stdout.write(`${line}\n`)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`usher: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
