import { describe, expect, it } from 'vitest';
import { corsPolicy } from './cors';

describe('corsPolicy', () => {
  const policy = corsPolicy({
    origins: ['http://localhost:3000'],
    allowMethods: 'POST, OPTIONS',
    allowHeaders: 'content-type',
  });

  it('allows only the configured origins, exactly', () => {
    expect(policy.allows('http://localhost:3000')).toBe(true);
    expect(policy.allows('http://localhost:3001')).toBe(false);
    expect(policy.allows('http://localhost:3000/')).toBe(false);
    expect(policy.allows('null')).toBe(false);
    expect(policy.allows('*')).toBe(false);
  });

  it('names the caller, never `*`, and varies on Origin', () => {
    expect(policy.headersFor('http://localhost:3000')).toEqual({
      'access-control-allow-origin': 'http://localhost:3000',
      vary: 'origin',
    });
  });

  it('caches preflights for two hours by default', () => {
    expect(policy.preflightHeaders).toEqual({
      'access-control-allow-methods': 'POST, OPTIONS',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '7200',
    });
  });

  it('adds credentials and exposed headers only when asked', () => {
    const withBoth = corsPolicy({
      origins: ['https://app.example'],
      allowMethods: 'GET,POST',
      allowHeaders: 'x-a',
      exposeHeaders: 'x-amzn-requestid',
      credentials: true,
      maxAgeSeconds: 60,
    });
    expect(withBoth.headersFor('https://app.example')).toMatchObject({
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'x-amzn-requestid',
    });
    expect(withBoth.preflightHeaders['access-control-max-age']).toBe('60');
  });
});
