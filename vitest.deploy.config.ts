import { defineConfig } from 'vitest/config';

// `npm run test:deploy`: the container image test (test/deploy/*.deploy.ts). It builds images with
// podman, so it stays out of `npm test`; .ci/run runs it after the main tests.
export default defineConfig({
  test: {
    include: ['test/deploy/**/*.deploy.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 1_800_000,
    teardownTimeout: 120_000,
  },
});
