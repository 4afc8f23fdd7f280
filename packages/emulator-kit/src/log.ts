/** One structured log record: a level, an event name and flat, non-secret facts. */
export interface LogRecord {
  level: 'info' | 'warn' | 'error';
  event: string;
  [key: string]: unknown;
}

export type Logger = (record: LogRecord) => void;

/**
 * Field names whose values never reach a log, whatever a caller passes: a record is for the developer's
 * console and CI output, which are not places for credentials.
 */
const SECRET_FIELD = /secret|password|token|authorization|cookie|signature|credential|session/i;

/** A copy of the record with the values of secret-named fields replaced. */
export function redact(record: LogRecord): LogRecord {
  const out: LogRecord = { level: record.level, event: record.event };
  for (const [key, value] of Object.entries(record)) {
    if (key === 'level' || key === 'event') continue;
    out[key] = SECRET_FIELD.test(key) ? '[redacted]' : value;
  }
  return out;
}

/** A logger that writes each record, redacted, as one JSON line tagged with the service name. */
export function jsonLineLogger(service: string, write: (line: string) => void): Logger {
  return (record) => {
    write(JSON.stringify({ service, ...redact(record) }));
  };
}

/** JSON lines on stderr: the default sink, keeping stdout for the start-up banner. */
export function stderrLogger(service: string): Logger {
  return jsonLineLogger(service, (line) => process.stderr.write(`${line}\n`));
}

/** The name of an error's class, the most a log says about an unexpected failure (no message, no stack). */
export function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
