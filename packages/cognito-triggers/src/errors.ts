/**
 * The error registry of this package. Untrusted input never throws (a trigger answers
 * `answerCorrect = false`); these are the caller's and the operator's mistakes.
 *
 * - `invalid_config`: an environment key is missing or malformed; thrown at cold start, naming the key.
 * - `secret_unavailable`: the SSM SecureString could not be read (missing, denied, timed out).
 * - `parameter_not_found`: SSM has no parameter of that name (`ParameterNotFound`).
 * - `parameter_unavailable`: an SSM parameter could not be read otherwise (denied, timed out, unavailable).
 */
export const TRIGGER_ERROR_CODES = [
  'invalid_config',
  'secret_unavailable',
  'parameter_not_found',
  'parameter_unavailable',
] as const;
export type TriggerErrorCode = (typeof TRIGGER_ERROR_CODES)[number];

export class TriggerError extends Error {
  override readonly name = 'TriggerError';
  readonly code: TriggerErrorCode;

  constructor(code: TriggerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
