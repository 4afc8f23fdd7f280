// One JSON line per call. What may be logged: the action, outcome and error codes, an error's name.
// What never is: the identifier the user typed (an email), credentials, the external ID, an error's
// message or stack (a dependency's message can carry ARNs, account IDs or user data).
import type { ActionErrorCode } from './errors';

export type ActionName = 'pre-login' | 'post-append';

export interface LogLine {
  /** What the action answered: a pre-login code, `found`, or a post-append outcome. */
  outcome?: string;
  /** Why it failed, from the error registry. */
  code?: ActionErrorCode;
  /** The failing dependency's error name (`TimeoutError`, `AccessDenied`). */
  error?: string;
  /** Environment variables that are missing or malformed (names only). */
  invalidKeys?: string[];
}

/** The logging port the actions write to; the default writes to the console Corbado collects. */
export interface ActionLog {
  info(line: LogLine): void;
  error(line: LogLine): void;
}

export function consoleLog(action: ActionName): ActionLog {
  return {
    info: (line) => console.log(JSON.stringify({ action, level: 'info', ...line })),
    error: (line) => console.error(JSON.stringify({ action, level: 'error', ...line })),
  };
}
