import { describe, expect, it } from 'vitest';
import { actionScript, testConfig } from '../test/fixtures';
import { parseConfig } from './config';
import { ConfigError } from './errors';

describe('parseConfig', () => {
  it('fills secure defaults', () => {
    const config = parseConfig(testConfig());
    expect(config.userVerification).toBe('required');
    expect(config.flags).toEqual({});
    expect(config.connectTokenLifetimeSeconds).toBe(3600);
    expect(config.maxConnectTokenLifetimeSeconds).toBe(3600);
    expect(config.skipAppendWhen).toBe('passkey-on-device');
  });

  it('defaults an action to an empty environment and a 3 s timeout', () => {
    const config = parseConfig(testConfig({ actions: { preLogin: { script: actionScript('pre-login') } } }));
    expect(config.actions.preLogin).toEqual({ script: actionScript('pre-login'), env: {}, timeoutMs: 3000 });
    expect(config.actions.postAppend).toBeUndefined();
  });

  it.each([
    ['no origins', { rp: { id: 'localhost', name: 'n', origins: [] } }],
    ['an origin with a path', { rp: { id: 'localhost', name: 'n', origins: ['http://localhost:3000/app'] } }],
    [
      'an origin with a trailing slash',
      { rp: { id: 'localhost', name: 'n', origins: ['http://localhost:3000/'] } },
    ],
    ['an empty API secret', { apiSecret: '' }],
    ['a relative action script path', { actions: { preLogin: { script: 'pre-login.mjs' } } }],
    ['a missing action script', { actions: { postAppend: { script: '/nonexistent/post-append.mjs' } } }],
    [
      'an action environment value that is not a string',
      { actions: { preLogin: { script: actionScript('pre-login'), env: { N: 1 } } } },
    ],
    ['an action webhook URL (no longer supported)', { actions: { preLoginUrl: 'http://127.0.0.1:1/p' } }],
    ['a loosened user verification by a wrong name', { userVerification: 'discouraged' }],
    ['an append policy it does not know', { skipAppendWhen: 'always' }],
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
