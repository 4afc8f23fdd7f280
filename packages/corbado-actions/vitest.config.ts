import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'corbado-actions',
    include: ['src/**/*.test.ts'],
    // Some tests load the AWS SDK afresh or start a Node process for a built module; nothing here
    // asserts on time, this is only the ceiling after which a hung test fails.
    testTimeout: 30_000,
  },
});
