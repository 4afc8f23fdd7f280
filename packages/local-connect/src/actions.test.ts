import { afterEach, describe, expect, it } from 'vitest';
import { actionScript, captureLog } from '../test/fixtures';
import { ActionRunner, type ActionRunnerOptions } from './actions';
import { ActionError } from './errors';

const runners: ActionRunner[] = [];
afterEach(async () => {
  await Promise.all(runners.splice(0).map((runner) => runner.close()));
});

function runner(overrides: Partial<ActionRunnerOptions> = {}) {
  const logs = captureLog();
  const created = new ActionRunner({
    name: 'test-action',
    script: actionScript('behaviours'),
    env: {},
    timeoutMs: 2000,
    log: logs.log,
    ...overrides,
  });
  runners.push(created);
  return { runner: created, logs };
}

async function failureCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ActionError);
    return (err as ActionError).code;
  }
  throw new Error('expected the call to fail');
}

describe('ActionRunner', () => {
  it('calls handler(event) and returns its result', async () => {
    const { runner: r } = runner();
    expect(await r.invoke({ do: 'echo', n: 1 })).toEqual({ echo: { do: 'echo', n: 1 } });
  });

  it('gives each action exactly its own environment, nothing from the host', async () => {
    process.env.LOCAL_CONNECT_HOST_ONLY = 'host';
    try {
      const a = runner({ env: { X: 'from-a', ONLY_A: '1' } }).runner;
      const b = runner({ env: { X: 'from-b' } }).runner;
      const [fromA, fromB] = await Promise.all([
        a.invoke({ do: 'env', name: 'X' }),
        b.invoke({ do: 'env', name: 'X' }),
      ]);
      expect(fromA).toEqual({ value: 'from-a', keys: ['ONLY_A', 'X'] });
      expect(fromB).toEqual({ value: 'from-b', keys: ['X'] });
      expect(await b.invoke({ do: 'env', name: 'LOCAL_CONNECT_HOST_ONLY' })).toMatchObject({ value: null });
    } finally {
      delete process.env.LOCAL_CONNECT_HOST_ONLY;
    }
  });

  it('keeps the module scope warm between calls', async () => {
    const { runner: r } = runner();
    await r.warm();
    expect(await r.invoke({ do: 'count' })).toEqual({ calls: 1 });
    expect(await r.invoke({ do: 'count' })).toEqual({ calls: 2 });
    expect(await r.invoke({ do: 'count' })).toEqual({ calls: 3 });
  });

  it('times out a handler that never returns, then serves the next call from a fresh worker', async () => {
    const { runner: r, logs } = runner({ timeoutMs: 300 });
    expect(await r.invoke({ do: 'count' })).toEqual({ calls: 1 });
    expect(await failureCode(r.invoke({ do: 'hang' }))).toBe('action_timeout');
    // A fresh worker: the module scope starts over.
    expect(await r.invoke({ do: 'count' })).toEqual({ calls: 1 });
    expect(logs.events).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        event: 'action_failed',
        action: 'test-action',
        code: 'action_timeout',
      }),
    );
  });

  it.each([
    ['throws', 'throw', 'action_failed'],
    ['exits the process', 'exit', 'action_failed'],
    ['crashes its worker outside the handler', 'crash', 'action_failed'],
    ['returns something that is not data', 'function', 'action_bad_response'],
  ])('fails typed when the script %s, and recovers', async (_name, behaviour, code) => {
    const { runner: r, logs } = runner({ env: { SECRET: 's3cr3t' } });
    expect(await failureCode(r.invoke({ do: behaviour }))).toBe(code);
    expect(await r.invoke({ do: 'echo' })).toEqual({ echo: { do: 'echo' } });
    // One structured line per failure, without the script's message, stack or environment.
    const failures = logs.events.filter((e) => e.event === 'action_failed');
    expect(failures).toHaveLength(1);
    expect(Object.keys(failures[0]!).sort()).toEqual(['action', 'code', 'durationMs', 'event', 'level']);
    expect(JSON.stringify(logs.events)).not.toContain('s3cr3t');
  });

  it('runs concurrent calls side by side, each in its own worker', async () => {
    const { runner: r } = runner();
    await r.warm();
    const results = (await Promise.all([
      r.invoke({ do: 'delay', ms: 200 }),
      r.invoke({ do: 'delay', ms: 200 }),
      r.invoke({ do: 'delay', ms: 200 }),
    ])) as { calls: number }[];
    // Three workers (the warm one and two more), each on its first call; one shared worker would count to 3.
    expect(results.map((x) => x.calls)).toEqual([1, 1, 1]);
  });

  it('keeps a hung call from failing a concurrent one', async () => {
    const { runner: r } = runner({ timeoutMs: 500 });
    const [hung, fine] = await Promise.allSettled([
      r.invoke({ do: 'hang' }),
      r.invoke({ do: 'delay', ms: 50 }),
    ]);
    expect(hung.status).toBe('rejected');
    expect(fine).toMatchObject({ status: 'fulfilled', value: { delayed: 50 } });
  });

  it('queues calls beyond its workers; a call queued behind a hung one gets the fresh worker', async () => {
    const { runner: r } = runner({ maxWorkers: 1, timeoutMs: 400 });
    const first = r.invoke({ do: 'hang' });
    const queued = r.invoke({ do: 'echo' });
    expect(await failureCode(first)).toBe('action_timeout');
    // The queued call got the replacement worker once the hung one was ended.
    expect(await queued).toEqual({ echo: { do: 'echo' } });
  });

  it.each([
    ['has no handler export', 'no-handler'],
    ['throws while loading', 'throws-on-load'],
  ])('refuses to warm a script that %s', async (_name, script) => {
    const { runner: r } = runner({ script: actionScript(script) });
    expect(await failureCode(r.warm())).toBe('action_failed');
  });
});
