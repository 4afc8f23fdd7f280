import { PASSKEY_MODE_STALE_SECONDS } from '@cognito-passkeys/deployment/operations';
import { describe, expect, it } from 'vitest';

import { TriggerError } from './errors';
import { passkeyModeSource } from './passkey-mode';

/**
 * The parameter as SSM would answer it, switchable per read: a value, a missing parameter
 * (`parameter_not_found`, as `ssmParameterReader` reports SSM's `ParameterNotFound`), or a failed read:
 * `initial` and `state.answer` are a value, `missing` or `failing`.
 */
function parameter(initial: string) {
  const state = { answer: initial, reads: 0 };
  const read = () => {
    state.reads += 1;
    if (state.answer === 'missing')
      return Promise.reject(new TriggerError('parameter_not_found', 'no such parameter (ParameterNotFound)'));
    if (state.answer === 'failing')
      return Promise.reject(new TriggerError('parameter_unavailable', 'denied (AccessDeniedException)'));
    return Promise.resolve(state.answer);
  };
  return { state, read };
}

function setup(initial: string, maxAgeSeconds = 10) {
  const clock = { now: 1_000_000 };
  const warnings: { message: string; extra: unknown }[] = [];
  const { state, read } = parameter(initial);
  const source = passkeyModeSource(read, {
    maxAgeSeconds,
    now: () => clock.now,
    logger: { warn: (message, extra) => void warnings.push({ message, extra }) },
  });
  return { source, state, clock, warnings };
}

describe('passkeyModeSource', () => {
  it.each(['on', 'login-only', 'append-only', 'off'])('reads %s', async (value) => {
    expect(await setup(value).source.get()).toBe(value);
  });

  it('trims the value, as the parser does', async () => {
    expect(await setup(' login-only\n').source.get()).toBe('login-only');
  });

  it('counts a value that is not a mode as off, and logs it without echoing it', async () => {
    const { source, warnings } = setup('ON-secretish-typo');
    expect(await source.get()).toBe('off');
    expect(warnings).toEqual([{ message: 'passkey-mode', extra: { problem: 'invalid_value', mode: 'off' } }]);
  });

  it('answers the default mode (on) when the parameter does not exist, without a warning', async () => {
    const { source, warnings } = setup('missing');
    expect(await source.get()).toBe('on');
    expect(warnings).toEqual([]);
  });

  it('answers off when the first read fails, and logs why without a value', async () => {
    const { source, warnings } = setup('failing');
    expect(await source.get()).toBe('off');
    expect(warnings).toEqual([
      {
        message: 'passkey-mode',
        extra: {
          problem: 'read_failed',
          error: { name: 'TriggerError', code: 'parameter_unavailable' },
          detail: 'denied (AccessDeniedException)',
          mode: 'off',
        },
      },
    ]);
  });

  it('caches a read for maxAgeSeconds, then reads again (a flip takes effect)', async () => {
    const { source, state, clock } = setup('on', 10);
    expect(await source.get()).toBe('on');
    state.answer = 'off';
    clock.now += 9_999;
    expect(await source.get()).toBe('on');
    expect(state.reads).toBe(1);
    clock.now += 1;
    expect(await source.get()).toBe('off');
    expect(state.reads).toBe(2);
  });

  it('reads on every call when caching is off', async () => {
    const { source, state } = setup('on', 0);
    await source.get();
    await source.get();
    expect(state.reads).toBe(2);
  });

  it('shares one read between concurrent calls', async () => {
    const { source, state } = setup('login-only');
    expect(await Promise.all([source.get(), source.get(), source.get()])).toEqual([
      'login-only',
      'login-only',
      'login-only',
    ]);
    expect(state.reads).toBe(1);
  });

  it(`serves the last mode while reads fail, up to ${PASSKEY_MODE_STALE_SECONDS} s after it was read, then off`, async () => {
    const { source, state, clock, warnings } = setup('login-only', 10);
    await source.get();
    state.answer = 'failing';
    clock.now += 11_000;
    expect(await source.get()).toBe('login-only');
    expect(warnings.at(-1)?.extra).toMatchObject({
      problem: 'read_failed',
      mode: 'login-only',
      ageSeconds: 11,
    });
    clock.now = 1_000_000 + PASSKEY_MODE_STALE_SECONDS * 1000;
    expect(await source.get()).toBe('login-only');
    clock.now += 1;
    expect(await source.get()).toBe('off');
    // A later good read ends it.
    state.answer = 'on';
    clock.now += 10_000;
    expect(await source.get()).toBe('on');
  });

  it('waits for a failing SSM at most once per maxAgeSeconds', async () => {
    const { source, state, clock } = setup('failing', 10);
    await source.get();
    clock.now += 5_000;
    await source.get();
    expect(state.reads).toBe(1);
    clock.now += 5_000;
    await source.get();
    expect(state.reads).toBe(2);
  });

  it('a missing parameter after a value means the default again', async () => {
    const { source, state, clock } = setup('off', 10);
    expect(await source.get()).toBe('off');
    state.answer = 'missing';
    clock.now += 10_000;
    expect(await source.get()).toBe('on');
  });

  it('never rejects, whatever the read throws', async () => {
    const source = passkeyModeSource(() => Promise.reject(new TypeError('unexpected')), {
      maxAgeSeconds: 0,
      logger: { warn: () => undefined },
    });
    expect(await source.get()).toBe('off');
  });
});
