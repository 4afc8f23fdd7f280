import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'emulator-kit',
    include: ['src/**/*.test.ts'],
  },
});
