// Builds each action into one self-contained ES module, the file that is pasted into Corbado's console:
// the AWS SDK and zod are inside, so nothing needs installing where Corbado runs it.
import { stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { build } from 'esbuild';

const SOURCE_DIR = dirname(fileURLToPath(import.meta.url));

/** The actions and the file each becomes. */
export const ACTION_ENTRIES = {
  'pre-login': join(SOURCE_DIR, 'pre-login.ts'),
  'post-append': join(SOURCE_DIR, 'post-append.ts'),
} as const;

export type BundledAction = keyof typeof ACTION_ENTRIES;

export interface BundleResult {
  action: BundledAction;
  file: string;
  bytes: number;
}

/**
 * Bundles both actions into `outDir/<action>.mjs`.
 *
 * - `mainFields: module, main`: the AWS SDK packages publish an ES build under `module` that esbuild can
 *   tree-shake to the commands used; the CommonJS `main` esbuild picks by default for Node carries the
 *   whole client. This takes a module from 1.47 MB to 0.95 MB, and leaves no CommonJS `require` of Node's
 *   built-ins in it, so no `createRequire` banner is needed (the bundle test proves it loads).
 * - zod comes in as `zod/mini` (see contract.ts): 40 KB instead of 750 KB.
 * - Minified: 0.37 MB instead of 0.95 MB, for a file pasted into a web console. Nothing depends on names
 *   minification changes: the SDK's error names and ActionError's are string literals. The source in this
 *   package is what one reads; the minified module is an artefact of it.
 */
export async function bundleActions(outDir: string): Promise<BundleResult[]> {
  const results: BundleResult[] = [];
  for (const [action, entry] of Object.entries(ACTION_ENTRIES) as [BundledAction, string][]) {
    const file = resolve(outDir, `${action}.mjs`);
    await build({
      entryPoints: [entry],
      outfile: file,
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      mainFields: ['module', 'main'],
      minify: true,
      legalComments: 'none',
      logLevel: 'warning',
      banner: {
        js: `// Corbado Connect action "${action}" for Amazon Cognito, built from @cognito-passkeys/corbado-actions src/${action}.ts.`,
      },
    });
    results.push({ action, file, bytes: (await stat(file)).size });
  }
  return results;
}
