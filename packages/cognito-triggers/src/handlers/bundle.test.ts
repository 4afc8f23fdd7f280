import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { TRIGGER_BUNDLE_BUDGET_BYTES, triggerBuildOptions } from '@cognito-passkeys/deployment/bundling';
import type { Context, CreateAuthChallengeTriggerHandler } from 'aws-lambda';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEvent } from '../../test/fixtures/events';
import type { HandlerName } from '../config/env';

// Each trigger bundled as the CDK construct bundles it (its own options, imported from the deployment
// definition), held to its budget.
const HANDLERS: HandlerName[] = [
  'define-auth-challenge',
  'create-auth-challenge',
  'verify-auth-challenge-response',
];

let outDir: string;
const bundles = new Map<HandlerName, { file: string; bytes: number; inputs: string[] }>();

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'trigger-bundles-'));
  for (const handler of HANDLERS) {
    const file = join(outDir, `${handler}.mjs`);
    const result = await build({
      ...triggerBuildOptions(handler),
      outfile: file,
      metafile: true,
      logLevel: 'silent',
    });
    const [output] = Object.values(result.metafile.outputs);
    bundles.set(handler, {
      file,
      bytes: output?.bytes ?? Infinity,
      inputs: Object.keys(output?.inputs ?? {}),
    });
  }
}, 60_000);
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('trigger bundles', () => {
  it.each(HANDLERS)('%s fits the budget', (handler) => {
    expect(bundles.get(handler)?.bytes).toBeLessThanOrEqual(TRIGGER_BUNDLE_BUDGET_BYTES);
  });

  it.each(HANDLERS)('%s holds no AWS SDK client and of Powertools only Metrics', (handler) => {
    const heavy = bundles
      .get(handler)
      ?.inputs.filter(
        (path) =>
          /@aws-sdk\//.test(path) ||
          (/@aws-lambda-powertools\//.test(path) &&
            !/@aws-lambda-powertools\/(metrics|commons)\//.test(path)),
      );
    expect(heavy).toEqual([]);
  });

  it.each(['define-auth-challenge', 'verify-auth-challenge-response'] as const)(
    '%s carries Powertools Metrics',
    (handler) => {
      expect(
        bundles.get(handler)?.inputs.some((path) => path.includes('@aws-lambda-powertools/metrics/')),
      ).toBe(true);
    },
  );

  it('create-auth-challenge holds no validation library (it reads no configuration)', () => {
    expect(
      bundles.get('create-auth-challenge')?.inputs.filter((path) => path.includes('node_modules')),
    ).toEqual([]);
  });

  it('a bundle loads and answers as Lambda runs it', async () => {
    const file = bundles.get('create-auth-challenge')?.file ?? '';
    const { handler } = (await import(pathToFileURL(file).href)) as {
      handler: CreateAuthChallengeTriggerHandler;
    };
    const event = (await handler(createEvent([]), {} as Context, () => undefined)) as ReturnType<
      typeof createEvent
    >;
    expect(event.response.challengeMetadata).toBe('CORBADO_PASSKEY');
  });
});
