/**
 * Every error this client throws, by stable code. Callers branch on `code`, never on the message.
 *
 * - `timeout`: no complete answer within the per-call timeout.
 * - `network_error`: the connection failed (refused, reset, DNS).
 * - `unauthorized`: 401/403, the project ID or API secret is wrong.
 * - `bad_request`: another 4xx, the request was rejected (its `status` is kept).
 * - `server_error`: 5xx from Corbado.
 * - `malformed_response`: a 2xx whose body is not the documented JSON.
 */
export const CORBADO_BACKEND_ERROR_CODES = [
  'timeout',
  'network_error',
  'unauthorized',
  'bad_request',
  'server_error',
  'malformed_response',
] as const;

export type CorbadoBackendErrorCode = (typeof CORBADO_BACKEND_ERROR_CODES)[number];

/**
 * A call to Corbado's Backend API failed. The message names the operation and the outcome only: it never
 * carries the API secret, the request body or Corbado's raw answer.
 */
export class CorbadoBackendError extends Error {
  override readonly name = 'CorbadoBackendError';
  readonly code: CorbadoBackendErrorCode;
  /** The HTTP status, when an answer arrived. */
  readonly status: number | undefined;

  constructor(
    code: CorbadoBackendErrorCode,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
  }
}

/** The client was configured or called wrongly (a caller's mistake, not rejected input). */
export class CorbadoBackendConfigError extends TypeError {
  override readonly name = 'CorbadoBackendConfigError';
}
