import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { TRIGGER_BUNDLE_BUDGET_BYTES, triggerBuildOptions } from '@cognito-passkeys/deployment/bundling';
import type { Context, CreateAuthChallengeTriggerHandler } from 'aws-lambda';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createEvent, defineEvent } from '../../test/fixtures/events';
import { ENV } from '../config/keys';
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

  it('define-auth-challenge, bundled, in a fresh process as Lambda runs it: reads the mode, writes EMF', async () => {
    // An SSM stand-in answering the mode `off` (the signature itself is checked in ssm-parameter.test.ts).
    const targets: string[] = [];
    const ssm = createServer((req, res) => {
      targets.push(String(req.headers['x-amz-target']));
      req.resume();
      req.on('end', () =>
        res
          .writeHead(200, { 'content-type': 'application/x-amz-json-1.1' })
          .end(JSON.stringify({ Parameter: { Type: 'String', Value: 'off' } })),
      );
    });
    await new Promise<void>((done) => ssm.listen(0, '127.0.0.1', done));
    const runner = [
      `const { handler } = await import(${JSON.stringify(pathToFileURL(bundles.get('define-auth-challenge')?.file ?? '').href)});`,
      `const event = ${JSON.stringify(defineEvent([]))};`,
      `const answered = await handler(event, { functionName: 'define-auth-challenge' });`,
      `process.stdout.write(JSON.stringify({ response: answered.response }) + '\\n');`,
    ].join('\n');
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '--eval', runner],
        {
          env: {
            PATH: process.env.PATH,
            [ENV.passkeyModeParameter]: '/cognito-passkeys/passkey-mode',
            AWS_REGION: 'eu-central-1',
            AWS_ACCESS_KEY_ID: 'AKIDBUNDLETEST',
            AWS_SECRET_ACCESS_KEY: 'bundle-test-secret-key',
            AWS_ENDPOINT_URL_SSM: `http://127.0.0.1:${(ssm.address() as AddressInfo).port}`,
            AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
          },
        },
      );
      const lines = stdout
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      expect(targets).toEqual(['AmazonSSM.GetParameter']);
      expect(lines.at(-1)).toEqual({
        response: { issueTokens: false, failAuthentication: true },
      });
      const metrics = lines
        .filter((line) => '_aws' in line)
        .map(({ _aws, ...fields }) => ({
          namespace: (_aws as { CloudWatchMetrics: { Namespace: string }[] }).CloudWatchMetrics[0]?.Namespace,
          fields,
        }));
      expect(metrics).toEqual([
        {
          namespace: 'CognitoPasskeys',
          fields: { service: 'cognito-passkeys', function_name: 'define-auth-challenge', ColdStart: 1 },
        },
        {
          namespace: 'CognitoPasskeys',
          fields: { service: 'cognito-passkeys', outcome: 'passkeys_disabled', PasskeySignInFailed: 1 },
        },
      ]);
      expect(lines.filter((line) => line.message === 'define-auth-challenge')).toMatchObject([
        { level: 'INFO', next: 'fail', reason: 'passkeys_disabled', mode: 'off' },
      ]);
    } finally {
      ssm.close();
    }
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
