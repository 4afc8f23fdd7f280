// The built modules, as Corbado gets them: each imported in a fresh Node process with only its own
// environment, nothing installed beside it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { actionEnv, assumeRoleXml, cognitoJson, startAwsServer } from '../test/aws-server';
import { adminGetUser, USERNAME } from '../test/fixtures';
import { postAppendResultSchema, preLoginResultSchema } from './contract';
import { bundleActions, type BundleResult } from './bundle';

const run = promisify(execFile);

let outDir: string;
let built: BundleResult[];
let server: Awaited<ReturnType<typeof startAwsServer>>;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'corbado-actions-'));
  built = await bundleActions(outDir);
  const { Username, Enabled, UserStatus } = adminGetUser();
  server = await startAwsServer((request) =>
    request.action === 'sts:AssumeRole'
      ? assumeRoleXml('ASIAROLECREDENTIALS1')
      : request.action === 'cognito-idp:AdminGetUser'
        ? cognitoJson({ Username, Enabled, UserStatus })
        : cognitoJson({}),
  );
}, 60_000);

afterAll(async () => {
  await server.stop();
  await rm(outDir, { recursive: true, force: true });
});

/** Marks the line that carries the answer; the action's own log lines are on stdout too. */
const ANSWER = 'ANSWER ';

/** Imports `file` in a new Node process (outside this repository) and prints what `handler(event)` answers. */
async function runBuilt(file: string, event: unknown, env: Record<string, string>) {
  const script = `const ANSWER = ${JSON.stringify(ANSWER)};
const { handler } = await import(${JSON.stringify(file)});
if (typeof handler !== 'function') throw new Error('no handler export');
const answer = await handler(${JSON.stringify(event)});
process.stdout.write('\\n' + ANSWER + JSON.stringify(answer) + '\\n');`;
  const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], {
    cwd: outDir,
    env: { PATH: process.env.PATH ?? '', HOME: outDir, ...env },
    timeout: 30_000,
  });
  const lines = stdout.split('\n').filter(Boolean);
  const answer = lines.find((line) => line.startsWith(ANSWER))?.slice(ANSWER.length);
  // Every other line is the action's own log: one JSON object each.
  const logs = lines.filter((line) => !line.startsWith(ANSWER)).map((line) => JSON.parse(line) as unknown);
  return { answer: JSON.parse(answer ?? 'null') as unknown, logs, stderr };
}

const file = (action: string) => join(outDir, `${action}.mjs`);

describe('the built action modules', () => {
  it('are one ES module per action, without imports of anything but Node built-ins', async () => {
    expect(built.map((b) => b.action)).toEqual(['pre-login', 'post-append']);
    for (const { file: path, bytes } of built) {
      expect(bytes).toBeGreaterThan(0);
      const text = await readFile(path, 'utf8');
      const specifiers = [...text.matchAll(/\bfrom\s*"([^"]+)"|\bimport\("([^"]+)"\)/g)].map(
        (m) => m[1] ?? m[2],
      );
      expect(specifiers.filter((s) => !s?.startsWith('node:'))).toEqual([]);
    }
  });

  it('pre-login answers a bad identifier in the contract shape, with no network', async () => {
    const { answer } = await runBuilt(
      file('pre-login'),
      { identifier: 'a "b"' },
      actionEnv('http://127.0.0.1:9'),
    );
    expect(preLoginResultSchema.parse(answer)).toEqual({
      statusCode: 200,
      body: { identifier: '', error: { return: false, code: 'invalid_identifier' } },
    });
  });

  it('post-append answers an event without a username in the contract shape, with no network', async () => {
    const { answer } = await runBuilt(file('post-append'), {}, actionEnv('http://127.0.0.1:9'));
    expect(postAppendResultSchema.parse(answer)).toEqual({
      statusCode: 500,
      body: { code: 'invalid_event' },
    });
  });

  it('pre-login without configuration answers and logs config_invalid', async () => {
    const { answer, stderr } = await runBuilt(file('pre-login'), { identifier: 'alice@example.com' }, {});
    expect(preLoginResultSchema.parse(answer).body).toEqual({
      identifier: '',
      error: { return: false, code: 'untyped' },
    });
    expect(stderr).toContain('"code":"config_invalid"');
  });

  it('pre-login translates an email through STS and Cognito at AWS_ENDPOINT_URL_*', async () => {
    server.requests.length = 0;
    const { answer } = await runBuilt(
      file('pre-login'),
      { identifier: 'alice@example.com' },
      actionEnv(server.url),
    );
    expect(preLoginResultSchema.parse(answer)).toEqual({ statusCode: 200, body: { identifier: USERNAME } });
    expect(server.requests.map((r) => r.action)).toEqual(['sts:AssumeRole', 'cognito-idp:AdminGetUser']);
  });

  it('post-append turns MFA on through STS and Cognito at AWS_ENDPOINT_URL_*', async () => {
    server.requests.length = 0;
    const { answer } = await runBuilt(file('post-append'), { username: USERNAME }, actionEnv(server.url));
    expect(postAppendResultSchema.parse(answer)).toEqual({
      statusCode: 200,
      body: { outcome: 'mfa_enabled' },
    });
    expect(server.requests.map((r) => r.action)).toEqual([
      'sts:AssumeRole',
      'cognito-idp:AdminGetUser',
      'cognito-idp:AdminSetUserMFAPreference',
    ]);
  });
});
