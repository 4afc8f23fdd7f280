'use client';

import { confirmSignUp, resendSignUpCode, signIn, signUp } from 'aws-amplify/auth';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useState, type FormEvent } from 'react';

import { describePasswordPolicy, USER_POOL } from '@cognito-passkeys/deployment/user-pool';

import { Alert, CodeField, Field, useSubmit } from '@/components/form';
import { CodeDeliveryHint } from '@/components/providers';

/** The pool's password rules, as the deployment defines them (Cognito enforces the same). */
const PASSWORD_POLICY = USER_POOL.passwordPolicy;
const PASSWORD_RULES = describePasswordPolicy(PASSWORD_POLICY);

export default function SignUpPage() {
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <SignUp />
    </Suspense>
  );
}

function SignUp() {
  const router = useRouter();
  const params = useSearchParams();
  const [step, setStep] = useState<'details' | 'confirm'>(
    params.get('step') === 'confirm' ? 'confirm' : 'details',
  );
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const { busy, error, run } = useSubmit();

  const onDetails = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await signUp({
        username: email.trim(),
        password,
        options: { userAttributes: { email: email.trim() } },
      });
      if (result.nextStep.signUpStep === 'CONFIRM_SIGN_UP') {
        setStep('confirm');
        setNotice('We sent a confirmation code to your email.');
      } else {
        router.push(`/login?mode=password&email=${encodeURIComponent(email.trim())}`);
      }
    });
  };

  const onConfirm = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await confirmSignUp({ username: email.trim(), confirmationCode: code.trim() });
      if (!password) {
        router.push(`/login?mode=password&email=${encodeURIComponent(email.trim())}`);
        return;
      }
      // Straight on to a password sign-in, then the offer to add a passkey.
      const signedIn = await signIn({ username: email.trim(), password });
      router.push(
        signedIn.isSignedIn
          ? '/post-login'
          : `/login?mode=password&email=${encodeURIComponent(email.trim())}`,
      );
    });
  };

  return (
    <section className="card" data-testid={`signup-${step}`}>
      <h1>Create your account</h1>
      {step === 'details' ? (
        <form onSubmit={onDetails}>
          <p className="lead">Start with a password; you can add a passkey right after.</p>
          <Field
            id="signup-email"
            label="Email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onValue={setEmail}
          />
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
          <Alert kind="error" message={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create account'}
          </button>
        </form>
      ) : (
        <form onSubmit={onConfirm}>
          <Alert kind="info" message={notice} />
          <CodeField id="signup-code" label="Confirmation code" value={code} onValue={setCode} />
          <Alert kind="error" message={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Confirming…' : 'Confirm'}
          </button>
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() =>
              void run(async () => {
                await resendSignUpCode({ username: email.trim() });
                setNotice('We sent a new code.');
              })
            }
          >
            Send a new code
          </button>
        </form>
      )}
      <CodeDeliveryHint />
      <div className="links">
        <Link href="/login">I already have an account</Link>
      </div>
    </section>
  );
}
