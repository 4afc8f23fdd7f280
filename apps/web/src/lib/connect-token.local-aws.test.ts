// The session check against local-aws, the local Cognito the app runs with: real tokens from a real
// sign-in, the real JWKS, and each way Cognito ends a session (API reference: GlobalSignOut, RevokeToken,
// AdminUserGlobalSignOut, AdminDisableUser, AdminDeleteUser).
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { start, type LocalAws } from '@cognito-passkeys/local-aws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  createCognitoSessionCheck,
  createSessionTokensVerifier,
  issueConnectToken,
  type SessionCheck,
  type SessionTokensVerifier,
} from './connect-token';
import { localJwksCache } from './local-stack';

const POOL = 'us-east-1_WebSessionCheck';
const CLIENT = 'websessioncheck00000000001';
const PASSWORD = 'Correct-Horse-9-Battery';
/** The operator's key: local-aws answers admin operations only when a configured principal signed them. */
const ADMIN = { accessKeyId: 'AKIAWEBTESTADMIN0001', secretAccessKey: 'web-test-admin-secret' };

let aws: LocalAws;
let verifyTokens: SessionTokensVerifier;
let checkSession: SessionCheck;
const admin = () =>
  new CognitoIdentityProviderClient({
    endpoint: aws.url,
    region: 'us-east-1',
    credentials: { ...ADMIN },
    maxAttempts: 1,
  });
/** As the browser calls Cognito: unsigned public operations. */
const publicClient = () =>
  new CognitoIdentityProviderClient({
    endpoint: aws.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' },
    maxAttempts: 1,
  });

beforeAll(async () => {
  aws = await start({
    log: () => undefined,
    config: {
      userPools: [
        {
          id: POOL,
          name: 'web',
          usernameAttributes: ['email'],
          clients: [
            {
              id: CLIENT,
              name: 'web',
              explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
            },
          ],
        },
      ],
      principals: [{ ...ADMIN, arn: 'arn:aws:iam::000000000000:user/web-test-admin' }],
    },
  });
  verifyTokens = createSessionTokensVerifier({
    userPoolId: POOL,
    clientId: CLIENT,
    jwksCache: localJwksCache(`${aws.url}/${POOL}/.well-known/jwks.json`),
  });
  checkSession = createCognitoSessionCheck({ region: 'us-east-1', endpoint: aws.url });
});
afterAll(() => aws?.stop());

let users = 0;
async function newUser(): Promise<string> {
  users += 1;
  const email = `user${users}@example.com`;
  const cognito = admin();
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: POOL,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
      }),
    );
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: POOL,
        Username: email,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
  } finally {
    cognito.destroy();
  }
  return email;
}

async function signIn(email: string) {
  const cognito = publicClient();
  try {
    const { AuthenticationResult: tokens } = await cognito.send(
      new InitiateAuthCommand({
        ClientId: CLIENT,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    );
    return {
      idToken: tokens!.IdToken!,
      accessToken: tokens!.AccessToken!,
      refreshToken: tokens!.RefreshToken!,
    };
  } finally {
    cognito.destroy();
  }
}

type Session = Awaited<ReturnType<typeof signIn>>;

const corbado = { createConnectToken: () => Promise.resolve('ctk1_local') };
const ask = (type: string, { idToken, accessToken }: Session) =>
  issueConnectToken(
    { type, idToken, accessToken },
    { verifyTokens, checkSession, corbado, reauthMaxAgeSeconds: 900, typeAllowed: () => true },
  );

async function asAdmin(send: (cognito: CognitoIdentityProviderClient) => Promise<unknown>) {
  const cognito = admin();
  try {
    await send(cognito);
  } finally {
    cognito.destroy();
  }
}
async function asUser(send: (cognito: CognitoIdentityProviderClient) => Promise<unknown>) {
  const cognito = publicClient();
  try {
    await send(cognito);
  } finally {
    cognito.destroy();
  }
}

describe('the session check against local-aws', () => {
  it.each([
    [
      'GlobalSignOut',
      (_email: string, s: Session) =>
        asUser((c) => c.send(new GlobalSignOutCommand({ AccessToken: s.accessToken }))),
    ],
    [
      'RevokeToken of its refresh token',
      (_email: string, s: Session) =>
        asUser((c) => c.send(new RevokeTokenCommand({ Token: s.refreshToken, ClientId: CLIENT }))),
    ],
    [
      'AdminUserGlobalSignOut',
      (email: string) =>
        asAdmin((c) => c.send(new AdminUserGlobalSignOutCommand({ UserPoolId: POOL, Username: email }))),
    ],
    [
      'AdminDisableUser',
      (email: string) =>
        asAdmin((c) => c.send(new AdminDisableUserCommand({ UserPoolId: POOL, Username: email }))),
    ],
    [
      'AdminDeleteUser',
      (email: string) =>
        asAdmin((c) => c.send(new AdminDeleteUserCommand({ UserPoolId: POOL, Username: email }))),
    ],
  ])('mints for a live session, and nothing after %s', async (_name, end) => {
    const email = await newUser();
    const session = await signIn(email);
    expect(await ask('passkey-append', session)).toEqual({ ok: true, token: 'ctk1_local' });
    await end(email, session);
    for (const type of ['passkey-append', 'passkey-list', 'passkey-delete'])
      expect(await ask(type, session)).toEqual({ ok: false, code: 'session_revoked' });
  });

  it("revoking one sign-in's refresh token leaves the user's other sign-in working", async () => {
    const email = await newUser();
    const [first, second] = [await signIn(email), await signIn(email)];
    await asUser((c) => c.send(new RevokeTokenCommand({ Token: first.refreshToken, ClientId: CLIENT })));
    expect(await ask('passkey-list', first)).toEqual({ ok: false, code: 'session_revoked' });
    expect(await ask('passkey-list', second)).toEqual({ ok: true, token: 'ctk1_local' });
  });

  it("refuses one sign-in's idToken with another sign-in's access token", async () => {
    const email = await newUser();
    const [first, second] = [await signIn(email), await signIn(email)];
    expect(await ask('passkey-list', { ...first, accessToken: second.accessToken })).toEqual({
      ok: false,
      code: 'invalid_token',
    });
  });
});
