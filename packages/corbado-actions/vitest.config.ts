import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'corbado-actions', include: ['src/**/*.test.ts'] },
});
