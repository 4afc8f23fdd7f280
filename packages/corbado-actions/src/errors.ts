/**
 * The error registry of the actions. These codes are what an operator reads: post-append answers them in
 * its 500 body, and both actions write them to their one log line. pre-login never shows them to the user:
 * its answer carries only the codes of `PRE_LOGIN_ERROR_CODES` (contract.ts).
 *
 * - `config_invalid`: an environment variable is missing or malformed (the log names the variable).
 * - `invalid_event`: Corbado sent an event without a usable `username` (post-append).
 * - `access_denied`: STS refused the role (trust policy, external ID), or the role may not call Cognito.
 * - `role_unavailable`: STS could not be reached, timed out, or answered without credentials.
 * - `user_pool_not_found`: Cognito does not know USER_POOL_ID in the region called (wrong pool or region).
 * - `user_not_found`: Cognito has no such user (post-append).
 * - `mfa_method_unavailable`: Cognito refused to turn the configured MFA method on for this user (SMS
 *   without a phone number, EMAIL_OTP on a pool without email MFA).
 * - `cognito_unavailable`: Cognito could not be reached, timed out, throttled, or failed.
 * - `deadline_exceeded`: STS and Cognito together took longer than ACTION_DEADLINE_MS.
 * - `internal_error`: anything else; a defect in the action.
 */
export const ACTION_ERROR_CODES = [
  'config_invalid',
  'invalid_event',
  'access_denied',
  'role_unavailable',
  'user_pool_not_found',
  'user_not_found',
  'mfa_method_unavailable',
  'cognito_unavailable',
  'deadline_exceeded',
  'internal_error',
] as const;
export type ActionErrorCode = (typeof ACTION_ERROR_CODES)[number];

/** A failure with a stable code. Its message is for the developer; only `code` leaves the action. */
export class ActionError extends Error {
  override readonly name = 'ActionError';
  readonly code: ActionErrorCode;

  constructor(code: ActionErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * `work`, or `deadline_exceeded` once `ms` have passed: one bound over every call an answer needs, however
 * many attempts each makes. What is still under way goes on in the background (a renewal of the role's
 * credentials then serves the next call).
 */
export async function withinDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ActionError('deadline_exceeded', `no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

/** The code of any thrown value: an ActionError keeps its own; anything else is a defect. */
export function codeOf(error: unknown): ActionErrorCode {
  return error instanceof ActionError ? error.code : 'internal_error';
}

/**
 * The name of the error behind a failure, for the log: the cause's name when an ActionError wraps one
 * (`TimeoutError`, `AccessDenied`, `InternalErrorException`). Never a message: a dependency's message can
 * carry ARNs, account IDs or user data.
 */
export function errorNameOf(error: unknown): string {
  const inner = error instanceof ActionError && error.cause !== undefined ? error.cause : error;
  if (inner instanceof Error) return inner.name;
  return typeof inner;
}
