import { configDefaults, defineConfig } from 'vitest/config';
import { DIALECTS } from './test/support/dialects.js';

// Files that only mean something on PostgreSQL run only when the run covers it, instead of reporting skipped tests.
const POSTGRES_ONLY = ['test/integration/two-instances.test.ts'];

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(DIALECTS.includes('postgres') ? [] : POSTGRES_ONLY)],
    reporters: ['default', ['json', { outputFile: '../../out/test-results/server.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts its own server on its own database; two cores are the machine's limit.
    maxWorkers: 2,
    minWorkers: 1,
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
