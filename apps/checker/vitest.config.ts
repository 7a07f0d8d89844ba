import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Integration tests make dozens of dynalite writes per run; a loaded shared machine is slow.
    testTimeout: 30_000,
  },
});
