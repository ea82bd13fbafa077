import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Tests live beside the architecture: unit/integration tests in test/, fast-check properties in
// properties/. Properties and runtime tests start simulated or real clusters, so give them room.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'properties/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One test file per core: vitest's default leaves one core idle, and on the 2-core CI machines the long
    // files (the TLA+ corpus, the audit's builds) then ran one after another (~11 min instead of ~6).
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
