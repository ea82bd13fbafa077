import { defineConfig } from 'vitest/config';

// Tests live beside the architecture: unit/integration tests in test/, fast-check properties in
// properties/. Properties and runtime tests start simulated or real clusters, so give them room.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'properties/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
