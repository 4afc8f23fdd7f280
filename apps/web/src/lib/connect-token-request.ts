import { fetchAuthSession } from 'aws-amplify/auth';

import type { ConnectTokenErrorCode, ConnectTokenResult, ConnectTokenType } from './connect-token';

export type { ConnectTokenType };

/** The Server Action that mints connect tokens (`getConnectToken` in `app/actions.ts`), as the browser calls it. */
export type GetConnectToken = (
  type: ConnectTokenType,
  tokens: { idToken: string; accessToken: string },
) => Promise<ConnectTokenResult>;

/** The refusals that only a new sign-in cures; `/login?reason=` names them to the user. */
export type SignInAgainReason = Extract<
  ConnectTokenErrorCode,
  'reauthentication_required' | 'session_revoked'
>;

/** A refused connect token, with the Server Action's code (or `not_signed_in`). */
export class ConnectTokenError extends Error {
  override readonly name = 'ConnectTokenError';
  constructor(readonly code: ConnectTokenErrorCode | 'not_signed_in') {
    super(code);
  }
}

/**
 * The refusals that only a new sign-in cures, and the reason each is given. Amplify has no tokens to send
 * (`not_signed_in`) when its refresh was refused, e.g. after a sign-out everywhere: the session has ended.
 */
const SIGN_IN_AGAIN: Partial<Record<ConnectTokenError['code'], SignInAgainReason>> = {
  reauthentication_required: 'reauthentication_required',
  session_revoked: 'session_revoked',
  not_signed_in: 'session_revoked',
};

/** Why the user must sign in again after this refusal, or `undefined` when a new sign-in would not help. */
export function signInAgainReason(error: unknown): SignInAgainReason | undefined {
  return error instanceof ConnectTokenError ? SIGN_IN_AGAIN[error.code] : undefined;
}

/**
 * Asks the Server Action for a connect token with both tokens of the signed-in user's session (Amplify
 * refreshes them first when they have expired; a refresh keeps the sign-in's `auth_time`).
 */
export async function requestConnectToken(
  type: ConnectTokenType,
  getConnectToken: GetConnectToken,
): Promise<string> {
  const { tokens } = await fetchAuthSession();
  const idToken = tokens?.idToken?.toString();
  const accessToken = tokens?.accessToken?.toString();
  if (!idToken || !accessToken) throw new ConnectTokenError('not_signed_in');
  const result = await getConnectToken(type, { idToken, accessToken });
  if (!result.ok) throw new ConnectTokenError(result.code);
  return result.token;
}
