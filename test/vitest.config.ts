import { defineConfig } from 'vitest/config';

// Each file starts a whole platform (dynalite, s3rver, publisher, API, edge) and Chromium; on a
// 2-core machine they run one file at a time.
export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
