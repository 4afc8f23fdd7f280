'use client';

import { fetchAuthSession, getCurrentUser } from 'aws-amplify/auth';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

import { getConnectToken } from '@/app/actions';

export type ConnectTokenType = 'passkey-append' | 'passkey-list' | 'passkey-delete';

/** Asks the Server Action for a connect token with the signed-in user's idToken. */
export async function connectToken(type: ConnectTokenType): Promise<string> {
  const session = await fetchAuthSession();
  const idToken = session.tokens?.idToken?.toString();
  if (!idToken) throw new Error('not_signed_in');
  const result = await getConnectToken(type, idToken);
  if (!result.ok) throw new Error(result.code);
  return result.token;
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
