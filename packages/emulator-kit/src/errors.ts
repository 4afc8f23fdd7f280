/** Every code the kit raises; an emulator maps each to its own protocol's error. */
export const KIT_ERROR_CODES = ['body_too_large', 'body_incomplete', 'bad_url', 'usage'] as const;
export type KitErrorCode = (typeof KIT_ERROR_CODES)[number];

/** Base class of every error the kit raises: a stable `code`, and the `cause` when there is one. */
export class KitError extends Error {
  readonly code: KitErrorCode;

  constructor(code: KitErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A request body that is larger than allowed, or that ended before its end (untrusted input). */
export class BodyError extends KitError {
  declare readonly code: 'body_too_large' | 'body_incomplete';
}

/** A command line the CLI cannot run with (the operator's mistake). */
export class UsageError extends KitError {
  declare readonly code: 'usage';
}
