/**
 * Structured JSON logs, one line per entry on stdout, with the keys Powertools Logger writes (`level`,
 * `message`, `timestamp`, `service`, `xray_trace_id`) so log queries stay the same. Not Powertools itself:
 * it would add 23 KB to a trigger bundle and a few milliseconds of cold start for what is one
 * `JSON.stringify` per line here.
 *
 * What may be logged: outcome codes, usernames, error names and codes. What never is: challenge answers
 * (signedPasskeyData), connect tokens, secrets, raw error messages of dependencies.
 */
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, CRITICAL: 50, SILENT: 60 } as const;
type Level = keyof typeof LEVELS;

/**
 * The lowest level written: `AWS_LAMBDA_LOG_LEVEL` (Lambda's advanced logging controls), else
 * `POWERTOOLS_LOG_LEVEL`, else INFO. An unknown name means INFO.
 */
function thresholdFrom(env: Record<string, string | undefined>): number {
  const name = (env.AWS_LAMBDA_LOG_LEVEL || env.POWERTOOLS_LOG_LEVEL || 'INFO').toUpperCase();
  return Object.hasOwn(LEVELS, name) ? LEVELS[name as Level] : LEVELS.INFO;
}

export function createLogger(
  handler: string,
  options: {
    env?: Record<string, string | undefined>;
    write?: (line: string) => void;
  } = {},
): LogPort {
  const { env = process.env, write = (line) => void process.stdout.write(line) } = options;
  const threshold = thresholdFrom(env);
  const log =
    (level: Level) =>
    (message: string, extra: Record<string, unknown> = {}) => {
      if (LEVELS[level] < threshold) return;
      const trace = env._X_AMZN_TRACE_ID;
      write(
        `${JSON.stringify({
          level,
          message,
          timestamp: new Date().toISOString(),
          service: 'cognito-passkeys',
          handler,
          ...(trace ? { xray_trace_id: trace } : {}),
          ...extra,
        })}\n`,
      );
    };
  return { info: log('INFO'), warn: log('WARN'), error: log('ERROR') };
}

/** The safe part of an error for a log line: its name and code, never its message. */
export function describeError(error: unknown): { name: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { name: error.name, code } : { name: error.name };
  }
  return { name: typeof error };
}

/** The logging port the handlers depend on. */
export interface LogPort {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}
