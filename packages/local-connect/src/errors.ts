import { ERROR_STATUS, type ActionFailureCode, type ConfigErrorCode, type ErrorCode } from './error-codes';

/** Base class of every error this package raises. */
export class LocalConnectError extends Error {
  readonly code: ErrorCode | ActionFailureCode | ConfigErrorCode;

  constructor(
    code: ErrorCode | ActionFailureCode | ConfigErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Rejected untrusted input or state: becomes a 4xx in Corbado's error body. */
export class RequestError extends LocalConnectError {
  declare readonly code: ErrorCode;
  /** Field-level problems, as in Corbado's `error.validation`. */
  readonly validation: { field: string; message: string }[] | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options?: { cause?: unknown; validation?: { field: string; message: string }[] },
  ) {
    super(code, message, options);
    this.validation = options?.validation;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** An action script failed, timed out or answered outside the contract. */
export class ActionError extends LocalConnectError {
  declare readonly code: ActionFailureCode;
}

/** The server was started with a configuration it cannot run with. */
export class ConfigError extends LocalConnectError {
  declare readonly code: ConfigErrorCode;
}
