import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { PASSKEY_MODE_STALE_SECONDS } from '@cognito-passkeys/deployment/operations';
import { PARAMETERS } from '@cognito-passkeys/deployment/user-pool';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

import { connectTokenAllowed, createPasskeyModeReader, currentPasskeyMode } from './passkey-mode';

const ssm = mockClient(SSMClient);
let clock = 1_000_000;
const CACHE = 10;

function reader() {
  return createPasskeyModeReader({
    ssm: new SSMClient({ region: 'us-east-1' }),
    parameterName: PARAMETERS.passkeyMode,
    cacheSeconds: CACHE,
    now: () => clock,
  });
}
const value = (Value: string) => ({
  Parameter: { Name: PARAMETERS.passkeyMode, Type: 'String' as const, Value },
});
const notFound = () => new ParameterNotFound({ message: 'not found', $metadata: {} });
const denied = () => Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' });
const reads = () => ssm.commandCalls(GetParameterCommand).length;

beforeEach(() => {
  ssm.reset();
  clock = 1_000_000;
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe('the passkey mode reader', () => {
  it.each(['on', 'login-only', 'append-only', 'off', ' off\n'])('reads %j', async (mode) => {
    ssm.on(GetParameterCommand, { Name: PARAMETERS.passkeyMode }).resolves(value(mode));
    await expect(reader()()).resolves.toBe(mode.trim());
  });

  it('takes a missing parameter for no kill switch (on), and a value that is no mode for off', async () => {
    ssm.on(GetParameterCommand).rejects(notFound());
    await expect(reader()()).resolves.toBe('on');
    ssm.on(GetParameterCommand).resolves(value('maybe'));
    await expect(reader()()).resolves.toBe('off');
    ssm.on(GetParameterCommand).resolves({ Parameter: {} });
    await expect(reader()()).resolves.toBe('off');
  });

  it('serves a read for the cache time, then reads again (a flip shows within it)', async () => {
    ssm.on(GetParameterCommand).resolves(value('on'));
    const read = reader();
    await expect(read()).resolves.toBe('on');
    ssm.on(GetParameterCommand).resolves(value('off'));
    clock += CACHE * 1000 - 1;
    await expect(read()).resolves.toBe('on');
    expect(reads()).toBe(1);
    clock += 1;
    await expect(read()).resolves.toBe('off');
    expect(reads()).toBe(2);
  });

  it('shares one read between concurrent requests', async () => {
    ssm.on(GetParameterCommand).resolves(value('login-only'));
    const read = reader();
    await expect(Promise.all([read(), read(), read()])).resolves.toEqual([
      'login-only',
      'login-only',
      'login-only',
    ]);
    expect(reads()).toBe(1);
  });

  it('serves the last value through a failing read for at most the stale limit, then off', async () => {
    ssm.on(GetParameterCommand).resolves(value('login-only'));
    const read = reader();
    await read();
    ssm.on(GetParameterCommand).rejects(denied());
    clock += CACHE * 1000;
    await expect(read()).resolves.toBe('login-only');
    clock += (PASSKEY_MODE_STALE_SECONDS - CACHE) * 1000 - 1;
    await expect(read()).resolves.toBe('login-only');
    clock += 2;
    await expect(read()).resolves.toBe('off');
    // The failure is logged by name, never by message.
    expect(JSON.stringify(vi.mocked(console.warn).mock.calls)).toContain('AccessDeniedException');
    expect(JSON.stringify(vi.mocked(console.warn).mock.calls)).not.toContain('not authorized');
  });

  it('is off when the first read fails, and reads again after the cache time', async () => {
    ssm.on(GetParameterCommand).rejects(denied());
    const read = reader();
    await expect(read()).resolves.toBe('off');
    ssm.on(GetParameterCommand).resolves(value('on'));
    await expect(read()).resolves.toBe('off');
    clock += CACHE * 1000;
    await expect(read()).resolves.toBe('on');
  });

  it('gives up on a read that does not answer in time (off), and logs it as a timeout', async () => {
    ssm.on(GetParameterCommand).callsFake(() => new Promise(() => undefined));
    const read = createPasskeyModeReader({
      ssm: new SSMClient({ region: 'us-east-1' }),
      parameterName: PARAMETERS.passkeyMode,
      cacheSeconds: CACHE,
      timeoutMs: 20,
    });
    await expect(read()).resolves.toBe('off');
    expect(JSON.stringify(vi.mocked(console.warn).mock.calls)).toContain('TimeoutError');
  });
});

describe('currentPasskeyMode', () => {
  it('is on without a kill switch, asking nothing', async () => {
    await expect(
      currentPasskeyMode({ PASSKEY_MODE_CACHE_SECONDS: 10, COGNITO_USER_POOL_ID: 'us-east-1_Pool' }),
    ).resolves.toBe('on');
    expect(reads()).toBe(0);
  });

  it('reads the named parameter', async () => {
    ssm.on(GetParameterCommand, { Name: '/other/passkey-mode' }).resolves(value('append-only'));
    await expect(
      currentPasskeyMode({
        PASSKEY_MODE_PARAMETER: '/other/passkey-mode',
        PASSKEY_MODE_CACHE_SECONDS: 10,
        COGNITO_USER_POOL_ID: 'us-east-1_Pool',
      }),
    ).resolves.toBe('append-only');
  });
});

describe('connectTokenAllowed', () => {
  it.each([
    ['on', true, true],
    ['login-only', false, true],
    ['append-only', true, true],
    ['off', false, false],
  ] as const)('in %s: append %s, list and delete %s', (mode, append, manage) => {
    expect(connectTokenAllowed('passkey-append', mode)).toBe(append);
    expect(connectTokenAllowed('passkey-list', mode)).toBe(manage);
    expect(connectTokenAllowed('passkey-delete', mode)).toBe(manage);
  });
});
