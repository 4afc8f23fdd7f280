'use client';

import { signOut } from 'aws-amplify/auth';
import { useRouter } from 'next/navigation';
import { useState } from 'react';

import type { SignInAgainReason } from '@/lib/connect-token-request';

const MESSAGES: Record<SignInAgainReason, string> = {
  reauthentication_required:
    'For your security, adding or removing a passkey needs a recent sign-in. Please sign in again to continue.',
  session_revoked: 'Your session has ended. Please sign in again.',
};

/** Asks the user to sign in again: signs out here and goes to the login, which says why. */
export function SignInAgain({ reason }: { reason: SignInAgainReason }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);

  async function onSignInAgain() {
    setBusy(true);
    try {
      await signOut();
    } catch {
      // A revoked session may refuse the revocation call; the local sign-out is what matters here.
    } finally {
      router.replace(`/login?reason=${reason}`);
    }
  }

  return (
    <div className="alert info" role="alert" data-testid="sign-in-again">
      <p>{MESSAGES[reason]}</p>
      <button type="button" disabled={busy} onClick={() => void onSignInAgain()}>
        {busy ? 'Signing out…' : 'Sign in again'}
      </button>
    </div>
  );
}

/** What the login page says for `?reason=` after `<SignInAgain>`. */
export const SIGNED_OUT_NOTICES: Record<SignInAgainReason, string> = {
  reauthentication_required: 'Please sign in again to add or remove a passkey.',
  session_revoked: 'Your session has ended. Please sign in again.',
};
