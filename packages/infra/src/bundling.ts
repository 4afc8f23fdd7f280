// How the trigger Lambdas are bundled: the one place the options live, used by the construct and by the
// bundle-size test and the bench, which run esbuild with exactly these options.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { HandlerName } from '@cognito-passkeys/cognito-triggers/config/env';
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

/** Where the handler sources live: `packages/cognito-triggers/src/handlers/<name>.ts`. */
export const TRIGGERS_PACKAGE = dirname(
  dirname(fileURLToPath(import.meta.resolve('@cognito-passkeys/cognito-triggers'))),
);

/** The source file a trigger Lambda is bundled from. */
export function triggerEntry(handler: HandlerName): string {
  return join(TRIGGERS_PACKAGE, 'src', 'handlers', `${handler}.ts`);
}

/**
 * The most a trigger bundle may weigh, minified: a Lambda's cold start grows with what it loads, and
 * Cognito waits for it inside its 5 s. The bundle-size test holds each trigger to it; the bench reports it.
 */
export const TRIGGER_BUNDLE_BUDGET_BYTES = 50_000;

/**
 * The `bundling` of every trigger function.
 *
 * - `externalModules: []`: everything a handler runs is in its bundle, none of it the runtime's. The
 *   handlers use no AWS SDK client (the secret is a signed `fetch`), and CDK's default would also leave
 *   `@smithy/*` to the runtime under a feature flag, i.e. a signer of whatever version Lambda ships.
 * - `mainFields: module, main`: the ES builds, which esbuild tree-shakes.
 */
export const TRIGGER_BUNDLING: BundlingOptions & {
  format: OutputFormat;
  minify: boolean;
  sourceMap: boolean;
  target: string;
  mainFields: string[];
  externalModules: string[];
  banner: string;
} = {
  format: OutputFormat.ESM,
  minify: true,
  sourceMap: false,
  target: 'node22',
  mainFields: ['module', 'main'],
  externalModules: [],
  // ESM bundles may hold CommonJS dependencies that call require().
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
};

/**
 * The esbuild options `NodejsFunction` derives from TRIGGER_BUNDLING for one handler (aws-lambda-nodejs
 * `Bundling`: `--bundle --platform=node` plus each option), for the bundle-size test and the bench.
 */
export function triggerBuildOptions(handler: HandlerName): BuildOptions {
  return {
    entryPoints: [triggerEntry(handler)],
    bundle: true,
    platform: 'node',
    format: TRIGGER_BUNDLING.format === OutputFormat.ESM ? 'esm' : 'cjs',
    minify: TRIGGER_BUNDLING.minify,
    sourcemap: TRIGGER_BUNDLING.sourceMap,
    target: TRIGGER_BUNDLING.target,
    mainFields: [...TRIGGER_BUNDLING.mainFields],
    external: [...TRIGGER_BUNDLING.externalModules],
    banner: { js: TRIGGER_BUNDLING.banner },
  };
}
