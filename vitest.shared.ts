import { defineConfig } from 'vitest/config';
import { DEADLINES, TIMEOUT_SCALE_ENV, timeoutScale } from './tests/utils/src/timeouts.ts';

// One factor for the whole run: computed here (from SOCKWORKS_TEST_TIMEOUT_SCALE or the load average)
// and handed to the workers through the environment, so their waits stretch as the test timeouts do.
const scale = timeoutScale();
process.env[TIMEOUT_SCALE_ENV] = String(scale);

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
    // A backstop above the single waits (@sockworks/test-utils), which fail first and say what
    // they waited for; stretched on a loaded machine.
    testTimeout: Math.round(DEADLINES.test * scale),
    hookTimeout: Math.round(DEADLINES.test * scale),
    // Two cores: keep parallelism modest so socket tests do not starve each other.
    maxWorkers: 2,
  },
});
