import { describe, expect, it } from 'vitest';
import { mapResult } from './function-urls';

describe('mapResult (Function URL response mapping)', () => {
  it('sends a bare value as 200 JSON', () => {
    const answer = mapResult({ ok: true });
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body.toString()).toBe('{"ok":true}');
    expect(mapResult('plain').body.toString()).toBe('plain');
  });

  it('maps a structured result with status, headers, cookies and base64 bodies', () => {
    const answer = mapResult({
      statusCode: 401,
      headers: { 'X-A': 'b' },
      cookies: ['a=1'],
      body: Buffer.from('hi').toString('base64'),
      isBase64Encoded: true,
    });
    expect(answer.status).toBe(401);
    expect(answer.headers).toEqual({ 'x-a': 'b', 'set-cookie': ['a=1'] });
    expect(answer.body.toString()).toBe('hi');
  });

  it('answers 502 for an impossible status code', () => {
    expect(mapResult({ statusCode: 42 }).status).toBe(502);
  });
});
