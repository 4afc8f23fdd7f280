import {
  AdminResetUserPasswordCommand,
  AdminCreateUserCommand,
  AdminSetUserMFAPreferenceCommand,
  GetUserCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  confirmResetPassword,
  confirmSignUp,
  fetchAuthSession,
  fetchUserAttributes,
  resetPassword,
  signIn,
  signOut,
  signUp,
  updateMFAPreference,
} from 'aws-amplify/auth';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type LocalAws } from '../src/index';
import { cognitoClient, errorName, outbox, PASSWORD, testConfig } from './helpers';

let server: LocalAws;
let cognito: CognitoIdentityProviderClient;
let poolId: string;
let clientId: string;

beforeAll(async () => {
  server = await start({ config: testConfig(), log: () => undefined });
  cognito = cognitoClient(server.url);
  poolId = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 1 }))).UserPools?.[0]?.Id ?? '';
  clientId =
    (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: poolId }))).UserPoolClients?.find(
      (c) => c.ClientName === 'web',
    )?.ClientId ?? '';
  Amplify.configure({
    Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: server.url } },
  });
});
afterAll(async () => {
  await signOut().catch(() => undefined);
  await server.stop();
});

async function registerWithAmplify(email: string): Promise<string> {
  const result = await signUp({
    username: email,
    password: PASSWORD,
    options: { userAttributes: { email } },
  });
  expect(result.nextStep.signUpStep).toBe('CONFIRM_SIGN_UP');
  const code = (await outbox(server.url, email)).filter((m) => m.kind === 'confirmation').at(-1)?.code ?? '';
  expect(
    await errorName(
      confirmSignUp({ username: email, confirmationCode: code === '000000' ? '111111' : '000000' }),
    ),
  ).toBe('CodeMismatchException');
  const confirmed = await confirmSignUp({ username: email, confirmationCode: code });
  expect(confirmed.isSignUpComplete).toBe(true);
  return result.userId ?? '';
}

describe('Amplify v6 against local-aws', () => {
  it('signs up, confirms with the outbox code, signs in with SRP, refreshes and signs out with revocation', async () => {
    const sub = await registerWithAmplify('lin@example.com');

    expect(await errorName(signIn({ username: 'lin@example.com', password: 'Wrong-Pass1!' }))).toBe(
      'NotAuthorizedException',
    );
    const signedIn = await signIn({ username: 'lin@example.com', password: PASSWORD });
    expect(signedIn.nextStep.signInStep).toBe('DONE');

    const attributes = await fetchUserAttributes();
    expect(attributes).toMatchObject({ email: 'lin@example.com', email_verified: 'true', sub });

    const session = await fetchAuthSession();
    const refreshed = await fetchAuthSession({ forceRefresh: true });
    const oldAccess = session.tokens?.accessToken.toString() ?? '';
    const newAccess = refreshed.tokens?.accessToken.toString() ?? '';
    expect(newAccess).not.toBe('');
    expect(newAccess).not.toBe(oldAccess);

    const verifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'id', clientId });
    verifier.cacheJwks(
      (await (await fetch(`${server.url}/${poolId}/.well-known/jwks.json`)).json()) as Parameters<
        typeof verifier.cacheJwks
      >[0],
    );
    expect((await verifier.verify(refreshed.tokens?.idToken?.toString() ?? '')).sub).toBe(sub);

    await signOut();
    // signOut revoked the refresh token, so the access tokens it minted are refused.
    expect(await errorName(cognito.send(new GetUserCommand({ AccessToken: newAccess })))).toBe(
      'NotAuthorizedException',
    );
  });

  it('asks for the email code when email MFA is enabled, and refuses a wrong one', async () => {
    const sub = await registerWithAmplify('otp@example.com');
    await cognito.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: sub,
        EmailMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const first = await signIn({ username: 'otp@example.com', password: PASSWORD });
    expect(first.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
    const code =
      (await outbox(server.url, 'otp@example.com')).filter((m) => m.kind === 'mfa').at(-1)?.code ?? '';
    expect(code).toMatch(/^\d{6}$/);
    expect(
      await errorName(confirmSignIn({ challengeResponse: code === '123456' ? '654321' : '123456' })),
    ).toBe('CodeMismatchException');
    const done = await confirmSignIn({ challengeResponse: code });
    expect(done.nextStep.signInStep).toBe('DONE');
    expect((await fetchUserAttributes()).email).toBe('otp@example.com');
    await signOut();

    // Three wrong codes spend the challenge: the right code no longer works.
    await signIn({ username: 'otp@example.com', password: PASSWORD });
    const second =
      (await outbox(server.url, 'otp@example.com')).filter((m) => m.kind === 'mfa').at(-1)?.code ?? '';
    const wrong = second === '999999' ? '888888' : '999999';
    for (let i = 0; i < 3; i++)
      expect(await errorName(confirmSignIn({ challengeResponse: wrong }))).toBe('CodeMismatchException');
    expect(await errorName(confirmSignIn({ challengeResponse: second }))).toBe('NotAuthorizedException');
  });

  it('asks an invited user for a new password on SRP sign-in', async () => {
    const invited = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'invited@example.com',
        TemporaryPassword: 'Temp-Pass1!',
      }),
    );
    expect((await outbox(server.url, 'invited@example.com'))[0]?.kind).toBe('invitation');
    const first = await signIn({ username: 'invited@example.com', password: 'Temp-Pass1!' });
    expect(first.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED');
    const done = await confirmSignIn({ challengeResponse: PASSWORD });
    expect(done.nextStep.signInStep).toBe('DONE');
    expect((await fetchUserAttributes()).sub).toBe(invited.User?.Username);
    await signOut();
    expect((await signIn({ username: 'invited@example.com', password: PASSWORD })).nextStep.signInStep).toBe(
      'DONE',
    );
    await signOut();
  });

  it('resets a forgotten password with the outbox code', async () => {
    await registerWithAmplify('forgot@example.com');
    const started = await resetPassword({ username: 'forgot@example.com' });
    expect(started.nextStep.resetPasswordStep).toBe('CONFIRM_RESET_PASSWORD_WITH_CODE');
    const code =
      (await outbox(server.url, 'forgot@example.com')).filter((m) => m.kind === 'password-reset').at(-1)
        ?.code ?? '';
    const newPassword = 'N3w-Password!';
    expect(
      await errorName(
        confirmResetPassword({
          username: 'forgot@example.com',
          confirmationCode: code === '000000' ? '111111' : '000000',
          newPassword,
        }),
      ),
    ).toBe('CodeMismatchException');
    await confirmResetPassword({ username: 'forgot@example.com', confirmationCode: code, newPassword });
    expect(await errorName(signIn({ username: 'forgot@example.com', password: PASSWORD }))).toBe(
      'NotAuthorizedException',
    );
    expect(
      (await signIn({ username: 'forgot@example.com', password: newPassword })).nextStep.signInStep,
    ).toBe('DONE');

    // The signed-in user turns on email MFA for themselves; the next sign-in asks for the code.
    await updateMFAPreference({ email: 'PREFERRED' });
    await signOut();
    expect(
      (await signIn({ username: 'forgot@example.com', password: newPassword })).nextStep.signInStep,
    ).toBe('CONFIRM_SIGN_IN_WITH_EMAIL_CODE');
  });

  it('sends a user whose password an admin reset to the reset step, and lets the code set a new one', async () => {
    await registerWithAmplify('reset@example.com');
    await signOut();
    await cognito.send(
      new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'reset@example.com' }),
    );
    const code =
      (await outbox(server.url, 'reset@example.com')).filter((m) => m.kind === 'password-reset').at(-1)
        ?.code ?? '';
    expect(code).toMatch(/^\d{6}$/);
    // PasswordResetRequiredException, which Amplify turns into the RESET_PASSWORD step.
    expect((await signIn({ username: 'reset@example.com', password: PASSWORD })).nextStep.signInStep).toBe(
      'RESET_PASSWORD',
    );
    const newPassword = 'N3w-Password!';
    await confirmResetPassword({ username: 'reset@example.com', confirmationCode: code, newPassword });
    expect((await signIn({ username: 'reset@example.com', password: newPassword })).nextStep.signInStep).toBe(
      'DONE',
    );
  });
});
