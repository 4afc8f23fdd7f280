import { ActionError, type ActionErrorCode } from './errors';

/**
 * Cognito's error names (API reference, "Errors" of AdminGetUser, ListUsers, AdminSetUserMFAPreference)
 * that mean something other than "Cognito is unavailable".
 */
const COGNITO_ERRORS: Readonly<Record<string, ActionErrorCode>> = {
  UserNotFoundException: 'user_not_found',
  ResourceNotFoundException: 'user_pool_not_found',
  AccessDeniedException: 'access_denied',
  NotAuthorizedException: 'access_denied',
  InvalidParameterException: 'mfa_method_unavailable',
};

/**
 * Awaits one Cognito call and turns its failure into an ActionError with a stable code. Anything Cognito
 * throws that has no meaning of its own (a timeout, a refused connection, throttling, a 5xx) is
 * `cognito_unavailable`. `InvalidParameterException` is only ever expected from
 * AdminSetUserMFAPreference: identifiers are checked before they reach Cognito.
 */
export async function fromCognito<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (cause) {
    const name = cause instanceof Error ? cause.name : '';
    const code = COGNITO_ERRORS[name] ?? 'cognito_unavailable';
    throw new ActionError(code, `Cognito answered ${code}`, { cause });
  }
}

/** Cognito's Username pattern (API reference, AdminGetUser): letters, marks, symbols, digits, punctuation. */
export const COGNITO_USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;
/** Cognito's longest Username (API reference, AdminGetUser). */
export const COGNITO_USERNAME_MAX = 128;
