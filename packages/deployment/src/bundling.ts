// How the trigger Lambdas are bundled: the one place the options live. The CDK construct maps them to
// `NodejsFunction`'s `bundling`; the bundle-size test and the bench run esbuild with exactly these options.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { HandlerName } from './environment';

/** The monorepo root: its package-lock.json pins what esbuild bundles. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The source file a trigger Lambda is bundled from: `packages/cognito-triggers/src/handlers/<name>.ts`. */
export function triggerEntry(handler: HandlerName): string {
  return join(REPO_ROOT, 'packages', 'cognito-triggers', 'src', 'handlers', `${handler}.ts`);
}

/**
 * The most a trigger bundle may weigh, minified: a Lambda's cold start grows with what it loads, and
 * Cognito waits for it inside its 5 s. The bundle-size test holds each trigger to it; the bench reports it.
 * 72 KB: verify is ~66 KB with Powertools Metrics (~15 KB of it), define ~62 KB with Metrics and the signer.
 */
export const TRIGGER_BUNDLE_BUDGET_BYTES = 72_000;

/**
 * The bundling of every trigger function.
 *
 * - `externalModules: []`: everything a handler runs is in its bundle, none of it the runtime's. The
 *   handlers use no AWS SDK client (the secret is a signed `fetch`), and CDK's default would also leave
 *   `@smithy/*` to the runtime under a feature flag, i.e. a signer of whatever version Lambda ships.
 * - `mainFields: module, main`: the ES builds, which esbuild tree-shakes.
 */
export const TRIGGER_BUNDLING = {
  format: 'esm',
  minify: true,
  sourceMap: false,
  target: 'node22',
  mainFields: ['module', 'main'],
  externalModules: [],
  // ESM bundles may hold CommonJS dependencies that call require().
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
} as const satisfies {
  format: 'esm' | 'cjs';
  minify: boolean;
  sourceMap: boolean;
  target: string;
  mainFields: readonly string[];
  externalModules: readonly string[];
  banner: string;
};

/** esbuild's options as `NodejsFunction` derives them from TRIGGER_BUNDLING (`--bundle --platform=node`). */
export interface TriggerBuildOptions {
  entryPoints: string[];
  bundle: true;
  platform: 'node';
  format: 'esm' | 'cjs';
  minify: boolean;
  sourcemap: boolean;
  target: string;
  mainFields: string[];
  external: string[];
  banner: { js: string };
}

/** The esbuild options for one handler, for the bundle-size test and the bench. */
export function triggerBuildOptions(handler: HandlerName): TriggerBuildOptions {
  return {
    entryPoints: [triggerEntry(handler)],
    bundle: true,
    platform: 'node',
    format: TRIGGER_BUNDLING.format,
    minify: TRIGGER_BUNDLING.minify,
    sourcemap: TRIGGER_BUNDLING.sourceMap,
    target: TRIGGER_BUNDLING.target,
    mainFields: [...TRIGGER_BUNDLING.mainFields],
    external: [...TRIGGER_BUNDLING.externalModules],
    banner: { js: TRIGGER_BUNDLING.banner },
  };
}
