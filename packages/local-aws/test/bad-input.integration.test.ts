import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, SUPPORTED_TARGETS, start, type LocalAws } from '../src/index';
import { testConfig } from './helpers';

/** Junk for every operation: always a typed 4xx in the AWS error shape, never a 5xx (clients retry those). */
const JUNK: string[] = [
  '{}',
  'null',
  '"text"',
  '{"UserPoolId":{"$ne":1},"ClientId":[1],"Username":true}',
  '{"ClientId":"x","AuthFlow":"CUSTOM_AUTH","AuthParameters":{"USERNAME":7}}',
  '{"AccessToken":"eyJ.eyJ.sig","Token":"","Name":"","Names":[]}',
  `{"Filter":"email = \\"${'a'.repeat(300)}\\"","UserPoolId":"us-east-1_x"}`,
  JSON.stringify({ a: Array.from({ length: 2000 }, () => ({ b: [1, 2, 3] })) }),
];

let server: LocalAws;
beforeAll(async () => {
  server = await start({ config: testConfig(), log: () => undefined });
});
afterAll(async () => {
  await server.stop();
});

describe('bad input on every operation', () => {
  it.each(SUPPORTED_TARGETS)('%s answers junk with a typed 400', async (target) => {
    for (const body of JUNK) {
      const res = await fetch(`${server.url}/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
        body,
      });
      expect(res.status, `${target} ${body.slice(0, 60)}`).toBe(400);
      const type = res.headers.get('x-amzn-errortype');
      expect(ERROR_CODES).toContain(type);
      expect(((await res.json()) as { __type: string }).__type).toBe(type);
    }
  });
});
