import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { afterAll, expect, it } from 'vitest';

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = mkdtempSync(join(tmpdir(), 'cdk-synth-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** `cdk synth` of the example app, offline, with these context values. */
function cdkSynth(context: Record<string, string>) {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    CDK_DISABLE_VERSION_CHECK: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
  // Only the context given here configures the app.
  delete env.CORBADO_ACTIONS_PRINCIPAL;
  delete env.CORBADO_ACTIONS;
  return promisify(execFile)(
    'npx',
    [
      'cdk',
      'synth',
      '--no-notices',
      '--quiet',
      '--output',
      outdir,
      ...Object.entries(context).flatMap(([key, value]) => ['-c', `${key}=${value}`]),
    ],
    { cwd: PACKAGE_DIR, env, maxBuffer: 16 * 1024 * 1024 },
  );
}

it('synthesizes the example app offline with the CDK CLI, cdk-nag clean', async () => {
  const { stdout, stderr } = await cdkSynth({ corbadoActionsPrincipal: '210987654321' });
  expect(`${stdout}${stderr}`).not.toMatch(/\bERROR\b/);

  const template = JSON.parse(readFileSync(join(outdir, 'CognitoPasskeys.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  };
  const resources = Object.values(template.Resources);
  const types = resources.map((r) => r.Type);
  expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(3);
  expect(types).toContain('AWS::Cognito::UserPool');
  expect(types).not.toContain('AWS::Lambda::Url');
  const actionsRoles = resources.filter(
    (r) => r.Type === 'AWS::IAM::Role' && JSON.stringify(r.Properties).includes('sts:ExternalId'),
  );
  expect(actionsRoles).toHaveLength(1);
  expect(JSON.stringify(actionsRoles[0]?.Properties.AssumeRolePolicyDocument)).toContain(
    ':iam::210987654321:root',
  );

  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations: unknown[] }[];
  };
  expect(report.pluginReports.find((r) => r.pluginName === 'AwsSolutions')?.violations).toEqual([]);
});

it('refuses to synthesize without the actions principal', async () => {
  const failure = await cdkSynth({}).then(
    () => undefined,
    (error: unknown) => error as { code?: number; stderr?: string },
  );
  expect(failure?.code).not.toBe(0);
  expect(failure?.stderr).toContain('missing_actions_principal');
});
