import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'infra',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // Synthesis bundles three functions with esbuild; the CLI test runs `cdk synth` as a subprocess.
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
