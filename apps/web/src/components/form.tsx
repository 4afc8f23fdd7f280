'use client';

import { useEffect, useRef, useState, type FormEvent, type InputHTMLAttributes } from 'react';

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

/**
 * The step that asks for a code Cognito emailed: where it went (`destination`, masked by Cognito), the
 * code field, the error, and the ways on: a new code, or back to the step before.
 */
export function CodeStep({
  id,
  label,
  sent,
  destination,
  resent,
  note,
  code,
  onCode,
  error,
  busy,
  busyLabel,
  onSubmit,
  onNewCode,
  onBack,
}: {
  id: string;
  label: string;
  /** What was sent, as in "We sent a sign-in code". */
  sent: string;
  destination: string | null;
  resent: boolean;
  /** A sentence after the status, e.g. how long the code is valid. */
  note?: string;
  code: string;
  onCode: (value: string) => void;
  error: string | null;
  busy: boolean;
  busyLabel: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  onNewCode: () => void;
  onBack: () => void;
}) {
  return (
    <form onSubmit={onSubmit}>
      <p className="alert info" role="status">
        {resent ? `We sent a new ${sent} to ` : `We sent a ${sent} to `}
        {destination ?? 'your email'}.{note === undefined ? '' : ` ${note}`}
      </p>
      <CodeField id={id} label={label} value={code} onValue={onCode} />
      <Alert kind="error" message={error} />
      <button type="submit" disabled={busy}>
        {busy ? busyLabel : 'Confirm'}
      </button>
      <div className="actions">
        <button type="button" className="secondary" disabled={busy} onClick={onNewCode}>
          Send a new code
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={onBack}>
          Back
        </button>
      </div>
    </form>
  );
}

/**
 * A message for the user; nothing renders without a message. An error is announced (role="alert") and
 * takes the focus, so keyboard and screen-reader users land on it; other messages are a polite status.
 */
export function Alert({ kind, message }: { kind: 'error' | 'info' | 'success'; message: string | null }) {
  const ref = useRef<HTMLParagraphElement>(null);
  useEffect(() => {
    if (kind === 'error' && message) ref.current?.focus();
  }, [kind, message]);
  if (!message) return null;
  return kind === 'error' ? (
    <p ref={ref} className="alert error" role="alert" tabIndex={-1}>
      {message}
    </p>
  ) : (
    <p className={`alert ${kind}`} role="status">
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
