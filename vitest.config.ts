import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts', '**/*.test.tsx'],
    exclude: ['node_modules/**', 'data/**'],
    globalSetup: ['./test/harness/global-setup.ts'],
    setupFiles: ['./test/harness/worker-setup.ts'],
    pool: 'forks',
    // Two test files at a time: most tests wait on a database or a child process, and the machines have two cores.
    maxWorkers: 2,
    testTimeout: 90_000,
    hookTimeout: 120_000,
    teardownTimeout: 30_000,
  },
});
