import { defineConfig } from 'vitest/config';

// Every package with tests is a Vitest project; `npm run test:unit` runs them all (unit and integration).
// Browser end-to-end tests live in e2e/ and run separately (`npm run test:e2e`).
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/web'],
  },
});
