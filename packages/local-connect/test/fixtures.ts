import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalConnectConfig, LogEvent } from '../src/index';

/** A project as the tests use it; the RP is the test page's host. */
export function testConfig(overrides: Partial<LocalConnectConfig> = {}): LocalConnectConfig {
  return {
    projectId: 'pro-1',
    apiSecret: 'corbado1_test-secret',
    rp: { id: 'localhost', name: 'Cognito Passkeys', origins: ['http://localhost:3000'] },
    ...overrides,
  };
}

/** A log sink that keeps events for assertions. */
export function captureLog(): { events: LogEvent[]; log: (event: LogEvent) => void } {
  const events: LogEvent[] = [];
  return { events, log: (event) => events.push(event) };
}

/** A clock the test moves by hand. */
export function manualClock(start = new Date('2026-01-01T00:00:00Z')) {
  let current = start.getTime();
  return {
    now: () => new Date(current),
    advance(seconds: number) {
      current += seconds * 1000;
    },
  };
}

export function basicAuth(projectId: string, apiSecret: string): string {
  return `Basic ${Buffer.from(`${projectId}:${apiSecret}`).toString('base64')}`;
}

/** Absolute path of a test action script in `test/fixtures/actions/`. */
export function actionScript(name: string): string {
  return fileURLToPath(new URL(`./fixtures/actions/${name}.mjs`, import.meta.url));
}

/**
 * The test actions as a project configures them: pre-login maps `<local>@…` to `user-<local>` (see
 * `fixtures/actions/pre-login.mjs`), post-append writes each call to a file the test reads.
 */
export function testActions(options: { preLoginTimeoutMs?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'local-connect-actions-'));
  const callsFile = join(dir, 'post-append-calls.jsonl');
  return {
    config: {
      preLogin: {
        script: actionScript('pre-login'),
        env: { USERNAME_PREFIX: 'user-' },
        timeoutMs: options.preLoginTimeoutMs ?? 1000,
      },
      postAppend: { script: actionScript('post-append'), env: { CALLS_FILE: callsFile } },
    },
    /** The events post-append received so far. */
    postAppendCalls(): unknown[] {
      if (!existsSync(callsFile)) return [];
      return readFileSync(callsFile, 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as unknown);
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The username pre-login's test script returns for an email. */
export function usernameFor(email: string): string {
  return `user-${email.split('@')[0]!.toLowerCase()}`;
}

/**
 * A user of its own for one test: an email whose local part starts with `kind` (which picks the
 * pre-login outcome, see `fixtures/actions/pre-login.mjs`) and the username pre-login maps it to.
 */
export function testUser(kind = 'jane'): { email: string; username: string } {
  const email = `${kind}-${randomUUID().slice(0, 8)}@example.com`;
  return { email, username: usernameFor(email) };
}

/** The names of the `access-control-*` headers of an answer. */
export function corsHeaderNames(headers: Headers): string[] {
  const names: string[] = [];
  headers.forEach((_, name) => {
    if (name.startsWith('access-control-')) names.push(name);
  });
  return names;
}
