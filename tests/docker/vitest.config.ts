import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedConfig } from '../../vitest.shared.ts';

// One compose stack shared by every test in order; building five images from nothing takes minutes.
export default mergeConfig(
  sharedConfig,
  defineConfig({
    test: {
      include: ['test/**/*.e2e.ts'],
      maxWorkers: 1,
      testTimeout: 120_000,
      hookTimeout: 1_800_000,
    },
  }),
);
