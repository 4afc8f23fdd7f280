// The passkey mode (the kill switch) as define-auth-challenge reads it: an SSM String parameter, cached for
// `PASSKEY_MODE_CACHE_SECONDS`, with the semantics `@cognito-passkeys/deployment/operations` documents.
import {
  DEFAULT_PASSKEY_MODE,
  PASSKEY_MODE_STALE_SECONDS,
  parsePasskeyMode,
  type PasskeyMode,
} from '@cognito-passkeys/deployment/operations';

import { TriggerError } from './errors';
import { describeError, type LogPort } from './logger';

/** The passkey mode at run time; the port define-auth-challenge depends on. It never rejects. */
export interface PasskeyModeSource {
  get(): Promise<PasskeyMode>;
}

export interface PasskeyModeOptions {
  /** How long a read (or a failed read) stands before the parameter is read again, in seconds. */
  maxAgeSeconds: number;
  /** Where failed reads and invalid values are logged. */
  logger: Pick<LogPort, 'warn'>;
  /** The clock the cache ages by, in milliseconds. @default Date.now */
  now?: () => number;
}

/**
 * The mode from `read` (one uncached read of the parameter, e.g. `ssmParameterReader`):
 * - a value that is one of `PASSKEY_MODES` is the mode; any other value counts as `off`;
 * - `TriggerError('parameter_not_found')` means no kill switch is set up: `DEFAULT_PASSKEY_MODE`;
 * - any other failure serves the last mode read, for at most `PASSKEY_MODE_STALE_SECONDS` after that read
 *   succeeded, and then `off`.
 *
 * A read and a failed read both stand for `maxAgeSeconds`, so while SSM is down an invocation waits for
 * it at most once per period rather than every time. Concurrent calls share one read.
 */
export function passkeyModeSource(
  read: () => Promise<string>,
  options: PasskeyModeOptions,
): PasskeyModeSource {
  const { maxAgeSeconds, logger, now = Date.now } = options;
  /** The last mode a read gave, and when. */
  let known: { mode: PasskeyMode; readAt: number } | undefined;
  /** When the parameter was last read, successfully or not. */
  let checkedAt: number | undefined;
  let reading: Promise<void> | undefined;

  const current = (): PasskeyMode =>
    known !== undefined && now() - known.readAt <= PASSKEY_MODE_STALE_SECONDS * 1000 ? known.mode : 'off';

  async function refresh(): Promise<void> {
    try {
      const value = await read();
      const mode = parsePasskeyMode(value);
      if (mode === undefined) {
        // The value is an operator's typo, not a secret, but it is not echoed: its length is unbounded.
        logger.warn('passkey-mode', { problem: 'invalid_value', mode: 'off' });
      }
      known = { mode: mode ?? 'off', readAt: now() };
    } catch (error) {
      if (error instanceof TriggerError && error.code === 'parameter_not_found') {
        known = { mode: DEFAULT_PASSKEY_MODE, readAt: now() };
        return;
      }
      const stale = current();
      logger.warn('passkey-mode', {
        problem: 'read_failed',
        error: describeError(error),
        // This package's own message: the parameter's name and SSM's error type, never a value.
        ...(error instanceof TriggerError ? { detail: error.message } : {}),
        mode: stale,
        ...(known === undefined ? {} : { ageSeconds: Math.round((now() - known.readAt) / 1000) }),
      });
    } finally {
      checkedAt = now();
    }
  }

  return {
    async get() {
      if (checkedAt === undefined || now() - checkedAt >= maxAgeSeconds * 1000) {
        reading ??= refresh().finally(() => {
          reading = undefined;
        });
        await reading;
      }
      return current();
    },
  };
}
