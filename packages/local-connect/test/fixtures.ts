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
