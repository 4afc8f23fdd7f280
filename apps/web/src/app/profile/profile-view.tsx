'use client';

import {
  passkeyAppendAllowed,
  passkeyManagementAllowed,
  type PasskeyMode,
} from '@cognito-passkeys/deployment/operations';
import { CorbadoConnectPasskeyList } from '@corbado/connect-react';
import { fetchMFAPreference, fetchUserAttributes, signOut } from 'aws-amplify/auth';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

import { getConnectToken } from '@/app/actions';
import { usePasskeyListKeyboard } from '@/components/passkey-list-keyboard';
import { SignInAgain } from '@/components/sign-in-again';
import { describeAuthError } from '@/lib/auth-error-text';
import { useConnectToken, useRequireSession } from '@/lib/session-hooks';

const MFA_NAMES: Record<string, string> = {
  EMAIL: 'Email code',
  TOTP: 'Authenticator app',
  SMS: 'Text message',
};

function describeMfa(enabled: string[], preferred: string | undefined): string {
  if (enabled.length === 0) return 'Off';
  const names = enabled.map((m) => MFA_NAMES[m] ?? m).join(', ');
  return preferred ? `${names} (preferred: ${MFA_NAMES[preferred] ?? preferred})` : names;
}

interface Profile {
  attributes: Record<string, string | undefined>;
  mfa: string;
}

/** What the profile says in place of the passkey list while the passkey mode is `off`. */
export const PASSKEYS_OFF_NOTICE =
  'Passkeys are turned off for now: sign in with your password. Your passkeys are kept and work again once they are back.';

export function ProfileView({ passkeyMode }: { passkeyMode: PasskeyMode }) {
  const router = useRouter();
  const ready = useRequireSession();
  const [profile, setProfile] = useState<Profile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [signingOut, setSigningOut] = useState(false);
  const { provider, signInAgain } = useConnectToken(getConnectToken);
  usePasskeyListKeyboard();
  // Cognito refuses GetUser for a session it has ended (signed out everywhere, revoked, user disabled).
  const [sessionEnded, setSessionEnded] = useState(false);
  const ended = sessionEnded || signInAgain === 'session_revoked';

  useEffect(() => {
    if (!ready) return;
    Promise.all([fetchUserAttributes(), fetchMFAPreference()]).then(
      ([attributes, mfa]) =>
        setProfile({
          attributes,
          mfa: describeMfa(mfa.enabled ?? [], mfa.preferred),
        }),
      (e: unknown) => {
        const name = e instanceof Error ? e.name : '';
        if (name === 'NotAuthorizedException' || name === 'UserNotFoundException') setSessionEnded(true);
        else setError(describeAuthError(e));
      },
    );
  }, [ready]);

  async function onSignOut() {
    setSigningOut(true);
    try {
      // Revokes the refresh token (and the tokens minted from it) at Cognito.
      await signOut();
    } finally {
      router.replace('/login');
    }
  }

  if (!ready) return <p className="loading">Loading…</p>;

  return (
    <>
      <section className="card" data-testid="profile">
        <h1>Your profile</h1>
        {ended && <SignInAgain reason="session_revoked" />}
        {error && (
          <p className="alert error" role="alert">
            {error}
          </p>
        )}
        {profile ? (
          <dl className="attributes">
            <dt>Email</dt>
            <dd data-testid="profile-email">{profile.attributes.email}</dd>
            <dt>Verified</dt>
            <dd>{profile.attributes.email_verified === 'true' ? 'yes' : 'no'}</dd>
            <dt>User ID</dt>
            <dd className="id">{profile.attributes.sub}</dd>
            <dt>MFA</dt>
            <dd data-testid="profile-mfa">{profile.mfa}</dd>
          </dl>
        ) : (
          !error && !ended && <p className="loading">Loading…</p>
        )}
        <button type="button" className="secondary" disabled={signingOut} onClick={() => void onSignOut()}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </section>
      {/* An ended session has no passkeys to show: the notice above says what to do. */}
      {!ended && (
        <section className="card" data-testid="passkeys">
          <h2>Passkeys</h2>
          {passkeyManagementAllowed(passkeyMode) ? (
            <>
              {signInAgain === 'reauthentication_required' && <SignInAgain reason={signInAgain} />}
              {/* With no new passkeys allowed (login-only), the list's own "Add a passkey" is hidden. */}
              <div className={passkeyAppendAllowed(passkeyMode) ? undefined : 'passkey-list-no-append'}>
                <CorbadoConnectPasskeyList connectTokenProvider={provider} />
              </div>
            </>
          ) : (
            <p className="alert info" role="status" data-testid="passkeys-off">
              {PASSKEYS_OFF_NOTICE}
            </p>
          )}
        </section>
      )}
    </>
  );
}
