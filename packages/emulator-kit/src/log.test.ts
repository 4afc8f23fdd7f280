import { describe, expect, it } from 'vitest';
import { errorName, jsonLineLogger, redact } from './log';

describe('jsonLineLogger', () => {
  it('writes one JSON record per line, tagged with the service', () => {
    const lines: string[] = [];
    const log = jsonLineLogger('local-x', (line) => lines.push(line));
    log({ level: 'info', event: 'started', url: 'http://127.0.0.1:1' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      service: 'local-x',
      level: 'info',
      event: 'started',
      url: 'http://127.0.0.1:1',
    });
  });

  it('never writes the value of a secret-named field', () => {
    const lines: string[] = [];
    const log = jsonLineLogger('local-x', (line) => lines.push(line));
    log({
      level: 'warn',
      event: 'x',
      apiSecret: 'corbado1_abc',
      refreshToken: 'rt',
      Authorization: 'Basic xyz',
      secretAccessKey: 'sak',
      session: 'sess',
      code: 'invalid_config',
    });
    const line = lines[0]!;
    for (const secret of ['corbado1_abc', 'rt"', 'Basic xyz', 'sak', 'sess"'])
      expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ code: 'invalid_config', apiSecret: '[redacted]' });
  });

  it('keeps level and event as given', () => {
    expect(redact({ level: 'error', event: 'token_failed' })).toEqual({
      level: 'error',
      event: 'token_failed',
    });
  });
});

describe('errorName', () => {
  it('gives the class name and nothing of the message', () => {
    expect(errorName(new TypeError('has /home/secret path'))).toBe('TypeError');
    expect(errorName('text')).toBe('string');
  });
});
