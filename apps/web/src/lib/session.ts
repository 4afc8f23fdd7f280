'use client';

import { fetchAuthSession, getCurrentUser } from 'aws-amplify/auth';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';

import { getConnectToken } from '@/app/actions';
import type { ConnectTokenErrorCode, ConnectTokenType } from '@/lib/connect-token';

export type { ConnectTokenType };

/** The refusals that only a new sign-in cures; `/login?reason=` names them to the user. */
export type SignInAgainReason = Extract<
  ConnectTokenErrorCode,
  'reauthentication_required' | 'session_revoked'
>;

/**
 * The refusals that only a new sign-in cures, and the reason each is given. Amplify has no tokens to send
 * (`not_signed_in`) when its refresh was refused, e.g. after a sign-out everywhere: the session has ended.
 */
const SIGN_IN_AGAIN: Partial<Record<ConnectTokenError['code'], SignInAgainReason>> = {
  reauthentication_required: 'reauthentication_required',
  session_revoked: 'session_revoked',
  not_signed_in: 'session_revoked',
};

/** A refused connect token, with the Server Action's code (or `not_signed_in`). */
export class ConnectTokenError extends Error {
  override readonly name = 'ConnectTokenError';
  constructor(readonly code: ConnectTokenErrorCode | 'not_signed_in') {
    super(code);
  }
}

/**
 * Asks the Server Action for a connect token with both tokens of the signed-in user's session (Amplify
 * refreshes them first when they have expired; a refresh keeps the sign-in's `auth_time`).
 */
export async function connectToken(type: ConnectTokenType): Promise<string> {
  const { tokens } = await fetchAuthSession();
  const idToken = tokens?.idToken?.toString();
  const accessToken = tokens?.accessToken?.toString();
  if (!idToken || !accessToken) throw new ConnectTokenError('not_signed_in');
  const result = await getConnectToken(type, { idToken, accessToken });
  if (!result.ok) throw new ConnectTokenError(result.code);
  return result.token;
}

/**
 * The connect-token provider for a Connect component, and why the user must sign in again when the Server
 * Action said so (the page shows `<SignInAgain>` then, not the component's generic error).
 * `needsSignInAgain()` answers at once, before React re-renders: the components call their skip or error
 * callbacks right after a provider fails.
 */
export function useConnectToken(): {
  provider: (type: ConnectTokenType) => Promise<string>;
  signInAgain: SignInAgainReason | null;
  needsSignInAgain: () => boolean;
} {
  const [signInAgain, setSignInAgain] = useState<SignInAgainReason | null>(null);
  const reason = useRef<SignInAgainReason | null>(null);
  const provider = useCallback(async (type: ConnectTokenType) => {
    try {
      return await connectToken(type);
    } catch (error) {
      // The code only (no token, no detail): what a support request or a failed test needs to tell.
      if (error instanceof ConnectTokenError) console.warn('connect token refused:', error.code);
      const cure = error instanceof ConnectTokenError ? SIGN_IN_AGAIN[error.code] : undefined;
      if (cure) {
        reason.current = cure;
        setSignInAgain(cure);
      }
      throw error;
    }
  }, []);
  const needsSignInAgain = useCallback(() => reason.current !== null, []);
  return { provider, signInAgain, needsSignInAgain };
}

/** Protected pages: redirects to /login without a session; `ready` once a user is known. */
export function useRequireSession(): boolean {
  const router = useRouter();
  const [ready, setReady] = useState(false);
  useEffect(() => {
    let active = true;
    getCurrentUser().then(
      () => active && setReady(true),
      () => active && router.replace('/login'),
    );
    return () => {
      active = false;
    };
  }, [router]);
  return ready;
}

/** The payload of a JWT, decoded without verification (for routing only; Cognito verifies it). */
export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const part = jwt.split('.')[1];
  if (!part) throw new Error('not a JWT');
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as Record<
    string,
    unknown
  >;
}

/** A readable message for an Amplify or Cognito error; never a stack trace. */
export function describeAuthError(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  switch (name) {
    case 'NotAuthorizedException':
      return 'Incorrect email or password.';
    case 'UserNotFoundException':
      return 'Incorrect email or password.';
    case 'UserNotConfirmedException':
      return 'Please confirm your email address first.';
    case 'UsernameExistsException':
      return 'An account with this email already exists.';
    case 'CodeMismatchException':
      return 'That code is not right. Please check it and try again.';
    case 'ExpiredCodeException':
      return 'That code has expired. Please request a new one.';
    case 'InvalidPasswordException':
      return 'The password does not meet the requirements (at least 8 characters with upper and lower case, a digit and a symbol).';
    case 'LimitExceededException':
    case 'TooManyRequestsException':
    case 'TooManyFailedAttemptsException':
      return 'Too many attempts. Please wait a moment and try again.';
    case 'EmptySignInUsername':
    case 'EmptySignInPassword':
      return 'Please enter your email and password.';
    default:
      return 'Something went wrong. Please try again.';
  }
}
