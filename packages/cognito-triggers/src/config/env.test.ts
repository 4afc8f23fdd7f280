import { afterEach, describe, expect, it, vi } from 'vitest';

import {
  ENV_DEFAULTS,
  HANDLER_ENV as DEPLOYMENT_HANDLER_ENV,
  MAX_CORBADO_TIMEOUT_MS,
  TIME_BUDGET,
} from '@cognito-passkeys/deployment/environment';
import { HANDLERS } from '@cognito-passkeys/deployment';
import { PASSKEY_MODE_STALE_SECONDS } from '@cognito-passkeys/deployment/operations';

import { TriggerError } from '../errors';
import { SSM_DEADLINE_MS } from '../ssm-parameter';
import { HANDLER_ENV, loadDefineConfig, loadVerifyConfig } from './env';
import { ENV } from './keys';

const verifyEnv = {
  [ENV.corbadoProjectId]: 'pro-1',
  [ENV.corbadoBackendApiUrl]: 'https://backendapi.cloud.corbado.io',
  [ENV.corbadoApiSecretParameter]: '/cognito-passkeys/corbado-api-secret',
};

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof TriggerError ? error.code : 'other';
  }
  return undefined;
}

describe('configuration', () => {
  it('parses the verify config with its defaults', () => {
    expect(loadVerifyConfig(verifyEnv)).toEqual({
      corbadoProjectId: 'pro-1',
      corbadoBackendApiUrl: 'https://backendapi.cloud.corbado.io',
      corbadoApiSecretParameter: '/cognito-passkeys/corbado-api-secret',
      corbadoTimeoutMs: ENV_DEFAULTS[ENV.corbadoTimeoutMs],
      secretCacheSeconds: 300,
    });
  });

  it.each([
    ['a missing project ID', { ...verifyEnv, [ENV.corbadoProjectId]: undefined }, ENV.corbadoProjectId],
    ['a relative URL', { ...verifyEnv, [ENV.corbadoBackendApiUrl]: '/v2' }, ENV.corbadoBackendApiUrl],
    [
      'a timeout past the trigger budget',
      { ...verifyEnv, [ENV.corbadoTimeoutMs]: '6000' },
      ENV.corbadoTimeoutMs,
    ],
    ['a non-numeric timeout', { ...verifyEnv, [ENV.corbadoTimeoutMs]: '3s' }, ENV.corbadoTimeoutMs],
    [
      'a bad parameter name',
      { ...verifyEnv, [ENV.corbadoApiSecretParameter]: 'a b' },
      ENV.corbadoApiSecretParameter,
    ],
  ])('rejects %s, naming the key', (_name, env, key) => {
    expect(codeOf(() => loadVerifyConfig(env))).toBe('invalid_config');
    expect(() => loadVerifyConfig(env)).toThrow(key);
  });

  const defineEnv = { [ENV.passkeyModeParameter]: '/cognito-passkeys/passkey-mode' };

  it('parses the define config with its defaults', () => {
    expect(loadDefineConfig(defineEnv)).toEqual({
      maxPasskeyAttempts: 3,
      passkeyModeParameter: '/cognito-passkeys/passkey-mode',
      passkeyModeCacheSeconds: ENV_DEFAULTS[ENV.passkeyModeCacheSeconds],
    });
  });

  it.each([
    ['unset', undefined, 3],
    ['empty', '', 3],
    ['set', '5', 5],
  ])('reads the attempt limit when %s', (_name, value, expected) => {
    expect(loadDefineConfig({ ...defineEnv, [ENV.maxPasskeyAttempts]: value }).maxPasskeyAttempts).toBe(
      expected,
    );
  });

  it.each(['0', '11', 'three'])('rejects the attempt limit %s', (value) => {
    expect(codeOf(() => loadDefineConfig({ ...defineEnv, [ENV.maxPasskeyAttempts]: value }))).toBe(
      'invalid_config',
    );
  });

  it.each([
    ['a missing mode parameter', { [ENV.passkeyModeParameter]: undefined }, ENV.passkeyModeParameter],
    ['a bad mode parameter name', { [ENV.passkeyModeParameter]: 'a b' }, ENV.passkeyModeParameter],
    [
      'a mode cache longer than a stale mode is served',
      { [ENV.passkeyModeCacheSeconds]: String(PASSKEY_MODE_STALE_SECONDS + 1) },
      ENV.passkeyModeCacheSeconds,
    ],
    ['a negative mode cache', { [ENV.passkeyModeCacheSeconds]: '-1' }, ENV.passkeyModeCacheSeconds],
  ])('rejects %s, naming the key', (_name, extra, key) => {
    const env = { ...defineEnv, ...extra };
    expect(codeOf(() => loadDefineConfig(env))).toBe('invalid_config');
    expect(() => loadDefineConfig(env)).toThrow(key);
  });

  it('accepts a mode cache of 0 (read on every sign-in)', () => {
    expect(
      loadDefineConfig({ ...defineEnv, [ENV.passkeyModeCacheSeconds]: '0' }).passkeyModeCacheSeconds,
    ).toBe(0);
  });

  it('lists exactly the keys each handler reads', () => {
    expect(HANDLER_ENV['verify-auth-challenge-response'].sort()).toEqual(
      [
        ENV.corbadoProjectId,
        ENV.corbadoBackendApiUrl,
        ENV.corbadoApiSecretParameter,
        ENV.corbadoTimeoutMs,
        ENV.secretCacheSeconds,
      ].sort(),
    );
    expect(HANDLER_ENV['create-auth-challenge']).toEqual([]);
    expect(HANDLER_ENV['define-auth-challenge']).toEqual([
      ENV.maxPasskeyAttempts,
      ENV.passkeyModeParameter,
      ENV.passkeyModeCacheSeconds,
    ]);
    expect(Object.keys(HANDLER_ENV).sort()).toEqual([
      'create-auth-challenge',
      'define-auth-challenge',
      'verify-auth-challenge-response',
    ]);
  });

  it('reads exactly the keys the deployment gives each handler', () => {
    for (const [handler, keys] of Object.entries(DEPLOYMENT_HANDLER_ENV))
      expect(HANDLER_ENV[handler as keyof typeof HANDLER_ENV].sort()).toEqual([...keys].sort());
  });

  it('accepts a Corbado timeout only inside the time budget', () => {
    const env = (ms: number) => ({ ...verifyEnv, [ENV.corbadoTimeoutMs]: String(ms) });
    expect(loadVerifyConfig(env(MAX_CORBADO_TIMEOUT_MS)).corbadoTimeoutMs).toBe(MAX_CORBADO_TIMEOUT_MS);
    expect(codeOf(() => loadVerifyConfig(env(MAX_CORBADO_TIMEOUT_MS + 1)))).toBe('invalid_config');
    // The budget counts the secret reader's own deadline.
    expect(SSM_DEADLINE_MS).toBe(TIME_BUDGET.secretReadMs);
  });

  it("fits the passkey mode read, its retry included, in define's timeout with room for the rest", () => {
    const defineTimeoutMs = HANDLERS['define-auth-challenge'].timeoutSeconds * 1000;
    expect(SSM_DEADLINE_MS + TIME_BUDGET.marginMs).toBeLessThanOrEqual(defineTimeoutMs / 2);
  });
});

describe('cold start', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('fails the cold start of a handler with bad config, naming the key but no value', async () => {
    vi.stubEnv(ENV.corbadoProjectId, 'pro-1');
    vi.stubEnv(ENV.corbadoBackendApiUrl, 'not a url with secret-ish-value');
    vi.stubEnv(ENV.corbadoApiSecretParameter, '/p');
    const error = await import('../handlers/verify-auth-challenge-response').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TriggerError);
    expect((error as TriggerError).code).toBe('invalid_config');
    expect((error as TriggerError).message).toContain(ENV.corbadoBackendApiUrl);
    expect((error as TriggerError).message).not.toContain('secret-ish-value');
  });

  it('starts define-auth-challenge with good config, reading no parameter at init', async () => {
    vi.stubEnv(ENV.passkeyModeParameter, '/cognito-passkeys/passkey-mode');
    vi.stubEnv('AWS_REGION', 'us-east-1');
    vi.stubEnv('AWS_ENDPOINT_URL_SSM', 'http://127.0.0.1:9');
    const module = await import('../handlers/define-auth-challenge');
    expect(typeof module.handler).toBe('function');
  });

  it('starts a handler with good config', async () => {
    for (const [key, value] of Object.entries(verifyEnv)) vi.stubEnv(key, value);
    vi.stubEnv('AWS_REGION', 'us-east-1');
    const module = await import('../handlers/verify-auth-challenge-response');
    expect(typeof module.handler).toBe('function');
  });
});
