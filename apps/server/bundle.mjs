// Bundles the entry points, dist/main.js (the server), dist/cli.js (usher) and dist/import-worker.js (the thread
// that reads and checks an import's records, started by worker-batches.ts from next to cli.js), over tsc's output of
// the same names: Node then reads and compiles one file instead of resolving and loading some seven hundred modules,
// about a third of a cold start. Tests import src/ and are unaffected. Native better-sqlite3, and pg-native (which pg
// only requires when asked to), stay outside and load from node_modules.
import path from 'node:path';
import { build } from 'esbuild';

const here = import.meta.dirname;

await build({
  absWorkingDir: here,
  entryPoints: { main: 'src/main.ts', cli: 'src/cli.ts', 'import-worker': 'src/bulk/import-worker.ts' },
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'pg-native'],
  // The CommonJS dependencies call require() (Node's built-ins, the externals): an ES module has none of its own.
  banner: {
    js: "import { createRequire as usherCreateRequire } from 'node:module';\nconst require = usherCreateRequire(import.meta.url);",
  },
  // For `node --enable-source-maps`; the sources themselves stay in src/.
  sourcemap: true,
  sourcesContent: false,
  logLevel: 'warning',
});
process.stdout.write(
  `bundled ${['main.js', 'cli.js', 'import-worker.js'].map((f) => path.join('dist', f)).join(', ')}\n`,
);
