'use client';

import { getCurrentUser } from 'aws-amplify/auth';
import { useRouter } from 'next/navigation';
import { useCallback, useEffect, useRef, useState } from 'react';

import {
  ConnectTokenError,
  requestConnectToken,
  signInAgainReason,
  type ConnectTokenType,
  type GetConnectToken,
  type SignInAgainReason,
} from './connect-token-request';

/**
 * The connect-token provider for a Connect component, asking `getConnectToken` (the page passes the Server
 * Action), and why the user must sign in again when the Server Action said so (the page shows
 * `<SignInAgain>` then, not the component's generic error). `needsSignInAgain()` answers at once, before
 * React re-renders: the components call their skip or error callbacks right after a provider fails.
 */
export function useConnectToken(getConnectToken: GetConnectToken): {
  provider: (type: ConnectTokenType) => Promise<string>;
  signInAgain: SignInAgainReason | null;
  needsSignInAgain: () => boolean;
} {
  const [signInAgain, setSignInAgain] = useState<SignInAgainReason | null>(null);
  const reason = useRef<SignInAgainReason | null>(null);
  const provider = useCallback(
    async (type: ConnectTokenType) => {
      try {
        return await requestConnectToken(type, getConnectToken);
      } catch (error) {
        // The code only (no token, no detail): what a support request or a failed test needs to tell.
        if (error instanceof ConnectTokenError) console.warn('connect token refused:', error.code);
        const cure = signInAgainReason(error);
        if (cure) {
          reason.current = cure;
          setSignInAgain(cure);
        }
        throw error;
      }
    },
    [getConnectToken],
  );
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
