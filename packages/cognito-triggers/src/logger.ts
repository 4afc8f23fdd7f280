import { Logger } from '@aws-lambda-powertools/logger';

/**
 * Structured JSON logs. What may be logged: outcome codes, usernames, error names and codes. What never
 * is: challenge answers (signedPasskeyData), connect tokens, secrets, raw error messages of dependencies.
 */
export function createLogger(handler: string): Logger {
  return new Logger({ serviceName: 'cognito-passkeys', persistentKeys: { handler } });
}

/** The safe part of an error for a log line: its name and code, never its message. */
export function describeError(error: unknown): { name: string; code?: string } {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? { name: error.name, code } : { name: error.name };
  }
  return { name: typeof error };
}
