import { describe, expect, it } from 'vitest';
import { testConfig } from '../test/fixtures';
import { parseConfig } from './config';
import { ConfigError } from './errors';

describe('parseConfig', () => {
  it('fills secure defaults', () => {
    const config = parseConfig(testConfig());
    expect(config.userVerification).toBe('required');
    expect(config.flags).toEqual({});
    expect(config.connectTokenLifetimeSeconds).toBe(3600);
    expect(config.maxConnectTokenLifetimeSeconds).toBe(3600);
  });

  it('defaults the action timeout to 3 s', () => {
    const config = parseConfig(testConfig({ actions: { secret: 's', preLoginUrl: 'http://127.0.0.1:1/p' } }));
    expect(config.actions?.timeoutMs).toBe(3000);
  });

  it.each([
    ['no origins', { rp: { id: 'localhost', name: 'n', origins: [] } }],
    ['an origin with a path', { rp: { id: 'localhost', name: 'n', origins: ['http://localhost:3000/app'] } }],
    [
      'an origin with a trailing slash',
      { rp: { id: 'localhost', name: 'n', origins: ['http://localhost:3000/'] } },
    ],
    ['an empty API secret', { apiSecret: '' }],
    ['actions without a secret', { actions: { preLoginUrl: 'http://127.0.0.1:1/p' } }],
    ['a non-http action URL', { actions: { secret: 's', preLoginUrl: 'file:///etc/passwd' } }],
    ['a loosened user verification by a wrong name', { userVerification: 'discouraged' }],
  ])('fails at startup on %s', (_name, overrides) => {
    const attempt = () => parseConfig({ ...testConfig(), ...overrides });
    expect(attempt).toThrow(ConfigError);
    try {
      attempt();
    } catch (err) {
      expect((err as ConfigError).code).toBe('invalid_config');
    }
  });
});
