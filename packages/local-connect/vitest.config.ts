import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'local-connect',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser tests launch Chromium and bundle the official client once per file.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
