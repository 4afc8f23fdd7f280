import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basicAuth, captureLog, testConfig } from '../test/fixtures';
import { start, type RunningServer } from './index';

// Every endpoint, every kind of junk: the answer is a 4xx in Corbado's error shape, never a 5xx.

const FRONTEND = [
  'login/init',
  'login/start',
  'login/finish',
  'append/init',
  'append/start',
  'append/finish',
  'manage/init',
  'manage/list',
  'manage/delete',
  'events',
  'process/clear',
];
const BACKEND = ['connectTokens', 'passkey/verifySignedData', 'passkeys/verifySignedData'];
const JUNK = ['', '[]', 'null', '"text"', '42', '{', '{"identifier":{"$gt":""}}', '\u0000\u0001'];
const WITH_EMPTY_OBJECT = [...JUNK, '{}'];

describe('bad input', () => {
  let server: RunningServer;
  let processId: string;
  const logs = captureLog();

  beforeAll(async () => {
    server = await start({ config: testConfig(), log: logs.log });
    const res = await fetch(`${server.url}/v2/connect/append/init`, {
      method: 'POST',
      headers: { 'x-corbado-projectid': 'pro-1' },
      body: '{}',
    });
    processId = ((await res.json()) as { processID: string }).processID;
  });
  afterAll(() => server.stop());

  async function expectClientError(res: Response) {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const body = (await res.json()) as { httpStatusCode: number; error: { type: string } };
    expect(body.httpStatusCode).toBe(res.status);
    expect(typeof body.error.type).toBe('string');
  }

  for (const path of FRONTEND) {
    it(`/v2/connect/${path} answers junk with a 4xx`, async () => {
      // The inits accept any object (all their fields are optional), so objects are not junk for them.
      const bodies = path.endsWith('/init')
        ? JUNK.filter((b) => b !== '' && !b.startsWith('{"'))
        : WITH_EMPTY_OBJECT;
      for (const body of bodies) {
        const res = await fetch(`${server.url}/v2/connect/${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-corbado-projectid': 'pro-1',
            'x-corbado-process-id': processId,
          },
          body,
        });
        if (path === 'events' || path === 'process/clear') {
          if (res.ok) continue; // their fields are optional too
        }
        await expectClientError(res);
      }
    });
  }

  for (const path of BACKEND) {
    it(`/v2/${path} answers junk with a 4xx`, async () => {
      for (const body of WITH_EMPTY_OBJECT) {
        const res = await fetch(`${server.url}/v2/${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: basicAuth('pro-1', 'corbado1_test-secret'),
          },
          body,
        });
        await expectClientError(res);
      }
    });
  }

  it('never logged an unexpected failure', () => {
    expect(logs.events.filter((e) => e.level === 'error')).toEqual([]);
  });
});
