'use client';

import { passkeyAppendAllowed, type PasskeyMode } from '@cognito-passkeys/deployment/operations';
import { CorbadoConnectAppend } from '@corbado/connect-react';
import { getCurrentUser } from 'aws-amplify/auth';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useState } from 'react';

import { getConnectToken } from '@/app/actions';
import { SignInAgain } from '@/components/sign-in-again';
import { deviceHoldsPasskey, rememberDevicePasskey } from '@/lib/device-passkey';
import { useConnectToken, useRequireSession } from '@/lib/session-hooks';

/**
 * The offer to add a passkey after a sign-in without one (or right after a passkey-first sign-up, `?new=1`).
 * Not made when the passkey mode allows no new passkeys, or when this device already holds one of the
 * user's passkeys: the page goes on to the profile then.
 */
export function PostLoginView({ passkeyMode }: { passkeyMode: PasskeyMode }) {
  const router = useRouter();
  const params = useSearchParams();
  const isNewAccount = params.get('new') === '1';
  const ready = useRequireSession();
  const [username, setUsername] = useState<string | null>(null);
  const { provider, signInAgain, needsSignInAgain } = useConnectToken(getConnectToken);
  const appendAllowed = passkeyAppendAllowed(passkeyMode);

  useEffect(() => {
    if (!ready) return;
    getCurrentUser().then(
      (user) => {
        if (!appendAllowed || deviceHoldsPasskey(user.username)) router.replace('/profile');
        else setUsername(user.username);
      },
      () => router.replace('/login'),
    );
  }, [ready, appendAllowed, router]);

  if (!ready || username === null) return <p className="loading">Loading…</p>;

  return (
    <section className="card" data-testid="post-login">
      <h1>{isNewAccount ? 'Create your passkey' : 'Sign in faster next time'}</h1>
      <p className="lead">
        {isNewAccount
          ? 'Your account is ready. Add a passkey to sign in with your fingerprint, face or PIN: there is no password to remember.'
          : 'Add a passkey: your device unlocks it with your fingerprint, face or PIN.'}
      </p>
      {signInAgain ? (
        <SignInAgain reason={signInAgain} />
      ) : (
        <CorbadoConnectAppend
          appendTokenProvider={() => provider('passkey-append')}
          // The component skips by itself when its token is refused; stay for the sign-in-again notice then.
          onSkip={() => {
            if (!needsSignInAgain()) router.push('/profile');
          }}
          onComplete={() => {
            rememberDevicePasskey(username);
            router.push('/profile');
            return Promise.resolve();
          }}
          onError={(situation) => console.warn('passkey append', situation)}
        />
      )}
      {isNewAccount && (
        <p className="hint">
          Skipped it? You can add a passkey on your profile later, and sign in meanwhile with &quot;Lost your
          passkey?&quot; on the sign-in page (a code to your email).
        </p>
      )}
    </section>
  );
}
