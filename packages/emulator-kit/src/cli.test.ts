import { describe, expect, it } from 'vitest';
import { banner, parseCli, usage } from './cli';
import { UsageError } from './errors';

const spec = { name: 'local-x', configRequired: true };

describe('parseCli', () => {
  it('reads every flag', () => {
    expect(
      parseCli(['--port', '9229', '--host', '0.0.0.0', '--data-dir', '/d', '--config', 'c.json'], spec),
    ).toEqual({ port: 9229, host: '0.0.0.0', dataDir: '/d', configFile: 'c.json' });
  });

  it('defaults to a free port on loopback, in memory', () => {
    expect(parseCli(['--config', 'c.json'], spec)).toEqual({
      port: 0,
      host: '127.0.0.1',
      configFile: 'c.json',
    });
  });

  it('gives null for --help, whatever else is missing', () => {
    expect(parseCli(['--help'], spec)).toBeNull();
  });

  it.each([
    [['--port', '65536', '--config', 'c']],
    [['--port', '-1', '--config', 'c']],
    [['--port', '1e3', '--config', 'c']],
    [['--port', '', '--config', 'c']],
    [['--config', 'c', '--verbose']],
    [['--config', 'c', 'stray']],
    [[]],
  ])('refuses %j with a usage error', (argv) => {
    let caught: unknown;
    try {
      parseCli(argv, spec);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).code).toBe('usage');
  });

  it('runs without --config when the emulator does not need one', () => {
    expect(parseCli([], { name: 'local-y', configRequired: false })).toEqual({ port: 0, host: '127.0.0.1' });
  });
});

describe('usage and banner', () => {
  it('marks --config as required or optional', () => {
    expect(usage(spec)).toContain(' --config FILE ');
    expect(usage({ name: 'local-y', configRequired: false })).toContain('[--config FILE]');
  });

  it('puts the URL alone on the first line', () => {
    const text = banner('local-x', 'http://127.0.0.1:5', undefined);
    expect(text.split('\n')).toEqual([
      'http://127.0.0.1:5',
      'local-x listening on http://127.0.0.1:5 (data in memory)',
      '',
    ]);
    expect(banner('local-x', 'http://127.0.0.1:5', '/tmp/d')).toContain('(data in /tmp/d)');
  });
});
