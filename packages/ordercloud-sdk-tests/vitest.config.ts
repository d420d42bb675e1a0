import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', ['json', { outputFile: '../../out/test-results/ordercloud-sdk-tests.json' }]],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The SDK keeps its configuration and tokens in module-level singletons: one file at a time.
    fileParallelism: false,
  },
});
