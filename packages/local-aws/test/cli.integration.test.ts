import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(join(tmpdir(), 'local-aws-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

function run(args: string[]): Promise<{ url?: string; code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let out = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url !== undefined) {
        fetch(`${url}/_local/outbox`)
          .then((r) => r.json())
          .then(() => {
            child.kill('SIGTERM');
            resolve({ url, code: 0, stderr });
          })
          .catch(() => child.kill('SIGTERM'));
      }
    });
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('local-aws CLI', () => {
  it('starts from a config file and prints its URL', async () => {
    const config = join(dir, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({
        userPools: [{ name: 'cli', clients: [{ name: 'web', explicitAuthFlows: ['ALLOW_CUSTOM_AUTH'] }] }],
      }),
    );
    const result = await run(['--port', '0', '--data-dir', join(dir, 'data'), '--config', config]);
    expect(result.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('refuses an invalid config with exit code 1', async () => {
    const config = join(dir, 'bad.json');
    writeFileSync(
      config,
      JSON.stringify({ userPools: [{ name: 'x', lambdaConfig: { DefineAuthChallenge: 'missing' } }] }),
    );
    const result = await run(['--config', config]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('unknown function');
  });
});
