import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs. What may be logged: outcome codes, usernames, error names and codes. What never
 * is: challenge answers (signedPasskeyData), connect tokens, secrets, raw error messages of dependencies.
 */
export function createLogger(handler: string): LogPort {
  const logger = new Logger({ serviceName: 'cognito-passkeys', persistentKeys: { handler } });
  return {
    info: (message, extra = {}) => logger.info(message, extra),
    warn: (message, extra = {}) => logger.warn(message, extra),
    error: (message, extra = {}) => logger.error(message, extra),
  };
}

/** The safe part of an error for a log line: its name and code, never its message. */
export function describeError(error: unknown): { name: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { name: error.name, code } : { name: error.name };
  }
  return { name: typeof error };
}

/** The logging port the handlers depend on; a Powertools Logger satisfies it. */
export interface LogPort {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}
