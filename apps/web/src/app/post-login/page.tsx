'use client';

import { CorbadoConnectAppend } from '@corbado/connect-react';
import Link from 'next/link';
import { useRouter } from 'next/navigation';

import { getConnectToken } from '@/app/actions';
import { SignInAgain } from '@/components/sign-in-again';
import { useConnectToken, useRequireSession } from '@/lib/session-hooks';

export default function PostLoginPage() {
  const router = useRouter();
  const ready = useRequireSession();
  const { provider, signInAgain, needsSignInAgain } = useConnectToken(getConnectToken);
  if (!ready) return <p className="loading">Loading…</p>;

  return (
    <section className="card" data-testid="post-login">
      <h1>Sign in faster next time</h1>
      <p className="lead">Add a passkey: your device unlocks it with your fingerprint, face or PIN.</p>
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
            router.push('/profile');
            return Promise.resolve();
          }}
          onError={(situation) => console.warn('passkey append', situation)}
        />
      )}
      <div className="links">
        <Link href="/profile">Continue to your profile</Link>
      </div>
    </section>
  );
}
