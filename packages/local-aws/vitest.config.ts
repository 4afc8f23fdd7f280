import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'local-aws',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // SRP's 3072-bit arithmetic and the trigger handlers' cold starts take a moment.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
