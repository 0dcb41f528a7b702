import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    environment: 'node',
    globalSetup: ['test/helpers/build-workers.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Argon2id and Chromium are memory- and CPU-heavy; two cores run two files at a time.
    maxWorkers: 2,
    pool: 'forks',
  },
});
