// What a command prints: lines for people, or one JSON document with `--json` for scripts.

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export const processIo: Io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** A usage mistake (unknown option, missing value): exit code 2, with the command's help. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** A failure the operator must act on (a refused attach, an AWS error): exit code 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  constructor(
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export interface Output {
  json: boolean;
  /** A line for people (left out with `--json`). */
  line(text?: string): void;
  /** The command's result: printed as JSON with `--json`. */
  result(value: Record<string, unknown>): void;
}

export function output(io: Io, json: boolean): Output {
  return {
    json,
    line(text = '') {
      if (!json) io.stdout(`${text}\n`);
    },
    result(value) {
      if (json) io.stdout(`${JSON.stringify(value, null, 2)}\n`);
    },
  };
}

export const OK = '✓';
export const FAIL = '✗';
export const WARN = '!';
