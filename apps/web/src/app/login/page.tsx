'use client';

import { CorbadoConnectLogin } from '@corbado/connect-react';
import { confirmSignIn, getCurrentUser, signIn, signOut, type SignInOutput } from 'aws-amplify/auth';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { Suspense, useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'next/navigation';

import { Alert, CodeField, Field, useSubmit } from '@/components/form';
import { SIGNED_OUT_NOTICES } from '@/components/sign-in-again';
import { decodeJwtPayload } from '@/lib/jwt-claims';

type Mode = 'passkey' | 'password' | 'email-code';

/** What `?reason=` tells the user: why they are asked to sign in (again). */
function loginNotice(reason: string | null): string | null {
  if (reason === 'password_changed') return 'Your password was changed. Sign in with the new one.';
  if (reason === 'reauthentication_required' || reason === 'session_revoked')
    return SIGNED_OUT_NOTICES[reason];
  return null;
}

export default function LoginPage() {
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <Login />
    </Suspense>
  );
}

function Login() {
  const router = useRouter();
  const params = useSearchParams();
  const [mode, setMode] = useState<Mode>(params.get('mode') === 'password' ? 'password' : 'passkey');
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState<string | null>(() => loginNotice(params.get('reason')));
  const { busy, error, setError, run } = useSubmit();
  const [checked, setChecked] = useState(false);

  // A signed-in user has nothing to do here.
  useEffect(() => {
    getCurrentUser().then(
      () => router.replace('/profile'),
      () => setChecked(true),
    );
  }, [router]);

  /** After a password sign-in (or its email code): done, or the next step Cognito asks for. */
  function follow(output: SignInOutput): void {
    const step = output.nextStep.signInStep;
    if (output.isSignedIn || step === 'DONE') {
      router.push('/post-login');
    } else if (step === 'CONFIRM_SIGN_IN_WITH_EMAIL_CODE') {
      setMode('email-code');
      setNotice('We sent a sign-in code to your email.');
    } else if (step === 'RESET_PASSWORD') {
      // The account was marked RESET_REQUIRED (Cognito's PasswordResetRequiredException): pre-login stops
      // its passkeys too, so the way back is the reset, with the email already filled in.
      router.push(`/reset-password?email=${encodeURIComponent(email.trim())}&reason=reset_required`);
    } else if (step === 'CONFIRM_SIGN_UP') {
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
    router.push('/profile');
  }

  if (!checked) return <p className="loading">Loading…</p>;

  return (
    <section className="card" data-testid={`login-${mode}`}>
      <h1>Sign in</h1>
      {mode === 'passkey' && (
        <>
          <p className="lead">Use your passkey: no password needed.</p>
          <Alert kind="info" message={notice} />
          <CorbadoConnectLogin
            onComplete={onPasskeyComplete}
            onFallback={(identifier, message) => {
              setEmail(identifier);
              setNotice(message ?? 'Please sign in with your password.');
              setMode('password');
            }}
            onLoaded={() => undefined}
            // Shown when pre-login reveals an unknown email (REVEAL_UNKNOWN_USER): offer an account.
            onSignupClick={() => router.push('/signup')}
            onError={(situation) => console.warn('passkey login', situation)}
          />
          <div className="links">
            <button type="button" className="secondary" onClick={() => setMode('password')}>
              Sign in with password instead
            </button>
          </div>
        </>
      )}

      {mode === 'password' && (
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
            <a
              href="#passkey"
              onClick={(e) => {
                e.preventDefault();
                setNotice(null);
                setError(null);
                setMode('passkey');
              }}
            >
              Use a passkey
            </a>
            <Link href={`/reset-password?email=${encodeURIComponent(email.trim())}`}>
              Forgot your password?
            </Link>
            <Link href="/signup">Create an account</Link>
          </div>
        </form>
      )}

      {mode === 'email-code' && (
        <form onSubmit={onEmailCode}>
          <Alert kind="info" message={notice} />
          <CodeField id="email-code" label="Sign-in code" value={code} onValue={setCode} />
          <Alert kind="error" message={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Checking…' : 'Confirm'}
          </button>
        </form>
      )}

      {mode === 'passkey' && (
        <p className="hint">
          No account yet? <Link href="/signup">Create one</Link>.
        </p>
      )}
    </section>
  );
}
