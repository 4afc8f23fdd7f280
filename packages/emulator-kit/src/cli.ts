import { parseArgs } from 'node:util';
import { KitError, UsageError } from './errors';

/** What every emulator's command line says. */
export interface CliArgs {
  port: number;
  host: string;
  /** Where the SQLite database lives; absent = in memory. */
  dataDir?: string;
  /** The JSON config file. */
  configFile?: string;
}

export interface CliSpec {
  /** The command's name, as in the usage line, the banner and error lines. */
  name: string;
  /** Whether the emulator cannot run without `--config`. */
  configRequired: boolean;
}

export function usage(spec: CliSpec): string {
  const config = spec.configRequired ? '--config FILE' : '[--config FILE]';
  return `usage: ${spec.name} ${config} [--port N] [--host H] [--data-dir DIR] [--help]`;
}

/**
 * `--port N --host H --data-dir DIR --config FILE --help`. Unknown flags, stray arguments, a port out of
 * range and a missing required `--config` are a `UsageError`; `null` means `--help`.
 */
export function parseCli(argv: readonly string[], spec: CliSpec): CliArgs | null {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string', default: '0' },
        host: { type: 'string', default: '127.0.0.1' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (cause) {
    throw new UsageError('usage', usage(spec), { cause });
  }
  if (values.help) return null;
  const port = Number(values.port);
  if (!/^\d{1,5}$/.test(values.port) || port > 65535) {
    throw new UsageError('usage', `--port must be a port number (0 for a free one)`);
  }
  if (spec.configRequired && values.config === undefined) throw new UsageError('usage', usage(spec));
  return {
    port,
    host: values.host,
    ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
    ...(values.config !== undefined ? { configFile: values.config } : {}),
  };
}

/**
 * The start-up banner on stdout: the URL alone on the first line (what scripts wait for), then a line
 * for people.
 */
export function banner(name: string, url: string, dataDir: string | undefined): string {
  const data = dataDir === undefined ? 'data in memory' : `data in ${dataDir}`;
  return `${url}\n${name} listening on ${url} (${data})\n`;
}

/** The stable `code` of a typed error (the emulators' and the kit's), if it has one. */
function errorCode(err: unknown): string {
  if (err instanceof KitError) return ` (${err.code})`;
  const code: unknown = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' ? ` (${code})` : '';
}

export interface RunCliOptions extends CliSpec {
  argv: readonly string[];
  /** Starts the emulator; its errors' `code` (when it has one) goes on the error line, never a stack. */
  start(args: CliArgs): Promise<{ url: string; stop(): Promise<void> }>;
}

/**
 * Runs an emulator's command line: `--help` prints usage (exit 0), a usage error exits 2, a failed start
 * exits 1 with one line on stderr, and SIGINT/SIGTERM stop the server before exiting 0.
 */
export async function runCli(options: RunCliOptions): Promise<void> {
  let args: CliArgs | null;
  try {
    args = parseCli(options.argv, options);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : usage(options)}\n`);
    process.exitCode = 2;
    return;
  }
  if (args === null) {
    process.stdout.write(`${usage(options)}\n`);
    return;
  }
  let server: { url: string; stop(): Promise<void> };
  try {
    server = await options.start(args);
  } catch (err) {
    const code = errorCode(err);
    process.stderr.write(
      `${options.name} failed to start${code}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  }
  process.stdout.write(banner(options.name, server.url, args.dataDir));
  const shutdown = () => {
    server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}
