import { describe, expect, it } from 'vitest';

import type { ConnectTokenResult } from './connect-token';
import { ConnectTokenError, requestConnectToken, signInAgainReason } from './connect-token-request';

describe('signInAgainReason', () => {
  it.each([
    ['reauthentication_required', 'reauthentication_required'],
    ['session_revoked', 'session_revoked'],
    ['not_signed_in', 'session_revoked'],
    ['invalid_token', undefined],
    ['cognito_unavailable', undefined],
    ['corbado_unavailable', undefined],
  ] as const)('%s asks for a new sign-in: %s', (code, reason) => {
    expect(signInAgainReason(new ConnectTokenError(code))).toBe(reason);
  });

  it('a failure that is not a refused connect token asks for nothing', () => {
    expect(signInAgainReason(new Error('session_revoked'))).toBeUndefined();
  });
});

describe('requestConnectToken', () => {
  it('without a signed-in Amplify session, refuses as not_signed_in and never calls the Server Action', async () => {
    const calls: unknown[] = [];
    const action = (...args: unknown[]): Promise<ConnectTokenResult> => {
      calls.push(args);
      return Promise.resolve({ ok: true, token: 'ctk1_never' });
    };
    const refusal = await requestConnectToken('passkey-list', action).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ConnectTokenError);
    expect((refusal as ConnectTokenError).code).toBe('not_signed_in');
    expect(calls).toEqual([]);
  });
});
