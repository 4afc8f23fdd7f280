import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { actionScript, testConfig } from '../test/fixtures';

const CLI = fileURLToPath(new URL('./cli.ts', import.meta.url));

function run(args: string[]): {
  child: ChildProcess;
  firstLine: Promise<string>;
  exit: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const firstLine = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const newline = out.indexOf('\n');
      if (newline >= 0) resolve(out.slice(0, newline));
    });
    child.once('exit', () => reject(new Error(`exited before printing: ${out}`)));
  });
  firstLine.catch(() => undefined); // awaited only by the tests that expect a URL
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, firstLine, exit };
}

describe('cli', () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  afterEach(() => {
    children.splice(0).forEach((c) => c.kill('SIGTERM'));
    dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('starts from a config file (action scripts relative to it), prints its URL and serves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-connect-cli-'));
    dirs.push(dir);
    const configFile = join(dir, 'config.json');
    copyFileSync(actionScript('pre-login'), join(dir, 'pre-login.mjs'));
    writeFileSync(
      configFile,
      JSON.stringify(
        testConfig({ actions: { preLogin: { script: './pre-login.mjs', env: { USERNAME_PREFIX: 'u-' } } } }),
      ),
    );
    const { child, firstLine, exit } = run([
      '--config',
      configFile,
      '--port',
      '0',
      '--data-dir',
      join(dir, 'data'),
    ]);
    children.push(child);
    const url = await firstLine;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const jwks = (await (await fetch(`${url}/.well-known/jwks.json`)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(1);
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
  });

  it('exits non-zero on a bad config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-connect-cli-'));
    dirs.push(dir);
    const configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ projectId: 'pro-1' }));
    const { exit } = run(['--config', configFile]);
    expect(await exit).toBe(1);
  });
});
