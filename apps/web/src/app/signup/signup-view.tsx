'use client';

import { passkeyAppendAllowed, type PasskeyMode } from '@cognito-passkeys/deployment/operations';
import { describePasswordPolicy, USER_POOL } from '@cognito-passkeys/deployment/user-pool';
import { autoSignIn, confirmSignUp, resendSignUpCode, signIn, signUp } from 'aws-amplify/auth';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';

import { Alert, CodeStep, Field, useSubmit } from '@/components/form';
import { CodeDeliveryHint } from '@/components/providers';
import { generatePassword } from '@/lib/generated-password';

/** The pool's password rules, as the deployment defines them (Cognito enforces the same). */
const PASSWORD_POLICY = USER_POOL.passwordPolicy;
const PASSWORD_RULES = describePasswordPolicy(PASSWORD_POLICY);

type Step = 'details' | 'confirm';

/**
 * Sign-up. Passkey first where the passkey mode allows new passkeys: email → code → signed in → the passkey
 * offer, with no password typed or shown (Cognito's password is generated here and held only by Amplify's
 * auto sign-in, in memory). A password sign-up stays available, and is the only one otherwise.
 */
export function SignUpView({ passkeyMode }: { passkeyMode: PasskeyMode }) {
  const router = useRouter();
  const params = useSearchParams();
  const passkeyFirstOffered = passkeyAppendAllowed(passkeyMode);
  const [withPassword, setWithPassword] = useState(!passkeyFirstOffered || params.get('with') === 'password');
  const [step, setStep] = useState<Step>(params.get('step') === 'confirm' ? 'confirm' : 'details');
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [destination, setDestination] = useState<string | null>(null);
  const [resent, setResent] = useState(false);
  const { busy, error, setError, run } = useSubmit();
  const username = email.trim();
  const toPasswordLogin = `/login?mode=password&email=${encodeURIComponent(username)}`;

  const onDetails = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await signUp({
        username,
        password: withPassword ? password : generatePassword(PASSWORD_POLICY),
        options: { userAttributes: { email: username }, autoSignIn: !withPassword },
      });
      if (result.nextStep.signUpStep === 'CONFIRM_SIGN_UP') {
        setDestination(result.nextStep.codeDeliveryDetails.destination ?? null);
        setResent(false);
        setStep('confirm');
      } else {
        router.push(toPasswordLogin);
      }
    });
  };

  const onConfirm = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const confirmed = await confirmSignUp({ username, confirmationCode: code.trim() });
      if (confirmed.nextStep.signUpStep === 'COMPLETE_AUTO_SIGN_IN') {
        // Amplify signs in with the generated password it holds; the user goes on to create the passkey.
        const signedIn = await autoSignIn();
        router.push(signedIn.isSignedIn ? '/post-login?new=1' : toPasswordLogin);
        return;
      }
      if (!withPassword || !password) {
        // A passkey-first sign-up confirmed after a reload: the generated password is gone, so the way in
        // is the email code of the password reset (the same as for a lost passkey).
        router.push(`/reset-password?email=${encodeURIComponent(username)}&reason=lost_passkey`);
        return;
      }
      // Straight on to a password sign-in, then the offer to add a passkey.
      const signedIn = await signIn({ username, password });
      router.push(signedIn.isSignedIn ? '/post-login' : toPasswordLogin);
    });
  };

  const onNewCode = () =>
    void run(async () => {
      const sent = await resendSignUpCode({ username });
      setDestination(sent.destination ?? destination);
      setResent(true);
    });

  return (
    <section className="card" data-testid={`signup-${step}`}>
      <h1>Create your account</h1>
      {step === 'details' ? (
        <form onSubmit={onDetails}>
          <p className="lead">
            {withPassword
              ? 'Start with a password; you can add a passkey right after.'
              : 'Sign up with your email and a passkey: no password to make up or remember.'}
          </p>
          <Field
            id="signup-email"
            label="Email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onValue={setEmail}
          />
          {withPassword && (
            <>
              <Field
                id="signup-password"
                label="Password"
                type="password"
                autoComplete="new-password"
                required
                minLength={PASSWORD_POLICY.minLength}
                aria-describedby="signup-password-rules"
                value={password}
                onValue={setPassword}
              />
              <div className="hint" id="signup-password-rules" data-testid="password-rules">
                Your password needs:
                <ul>
                  {PASSWORD_RULES.map((rule) => (
                    <li key={rule}>{rule}</li>
                  ))}
                </ul>
              </div>
            </>
          )}
          <Alert kind="error" message={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : withPassword ? 'Create account' : 'Create account with a passkey'}
          </button>
          {passkeyFirstOffered && (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => {
                setError(null);
                setWithPassword(!withPassword);
              }}
            >
              {withPassword ? 'Sign up with a passkey instead' : 'Sign up with a password instead'}
            </button>
          )}
        </form>
      ) : (
        <CodeStep
          id="signup-code"
          label="Confirmation code"
          sent="confirmation code"
          destination={destination}
          resent={resent}
          code={code}
          onCode={setCode}
          error={error}
          busy={busy}
          busyLabel="Confirming…"
          onSubmit={onConfirm}
          onNewCode={onNewCode}
          onBack={() => {
            setError(null);
            setCode('');
            setStep('details');
          }}
        />
      )}
      <CodeDeliveryHint />
      <div className="links">
        <Link href="/login">I already have an account</Link>
      </div>
    </section>
  );
}
