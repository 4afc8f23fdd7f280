import type { ConfigErrorCode, ErrorCode } from './error-codes';

/** Base class of every error this package raises. */
export class LocalAwsError extends Error {
  readonly code: ErrorCode | ConfigErrorCode;

  constructor(code: ErrorCode | ConfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Rejected request: answered as HTTP 400 with `x-amzn-errortype` and `{ __type, message }`. */
export class ServiceError extends LocalAwsError {
  declare readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** The server's configuration is wrong (a caller's mistake, raised at start). */
export class ConfigError extends LocalAwsError {
  declare readonly code: ConfigErrorCode;

  constructor(code: ConfigErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export const invalidParameter = (message: string): ServiceError =>
  new ServiceError('InvalidParameterException', message);
