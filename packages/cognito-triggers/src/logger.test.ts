import { describe, expect, it } from 'vitest';

import { createLogger, describeError } from './logger';
import { TriggerError } from './errors';

function captured(env: Record<string, string | undefined> = {}) {
  const lines: string[] = [];
  const logger = createLogger('verify-auth-challenge-response', {
    env,
    write: (line) => void lines.push(line),
  });
  return { logger, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), lines };
}

describe('createLogger', () => {
  it('writes one JSON line per entry with the level, the service, the handler and the extra keys', () => {
    const { logger, lines, entries } = captured({ _X_AMZN_TRACE_ID: 'Root=1-abc' });
    logger.warn('verify-auth-challenge-response', { outcome: 'not_a_jwt' });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('\n')).toBe(true);
    expect(entries()[0]).toMatchObject({
      level: 'WARN',
      message: 'verify-auth-challenge-response',
      service: 'cognito-passkeys',
      handler: 'verify-auth-challenge-response',
      xray_trace_id: 'Root=1-abc',
      outcome: 'not_a_jwt',
    });
    expect(Number.isNaN(Date.parse(String(entries()[0]?.timestamp)))).toBe(false);
  });

  it.each([
    ['AWS_LAMBDA_LOG_LEVEL', { AWS_LAMBDA_LOG_LEVEL: 'WARN' }, ['WARN', 'ERROR']],
    ['POWERTOOLS_LOG_LEVEL', { POWERTOOLS_LOG_LEVEL: 'error' }, ['ERROR']],
    ['no level', {}, ['INFO', 'WARN', 'ERROR']],
    ['an unknown level', { AWS_LAMBDA_LOG_LEVEL: 'LOUD' }, ['INFO', 'WARN', 'ERROR']],
  ])('writes from the level %s names', (_name, env, levels) => {
    const { logger, entries } = captured(env);
    logger.info('a');
    logger.warn('b');
    logger.error('c');
    expect(entries().map((entry) => entry.level)).toEqual(levels);
  });
});

describe('describeError', () => {
  it('keeps the name and the code, never the message', () => {
    expect(describeError(new TriggerError('secret_unavailable', 'detail with s3cr3t'))).toEqual({
      name: 'TriggerError',
      code: 'secret_unavailable',
    });
    expect(describeError('text')).toEqual({ name: 'string' });
  });
});
