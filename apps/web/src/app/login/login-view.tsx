'use client';

import { passkeyLoginAllowed, type PasskeyMode } from '@cognito-passkeys/deployment/operations';
import { CorbadoConnectLogin } from '@corbado/connect-react';
import { confirmSignIn, getCurrentUser, signIn, signOut, type SignInOutput } from 'aws-amplify/auth';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useEffect, useRef, useState, type FormEvent } from 'react';

import { Alert, CodeStep, Field, useSubmit } from '@/components/form';
import { CodeDeliveryHint, usePublicConfig } from '@/components/providers';
import { SIGNED_OUT_NOTICES } from '@/components/sign-in-again';
import { connectLoginIdentifier, deviceHoldsPasskey, rememberDevicePasskey } from '@/lib/device-passkey';
import { decodeJwtPayload } from '@/lib/jwt-claims';

type Step = 'passkey' | 'password' | 'email-code';

/**
 * connect-react 0.2.4's `LoginSituationCode.ClientPasskeyOperationCancelled`, as `onError` passes it: the
 * browser ended the ceremony with NotAllowedError. WebAuthn gives the same answer whether the user closed
 * the prompt or this device has no passkey for the account (it must not tell them apart), so the page says
 * both and goes straight to the password instead of the component's "try again" screens.
 */
const CEREMONY_NOT_ALLOWED = '5';

export const LOGIN_NOTICES = {
  noPasskeyHere:
    'No passkey was used: this device has none for this account, or the prompt was closed. Sign in with your password instead.',
  noPasskey: 'There is no passkey for this email yet. Sign in with your password.',
  passkeysOff: 'Passkey sign-in is turned off for now. Sign in with your password.',
} as const;

/** What `?reason=` tells the user: why they are asked to sign in (again). */
function loginNotice(reason: string | null): string | null {
  if (reason === 'password_changed') return 'Your password was changed. Sign in with the new one.';
  if (reason === 'reauthentication_required' || reason === 'session_revoked')
    return SIGNED_OUT_NOTICES[reason];
  return null;
}

/**
 * The sign-in: a passkey through Connect's login component when the passkey mode allows it, else (or as its
 * fallback) the password, with the email-code step where the user's MFA is on.
 */
export function LoginView({ passkeyMode }: { passkeyMode: PasskeyMode }) {
  const router = useRouter();
  const params = useSearchParams();
  const { corbadoProjectId } = usePublicConfig();
  const passkeyLogin = passkeyLoginAllowed(passkeyMode);
  const [step, setStep] = useState<Step>(
    passkeyLogin && params.get('mode') !== 'password' ? 'passkey' : 'password',
  );
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [destination, setDestination] = useState<string | null>(null);
  const [resent, setResent] = useState(false);
  const [notice, setNotice] = useState<string | null>(
    () => loginNotice(params.get('reason')) ?? (passkeyLogin ? null : LOGIN_NOTICES.passkeysOff),
  );
  const { busy, error, setError, run } = useSubmit();
  const [checked, setChecked] = useState(false);
  // The email the login component is working with, taken when a ceremony starts (its callbacks omit it).
  const ceremonyEmail = useRef('');

  // A signed-in user has nothing to do here.
  useEffect(() => {
    getCurrentUser().then(
      () => router.replace('/profile'),
      () => setChecked(true),
    );
  }, [router]);

  function toPassword(identifier: string, message: string | null): void {
    if (identifier) setEmail(identifier);
    setNotice(message);
    setError(null);
    setStep('password');
  }

  /** After a password sign-in (or its email code): done, or the next step Cognito asks for. */
  async function follow(output: SignInOutput): Promise<void> {
    const next = output.nextStep;
    if (output.isSignedIn || next.signInStep === 'DONE') {
      // No offer to add a passkey on a device that already holds one of this user's.
      const { username } = await getCurrentUser();
      router.push(deviceHoldsPasskey(username) ? '/profile' : '/post-login');
    } else if (next.signInStep === 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE') {
      setDestination(next.codeDeliveryDetails?.destination ?? null);
      setResent(false);
      setCode('');
      setStep('email-code');
    } else if (next.signInStep === 'RESET_PASSWORD') {
      // The account was marked RESET_REQUIRED (Cognito's PasswordResetRequiredException): pre-login stops
      // its passkeys too, so the way back is the reset, with the email already filled in.
      router.push(`/reset-password?email=${encodeURIComponent(email.trim())}&reason=reset_required`);
    } else if (next.signInStep === 'CONFIRM_SIGN_UP') {
      setError('Please confirm your email address first.');
      router.push(`/signup?email=${encodeURIComponent(email)}&step=confirm`);
    } else {
      setError('This account needs a sign-in step this app does not offer.');
    }
  }

  const onPassword = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => follow(await signIn({ username: email.trim(), password })));
  };

  const onEmailCode = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => follow(await confirmSignIn({ challengeResponse: code.trim() })));
  };

  // Cognito has no resend for a sign-in's email code: a new password sign-in sends a new one.
  const onNewCode = () =>
    void run(async () => {
      await follow(await signIn({ username: email.trim(), password }));
      setResent(true);
    });

  /**
   * The passkey was verified by Corbado: `session` is the signedPasskeyData (connect-react 0.2.4). Its
   * `webauthnId` is the Cognito username; Cognito's verify trigger checks the data with Corbado again.
   * Throwing here makes the component fall back to the password form.
   */
  async function onPasskeyComplete(signedPasskeyData: string): Promise<void> {
    const { webauthnId } = decodeJwtPayload(signedPasskeyData);
    if (typeof webauthnId !== 'string' || webauthnId.length === 0) throw new Error('no webauthnId');
    await signOut().catch(() => undefined);
    const started = await signIn({ username: webauthnId, options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
    if (started.nextStep.signInStep !== 'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE')
      throw new Error('unexpected step');
    const done = await confirmSignIn({ challengeResponse: signedPasskeyData });
    if (!done.isSignedIn) throw new Error('passkey sign-in was not accepted');
    rememberDevicePasskey(webauthnId);
    router.push('/profile');
  }

  if (!checked) return <p className="loading">Loading…</p>;

  const emailQuery = encodeURIComponent(email.trim());
  return (
    <section className="card" data-testid={`login-${step}`}>
      <h1>Sign in</h1>
      {step === 'passkey' && (
        <>
          <p className="lead">Use your passkey: no password needed.</p>
          <Alert kind="info" message={notice} />
          <CorbadoConnectLogin
            onComplete={onPasskeyComplete}
            onFallback={(identifier, message) => toPassword(identifier, message ?? LOGIN_NOTICES.noPasskey)}
            onLoaded={() => undefined}
            onLoginStart={() => {
              ceremonyEmail.current = connectLoginIdentifier(corbadoProjectId);
            }}
            onError={(situation) => {
              if (situation === CEREMONY_NOT_ALLOWED)
                toPassword(ceremonyEmail.current, LOGIN_NOTICES.noPasskeyHere);
              else console.warn('passkey login', situation);
            }}
          />
          <button
            type="button"
            className="secondary"
            onClick={() => toPassword(connectLoginIdentifier(corbadoProjectId), null)}
          >
            Sign in with password instead
          </button>
          {/* The page's own way to an account (not the component's onSignupClick, which would add a second). */}
          <p className="hint">
            No account yet? <Link href="/signup">Create one</Link>.
          </p>
        </>
      )}

      {step === 'password' && (
        <form onSubmit={onPassword}>
          <Alert kind="info" message={notice} />
          <Field
            id="password-email"
            label="Email"
            name="username"
            type="email"
            autoComplete="username"
            required
            value={email}
            onValue={setEmail}
          />
          <Field
            id="password"
            label="Password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onValue={setPassword}
          />
          <Alert kind="error" message={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
          <div className="links">
            {passkeyLogin && (
              <button
                type="button"
                className="link"
                onClick={() => {
                  setNotice(null);
                  setError(null);
                  setStep('passkey');
                }}
              >
                Use a passkey
              </button>
            )}
            <Link href={`/reset-password?email=${emailQuery}`}>Forgot your password?</Link>
            <Link href={`/reset-password?email=${emailQuery}&reason=lost_passkey`}>Lost your passkey?</Link>
            <Link href="/signup">Create an account</Link>
          </div>
        </form>
      )}

      {step === 'email-code' && (
        <>
          <CodeStep
            id="email-code"
            label="Sign-in code"
            sent="sign-in code"
            destination={destination}
            resent={resent}
            note="It is valid for a few minutes."
            code={code}
            onCode={setCode}
            error={error}
            busy={busy}
            busyLabel="Checking…"
            onSubmit={onEmailCode}
            onNewCode={onNewCode}
            onBack={() => toPassword('', null)}
          />
          <CodeDeliveryHint />
        </>
      )}
    </section>
  );
}
