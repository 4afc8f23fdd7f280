/**
 * The error registry of this package. Untrusted input never throws (a trigger answers
 * `answerCorrect = false`); these are the caller's and the operator's mistakes.
 *
 * - `invalid_config`: an environment key is missing or malformed; thrown at cold start, naming the key.
 * - `secret_unavailable`: the SSM SecureString could not be read (missing, denied, timed out).
 */
export const TRIGGER_ERROR_CODES = ['invalid_config', 'secret_unavailable'] as const;
export type TriggerErrorCode = (typeof TRIGGER_ERROR_CODES)[number];

export class TriggerError extends Error {
  override readonly name = 'TriggerError';
  readonly code: TriggerErrorCode;

  constructor(code: TriggerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
