'use client';

import { confirmResetPassword, resetPassword } from 'aws-amplify/auth';
import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useState, type FormEvent } from 'react';

import { USER_POOL } from '@cognito-passkeys/deployment/user-pool';

import { Alert, CodeField, Field, useSubmit } from '@/components/form';
import { CodeDeliveryHint } from '@/components/providers';

export default function ResetPasswordPage() {
  return (
    <Suspense fallback={<p className="loading">Loading…</p>}>
      <ResetPassword />
    </Suspense>
  );
}

/** Why the user is here, when the login sent them (`?reason=`). */
const REASONS: Record<string, string> = {
  reset_required: 'Your password must be reset before you can sign in again, with a passkey or a password.',
  lost_passkey:
    'Lost your passkey? We email you a code to set a password and sign in; then you can add a new passkey on this device.',
};

/**
 * Cognito's own forgot-password flow: a code to the user's email, then a new password. It is also the way
 * back for a user whose account was marked RESET_REQUIRED (which stops passkey sign-in too).
 */
function ResetPassword() {
  const router = useRouter();
  const params = useSearchParams();
  const [step, setStep] = useState<'request' | 'confirm'>('request');
  const [email, setEmail] = useState(params.get('email') ?? '');
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const [notice, setNotice] = useState<string | null>(REASONS[params.get('reason') ?? ''] ?? null);
  const { busy, error, run } = useSubmit();

  const onRequest = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const result = await resetPassword({ username: email.trim() });
      if (result.nextStep.resetPasswordStep === 'CONFIRM_RESET_PASSWORD_WITH_CODE') {
        setStep('confirm');
        setNotice('If an account exists for this email, we sent it a code.');
      }
    });
  };

  const onConfirm = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const username = email.trim();
      await confirmResetPassword({ username, confirmationCode: code.trim(), newPassword: password });
      // On to the sign-in with the new password, which asks for a second factor where the user has one.
      router.push(`/login?mode=password&email=${encodeURIComponent(username)}&reason=password_changed`);
    });
  };

  return (
    <section className="card" data-testid={`reset-${step}`}>
      <h1>Reset your password</h1>
      {step === 'request' ? (
        <form onSubmit={onRequest}>
          <Alert kind="info" message={notice} />
          <Field
            id="reset-email"
            label="Email"
            type="email"
            autoComplete="username"
            required
            value={email}
            onValue={setEmail}
          />
          <Alert kind="error" message={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Sending…' : 'Send a code'}
          </button>
        </form>
      ) : (
        <form onSubmit={onConfirm}>
          <Alert kind="info" message={notice} />
          <CodeField id="reset-code" label="Code from the email" value={code} onValue={setCode} />
          <Field
            id="reset-password"
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            minLength={USER_POOL.passwordPolicy.minLength}
            value={password}
            onValue={setPassword}
          />
          <Alert kind="error" message={error} />
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Set the new password'}
          </button>
        </form>
      )}
      <CodeDeliveryHint />
      <div className="links">
        <Link href="/login">Back to sign in</Link>
      </div>
    </section>
  );
}
