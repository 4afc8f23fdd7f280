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

it('synthesizes the example app offline with the CDK CLI, cdk-nag clean', async () => {
  const { stdout, stderr } = await promisify(execFile)(
    'npx',
    ['cdk', 'synth', '--no-notices', '--quiet', '--output', outdir],
    {
      cwd: PACKAGE_DIR,
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  expect(`${stdout}${stderr}`).not.toMatch(/\bERROR\b/);

  const template = JSON.parse(readFileSync(join(outdir, 'CognitoPasskeys.template.json'), 'utf8')) as {
    Resources: Record<string, { Type: string }>;
  };
  const types = Object.values(template.Resources).map((r) => r.Type);
  expect(types.filter((t) => t === 'AWS::Lambda::Function')).toHaveLength(5);
  expect(types).toContain('AWS::Cognito::UserPool');

  const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
    pluginReports: { pluginName: string; violations: unknown[] }[];
  };
  expect(report.pluginReports.find((r) => r.pluginName === 'AwsSolutions')?.violations).toEqual([]);
});
