import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'e2e',
    include: ['**/*.e2e.test.ts'],
    // One stack and one Chromium for the file; each journey has its own user and browser context, but they
    // run one at a time so that two ceremonies never compete for the 2 cores the figures are taken on.
    fileParallelism: false,
    sequence: { concurrent: false },
    testTimeout: 90_000,
    hookTimeout: 300_000,
  },
});
