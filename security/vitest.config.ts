import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'security',
    globalSetup: ['support/global-setup.ts'],
    include: ['**/*.security.test.ts'],
    // One local stack per file; files run one after another so that load and fault figures are taken
    // without another suite competing for the same cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
