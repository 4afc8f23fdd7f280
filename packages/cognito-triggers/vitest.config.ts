import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'cognito-triggers', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});
