'use client';

import { useState, type InputHTMLAttributes } from 'react';

import { describeAuthError } from '@/lib/auth-error-text';

/** A labelled input; `onValue` gets the new text. */
export function Field({
  id,
  label,
  onValue,
  ...input
}: { id: string; label: string; onValue: (value: string) => void } & Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'onChange'
>) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} {...input} onChange={(e) => onValue(e.target.value)} />
    </>
  );
}

/** A one-time code from an email: digits, offered from the message where the device can. */
export function CodeField({
  id,
  label,
  value,
  onValue,
}: {
  id: string;
  label: string;
  value: string;
  onValue: (value: string) => void;
}) {
  return (
    <Field
      id={id}
      label={label}
      name="code"
      inputMode="numeric"
      autoComplete="one-time-code"
      required
      value={value}
      onValue={onValue}
    />
  );
}

/** A message for the user: errors are announced (role="alert"); nothing renders without a message. */
export function Alert({ kind, message }: { kind: 'error' | 'info' | 'success'; message: string | null }) {
  if (!message) return null;
  return (
    <p className={`alert ${kind}`} role={kind === 'error' ? 'alert' : undefined}>
      {message}
    </p>
  );
}

/** One submission at a time: `busy` while `run`'s action is under way, its failure as a readable `error`. */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(action: () => Promise<void>): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(describeAuthError(e));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
