import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'corbado-backend', include: ['src/**/*.test.ts'] },
});
