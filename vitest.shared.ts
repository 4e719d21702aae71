import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings for every package and app. The `sockworks-source` export condition makes
 * tests import workspace packages from their TypeScript sources, so no build is needed to test.
 */
export const sharedConfig = defineConfig({
  resolve: { conditions: ['sockworks-source', 'import', 'module', 'node', 'default'] },
  ssr: { resolve: { conditions: ['sockworks-source', 'import', 'node', 'default'] } },
  test: {
    environment: 'node',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Two cores: keep parallelism modest so socket tests do not starve each other.
    maxWorkers: 2,
  },
});
