/**
 * Whether this browser holds a passkey for a user, as far as this app has seen: one was created here
 * (append) or signed in here. The app then does not offer to add one again after a password sign-in on
 * the same device (the user would only meet the authenticator's "already registered" answer).
 *
 * A hint for the offer only, kept in localStorage under the Cognito user name: it decides nothing about
 * access, and the profile's passkey list stays the place to add or remove passkeys.
 */
const KEY_PREFIX = 'cognito-passkeys:device-passkey:';

function storage(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.localStorage;
  } catch {
    // Storage can be switched off (private modes, policies): the offer is then simply always made.
    return undefined;
  }
}

/** Records that this browser holds a passkey of `username` (the Cognito user name). */
export function rememberDevicePasskey(username: string): void {
  if (username) storage()?.setItem(`${KEY_PREFIX}${username}`, '1');
}

/** Whether this browser was seen creating or using a passkey of `username`. */
export function deviceHoldsPasskey(username: string): boolean {
  return username.length > 0 && storage()?.getItem(`${KEY_PREFIX}${username}`) === '1';
}

/**
 * The email the Connect login component is working with: its email field (`#email`, the component's
 * documented DOM), else the account of its "Welcome back" screen (its stored last login). Used to carry the
 * email over to the password form, which the component's error callback does not pass.
 */
export function connectLoginIdentifier(projectId: string): string {
  if (typeof document === 'undefined') return '';
  const field = document.getElementById('email');
  if (field instanceof HTMLInputElement && field.value.trim()) return field.value.trim();
  try {
    const stored = storage()?.getItem(`cbo_connect_last_login-${projectId}`);
    const value: unknown = stored
      ? (JSON.parse(stored) as { identifierValue?: unknown }).identifierValue
      : '';
    return typeof value === 'string' ? value : '';
  } catch {
    return '';
  }
}
