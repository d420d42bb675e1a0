import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '../../out/test-results/server.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts its own server on its own database; two cores are the machine's limit.
    maxWorkers: 2,
    minWorkers: 1,
    typecheck: { enabled: true, include: ['test/types/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
