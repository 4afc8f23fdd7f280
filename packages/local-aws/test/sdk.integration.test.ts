import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SignUpCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  GetParameterCommand,
  GetParametersCommand,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { start, type LocalAws } from '../src/index';
import {
  cognitoClient,
  errorName,
  outbox,
  PASSWORD,
  postJson,
  ssmClient,
  testConfig,
  triggerEvents,
} from './helpers';

let server: LocalAws;
let cognito: CognitoIdentityProviderClient;
let ssm: SSMClient;
let poolId: string;
let clientId: string;
let legacyClientId: string;

beforeAll(async () => {
  server = await start({ config: testConfig(), log: () => undefined });
  cognito = cognitoClient(server.url);
  ssm = ssmClient(server.url);
  const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 10 }));
  poolId = pools.UserPools?.[0]?.Id ?? '';
  const clients = await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: poolId }));
  clientId = clients.UserPoolClients?.find((c) => c.ClientName === 'web')?.ClientId ?? '';
  legacyClientId = clients.UserPoolClients?.find((c) => c.ClientName === 'legacy')?.ClientId ?? '';
});
afterAll(async () => {
  await server.stop();
});

async function createUser(email: string): Promise<string> {
  const created = await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
    }),
  );
  return created.User?.Username ?? '';
}

async function customSignIn(email: string, answers: string[], clientMetadata?: Record<string, string>) {
  const first = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'CUSTOM_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: email },
      ClientMetadata: { from: 'initiate' },
    }),
  );
  let session = first.Session;
  let last = first;
  for (const answer of answers) {
    last = await cognito.send(
      new RespondToAuthChallengeCommand({
        ClientId: clientId,
        ChallengeName: 'CUSTOM_CHALLENGE',
        Session: session,
        ChallengeResponses: { USERNAME: first.ChallengeParameters?.USERNAME ?? email, ANSWER: answer },
        ClientMetadata: clientMetadata,
      }),
    );
    session = last.Session;
  }
  return { first, last };
}

describe('pools, users and admin operations', () => {
  it('seeds a pool with a real pool-ID form and email-as-username users', async () => {
    expect(poolId).toMatch(/^us-east-1_[0-9a-zA-Z]+$/);
    const username = await createUser('ada@example.com');
    expect(username).toMatch(/^[0-9a-f-]{36}$/);
    const byEmail = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ada@example.com' }),
    );
    expect(byEmail.Username).toBe(username);
    expect(byEmail.UserStatus).toBe('FORCE_CHANGE_PASSWORD');
    const bySub = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    expect(bySub.UserAttributes?.find((a) => a.Name === 'email')?.Value).toBe('ada@example.com');
    expect(
      await errorName(
        cognito.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ada@example.com' })),
      ),
    ).toBe('UsernameExistsException');
    expect(
      await errorName(
        cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'nobody@example.com' })),
      ),
    ).toBe('UserNotFoundException');
  });

  it('lists users with = and ^= filters and pages', async () => {
    for (const n of [1, 2, 3]) await createUser(`list${n}@example.org`);
    const exact = await cognito.send(
      new ListUsersCommand({ UserPoolId: poolId, Filter: 'email = "list2@example.org"' }),
    );
    expect(exact.Users).toHaveLength(1);
    const prefix = await cognito.send(
      new ListUsersCommand({ UserPoolId: poolId, Filter: 'email ^= "list"', Limit: 2 }),
    );
    expect(prefix.Users).toHaveLength(2);
    expect(prefix.PaginationToken).toBeDefined();
    const next = await cognito.send(
      new ListUsersCommand({
        UserPoolId: poolId,
        Filter: 'email ^= "list"',
        Limit: 2,
        PaginationToken: prefix.PaginationToken,
      }),
    );
    expect(next.Users).toHaveLength(1);
    expect(next.PaginationToken).toBeUndefined();
    expect(
      await errorName(cognito.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'shoe_size = "9"' }))),
    ).toBe('InvalidParameterException');
  });

  it('sets MFA preferences and deletes users', async () => {
    const username = await createUser('mfa-admin@example.com');
    await cognito.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: poolId,
        Username: username,
        EmailMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const user = await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
    expect(user.UserMFASettingList).toEqual(['EMAIL_OTP']);
    expect(user.PreferredMfaSetting).toBe('EMAIL_OTP');
    await cognito.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: username }));
    expect(
      await errorName(cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }))),
    ).toBe('UserNotFoundException');
  });
});

describe('pools and clients created over the API', () => {
  it('creates a pool and a client whose token lifetimes apply', async () => {
    const pool = await cognito.send(
      new CreateUserPoolCommand({
        PoolName: 'api-made',
        UsernameAttributes: ['email'],
        LambdaConfig: { DefineAuthChallenge: 'define' },
      }),
    );
    const id = pool.UserPool?.Id ?? '';
    expect(id).toMatch(/^us-east-1_[0-9a-zA-Z]+$/);
    const created = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: id,
        ClientName: 'short-lived',
        ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        AccessTokenValidity: 5,
        IdTokenValidity: 10,
        TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes' },
      }),
    );
    const newClientId = created.UserPoolClient?.ClientId ?? '';
    const described = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: id, ClientId: newClientId }),
    );
    expect(described.UserPoolClient?.PreventUserExistenceErrors).toBe('ENABLED');
    expect(described.UserPoolClient?.AuthSessionValidity).toBe(3);
    const user = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: id,
        Username: 'short@example.com',
        MessageAction: 'SUPPRESS',
      }),
    );
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: id,
        Username: user.User?.Username,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    const result = (
      await cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: newClientId,
          AuthParameters: { USERNAME: 'short@example.com', PASSWORD },
        }),
      )
    ).AuthenticationResult;
    expect(result?.ExpiresIn).toBe(300);
    const access = decodeJwt(result?.AccessToken ?? '');
    const idToken = decodeJwt(result?.IdToken ?? '');
    expect((access.exp ?? 0) - (access.iat ?? 0)).toBe(300);
    expect((idToken.exp ?? 0) - (idToken.iat ?? 0)).toBe(600);
    expect(
      await errorName(
        cognito.send(
          new CreateUserPoolCommand({ PoolName: 'x', LambdaConfig: { DefineAuthChallenge: 'unregistered' } }),
        ),
      ),
    ).toBe('InvalidParameterException');
    expect(
      await errorName(
        cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: newClientId })),
      ),
    ).toBe('ResourceNotFoundException');
  });
});

describe('CUSTOM_AUTH', () => {
  it('runs Define/Create/Verify with the documented events and issues verifiable tokens', async () => {
    const username = await createUser('grace@example.com');
    const before = triggerEvents().length;
    const { first, last } = await customSignIn('grace@example.com', ['wrong', 'open-sesame'], { ui: 'web' });
    expect(first.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect(first.ChallengeParameters).toEqual({ type: 'TEST', round: '0', USERNAME: username });
    const result = last.AuthenticationResult;
    expect(result?.IdToken).toBeDefined();

    const seen = triggerEvents().slice(before);
    const [define1, create1, verify1, define2, create2, verify2, define3] = seen as {
      triggerSource: string;
      userName: string;
      request: Record<string, unknown>;
    }[];
    expect(define1?.triggerSource).toBe('DefineAuthChallenge_Authentication');
    expect(define1?.userName).toBe(username);
    expect(define1?.request).toEqual({
      userAttributes: expect.objectContaining({
        email: 'grace@example.com',
        'cognito:user_status': 'FORCE_CHANGE_PASSWORD',
        sub: username,
      }) as unknown,
      session: [],
      userNotFound: false,
    });
    expect(create1?.request).not.toHaveProperty('clientMetadata');
    expect(verify1?.request).toMatchObject({
      challengeAnswer: 'wrong',
      privateChallengeParameters: { answer: 'open-sesame' },
      clientMetadata: { ui: 'web' },
    });
    expect(define2?.request.session).toEqual([
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: null },
    ]);
    expect(define2?.request.clientMetadata).toEqual({ ui: 'web' });
    expect(create2?.triggerSource).toBe('CreateAuthChallenge_Authentication');
    expect(verify2?.triggerSource).toBe('VerifyAuthChallengeResponse_Authentication');
    expect(define3?.request.session).toEqual([
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: null },
      { challengeName: 'CUSTOM_CHALLENGE', challengeResult: true, challengeMetadata: 'ROUND-1' },
    ]);

    const jwks = (await (await fetch(`${server.url}/${poolId}/.well-known/jwks.json`)).json()) as Parameters<
      ReturnType<typeof CognitoJwtVerifier.create>['cacheJwks']
    >[0];
    const idVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'id', clientId });
    idVerifier.cacheJwks(jwks);
    const idClaims = await idVerifier.verify(result?.IdToken ?? '');
    expect(idClaims).toMatchObject({
      sub: username,
      'cognito:username': username,
      email: 'grace@example.com',
      email_verified: true,
      token_use: 'id',
    });
    expect(idClaims.origin_jti).toBeDefined();
    const accessVerifier = CognitoJwtVerifier.create({ userPoolId: poolId, tokenUse: 'access', clientId });
    accessVerifier.cacheJwks(jwks);
    const accessClaims = await accessVerifier.verify(result?.AccessToken ?? '');
    expect(accessClaims).toMatchObject({
      username,
      scope: 'aws.cognito.signin.user.admin',
      client_id: clientId,
    });
    expect(accessClaims.iss).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${poolId}`);

    // The other way server code can use: a fetcher that maps Cognito's JWKS URI onto the emulator.
    const fetched: string[] = [];
    const viaFetcher = CognitoJwtVerifier.create(
      { userPoolId: poolId, tokenUse: 'id', clientId },
      {
        jwksCache: new SimpleJwksCache({
          fetcher: {
            fetch: async (uri: string) => {
              fetched.push(uri);
              const local = uri.replace('https://cognito-idp.us-east-1.amazonaws.com', server.url);
              return (await fetch(local)).arrayBuffer();
            },
          },
        }),
      },
    );
    expect((await viaFetcher.verify(result?.IdToken ?? '')).sub).toBe(username);
    expect(fetched).toEqual([`https://cognito-idp.us-east-1.amazonaws.com/${poolId}/.well-known/jwks.json`]);
  });

  it('fails after three wrong answers and refuses a reused or expired session', async () => {
    await createUser('mallory@example.com');
    expect(await errorName(customSignIn('mallory@example.com', ['a', 'b', 'c']))).toBe(
      'NotAuthorizedException',
    );

    const first = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'mallory@example.com' },
      }),
    );
    const respond = (session: string | undefined) =>
      cognito.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: session,
          ChallengeResponses: { USERNAME: 'mallory@example.com', ANSWER: 'nope' },
        }),
      );
    await respond(first.Session);
    expect(await errorName(respond(first.Session))).toBe('NotAuthorizedException');

    const fresh = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'mallory@example.com' },
      }),
    );
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 4 * 60 * 1000);
      expect(await errorName(respond(fresh.Session))).toBe('NotAuthorizedException');
    } finally {
      vi.useRealTimers();
    }
    expect(await errorName(respond('not-a-session'))).toBe('NotAuthorizedException');

    // An answer naming another user than the Session's is refused.
    await createUser('other@example.com');
    const third = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'mallory@example.com' },
      }),
    );
    expect(
      await errorName(
        cognito.send(
          new RespondToAuthChallengeCommand({
            ClientId: clientId,
            ChallengeName: 'CUSTOM_CHALLENGE',
            Session: third.Session,
            ChallengeResponses: { USERNAME: 'other@example.com', ANSWER: 'open-sesame' },
          }),
        ),
      ),
    ).toBe('NotAuthorizedException');
  });

  it('hides unknown users behind userNotFound, or reports them on a legacy client', async () => {
    const before = triggerEvents().length;
    const first = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'ghost@example.com' },
      }),
    );
    expect(first.ChallengeName).toBe('CUSTOM_CHALLENGE');
    expect((triggerEvents()[before] as { request: { userNotFound: boolean } }).request.userNotFound).toBe(
      true,
    );
    expect(
      await errorName(
        cognito.send(
          new RespondToAuthChallengeCommand({
            ClientId: clientId,
            ChallengeName: 'CUSTOM_CHALLENGE',
            Session: first.Session,
            ChallengeResponses: { USERNAME: 'ghost@example.com', ANSWER: 'open-sesame' },
          }),
        ),
      ),
    ).toBe('NotAuthorizedException');
    expect(
      await errorName(
        cognito.send(
          new InitiateAuthCommand({
            AuthFlow: 'CUSTOM_AUTH',
            ClientId: legacyClientId,
            AuthParameters: { USERNAME: 'ghost@example.com' },
          }),
        ),
      ),
    ).toBe('UserNotFoundException');
  });

  it('refuses unconfirmed users and flows the client does not allow', async () => {
    await cognito.send(
      new SignUpCommand({ ClientId: clientId, Username: 'pending@example.com', Password: PASSWORD }),
    );
    expect(
      await errorName(
        cognito.send(
          new InitiateAuthCommand({
            AuthFlow: 'CUSTOM_AUTH',
            ClientId: clientId,
            AuthParameters: { USERNAME: 'pending@example.com' },
          }),
        ),
      ),
    ).toBe('UserNotConfirmedException');
    expect(
      await errorName(
        cognito.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: legacyClientId,
            AuthParameters: { USERNAME: 'a@b.c', PASSWORD },
          }),
        ),
      ),
    ).toBe('InvalidParameterException');
  });
});

describe('tokens', () => {
  it('refreshes, revokes and signs out globally', async () => {
    await createUser('tok@example.com');
    const { last } = await customSignIn('tok@example.com', ['open-sesame']);
    const tokens = last.AuthenticationResult!;
    const user = await cognito.send(new GetUserCommand({ AccessToken: tokens.AccessToken }));
    expect(user.UserAttributes?.find((a) => a.Name === 'email')?.Value).toBe('tok@example.com');
    const refreshed = await cognito.send(
      new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: tokens.RefreshToken }),
    );
    expect(refreshed.AuthenticationResult?.AccessToken).toBeDefined();
    const viaInitiate = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        ClientId: clientId,
        AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! },
      }),
    );
    expect(viaInitiate.AuthenticationResult?.IdToken).toBeDefined();

    await cognito.send(new RevokeTokenCommand({ ClientId: clientId, Token: tokens.RefreshToken }));
    expect(
      await errorName(
        cognito.send(
          new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: tokens.RefreshToken }),
        ),
      ),
    ).toBe('NotAuthorizedException');
    expect(
      await errorName(
        cognito.send(new GetUserCommand({ AccessToken: refreshed.AuthenticationResult?.AccessToken })),
      ),
    ).toBe('NotAuthorizedException');

    const again = (await customSignIn('tok@example.com', ['open-sesame'])).last.AuthenticationResult!;
    await cognito.send(new GlobalSignOutCommand({ AccessToken: again.AccessToken }));
    expect(await errorName(cognito.send(new GetUserCommand({ AccessToken: again.AccessToken })))).toBe(
      'NotAuthorizedException',
    );
    expect(
      await errorName(
        cognito.send(
          new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: again.RefreshToken }),
        ),
      ),
    ).toBe('NotAuthorizedException');
    expect(await errorName(cognito.send(new GetUserCommand({ AccessToken: 'a.b.c' })))).toBe(
      'NotAuthorizedException',
    );
  });

  it('revokes every token of a disabled user for good: enabling them again revives none', async () => {
    await createUser('disabled@example.com');
    const tokens = (await customSignIn('disabled@example.com', ['open-sesame'])).last.AuthenticationResult!;
    const user = { UserPoolId: poolId, Username: 'disabled@example.com' };
    await cognito.send(new AdminDisableUserCommand(user));
    await cognito.send(new AdminEnableUserCommand(user));
    expect(await errorName(cognito.send(new GetUserCommand({ AccessToken: tokens.AccessToken })))).toBe(
      'NotAuthorizedException',
    );
    expect(
      await errorName(
        cognito.send(
          new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: tokens.RefreshToken }),
        ),
      ),
    ).toBe('NotAuthorizedException');
    const fresh = (await customSignIn('disabled@example.com', ['open-sesame'])).last.AuthenticationResult!;
    const again = await cognito.send(new GetUserCommand({ AccessToken: fresh.AccessToken }));
    expect(again.Username).toBeDefined();
  });
});

describe('passwords', () => {
  it('rejects a wrong password and locks after repeated failures', async () => {
    const username = await createUser('pw@example.com');
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: poolId,
        Username: username,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    const signIn = (password: string) =>
      cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: clientId,
          AuthParameters: { USERNAME: 'pw@example.com', PASSWORD: password },
        }),
      );
    expect((await signIn(PASSWORD)).AuthenticationResult?.AccessToken).toBeDefined();
    expect(await errorName(signIn('Wrong-pass1!'))).toBe('NotAuthorizedException');
    expect(await errorName(signIn('x'))).toBe('NotAuthorizedException');
    expect(
      await errorName(
        cognito.send(
          new InitiateAuthCommand({
            AuthFlow: 'USER_PASSWORD_AUTH',
            ClientId: clientId,
            AuthParameters: { USERNAME: 'nobody@example.com', PASSWORD },
          }),
        ),
      ),
    ).toBe('NotAuthorizedException');
    for (let i = 0; i < 3; i++) await errorName(signIn('Wrong-pass1!'));
    // Locked: even the right password is refused now.
    expect(await errorName(signIn(PASSWORD))).toBe('NotAuthorizedException');
    expect(
      await errorName(
        cognito.send(
          new AdminSetUserPasswordCommand({
            UserPoolId: poolId,
            Username: username,
            Password: 'short',
            Permanent: true,
          }),
        ),
      ),
    ).toBe('InvalidPasswordException');
  });
});

describe('SSM', () => {
  it('gets, puts and protects SecureString values', async () => {
    expect((await ssm.send(new GetParameterCommand({ Name: '/app/plain' }))).Parameter?.Value).toBe('hello');
    const masked = await ssm.send(new GetParameterCommand({ Name: '/app/secret' }));
    expect(masked.Parameter?.Type).toBe('SecureString');
    expect(masked.Parameter?.Value).not.toContain('s3cr3t');
    expect(
      (await ssm.send(new GetParameterCommand({ Name: '/app/secret', WithDecryption: true }))).Parameter
        ?.Value,
    ).toBe('s3cr3t-value');
    expect(await errorName(ssm.send(new GetParameterCommand({ Name: '/missing' })))).toBe(
      'ParameterNotFound',
    );
    await ssm.send(new PutParameterCommand({ Name: '/app/new', Type: 'SecureString', Value: 'v1' }));
    expect(
      await errorName(
        ssm.send(new PutParameterCommand({ Name: '/app/new', Type: 'SecureString', Value: 'v2' })),
      ),
    ).toBe('ParameterAlreadyExists');
    const put = await ssm.send(
      new PutParameterCommand({ Name: '/app/new', Type: 'SecureString', Value: 'v2', Overwrite: true }),
    );
    expect(put.Version).toBe(2);
    const many = await ssm.send(
      new GetParametersCommand({ Names: ['/app/new', '/nope'], WithDecryption: true }),
    );
    expect(many.Parameters?.map((p) => p.Value)).toEqual(['v2']);
    expect(many.InvalidParameters).toEqual(['/nope']);
  });
});

describe('transport', () => {
  // Signed with the operator's key, so admin and SSM junk reaches the operation.
  const post = (target: string | undefined, body: string) => postJson(server.url, target, body);

  it('answers unknown operations and malformed input with typed 400s', async () => {
    const unknown = await post('AWSCognitoIdentityProviderService.DeleteEverything', '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    const malformed = await post('AWSCognitoIdentityProviderService.InitiateAuth', '{not json');
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { __type: string }).__type).toBe('SerializationException');
    for (const body of [
      '[]',
      '{"AuthFlow":5}',
      '{"AuthFlow":"CUSTOM_AUTH","ClientId":"nope"}',
      '{"AuthFlow":"CUSTOM_AUTH","ClientId":{"a":1}}',
    ]) {
      const res = await post('AWSCognitoIdentityProviderService.InitiateAuth', body);
      expect(res.status).toBe(400);
    }
    for (const [target, body, type] of [
      ['AmazonSSM.GetParameter', '{"Name":5}', 'ValidationException'],
      ['AmazonSSM.PutParameter', '{"Name":"/x","Value":"v","Type":"Blob"}', 'ValidationException'],
      [
        'AWSCognitoIdentityProviderService.ListUsers',
        '{"UserPoolId":"us-east-1_none"}',
        'ResourceNotFoundException',
      ],
      [
        'AWSCognitoIdentityProviderService.RespondToAuthChallenge',
        `{"ClientId":"${clientId}","ChallengeName":"CUSTOM_CHALLENGE"}`,
        'InvalidParameterException',
      ],
      ['AWSCognitoIdentityProviderService.GetUser', '{"AccessToken":"not-a-jwt"}', 'NotAuthorizedException'],
      [
        'AWSCognitoIdentityProviderService.InitiateAuth',
        `{"AuthFlow":"USER_SRP_AUTH","ClientId":"${clientId}","AuthParameters":{"USERNAME":"a@b.c","SRP_A":"00"}}`,
        'InvalidParameterException',
      ],
    ]) {
      const res = await post(target, body ?? '');
      expect(res.status).toBe(400);
      expect(res.headers.get('x-amzn-errortype')).toBe(type);
    }
    for (const path of ['/%E0%A4%A/.well-known/jwks.json', '/%E0%A4%A', '/nope']) {
      expect((await fetch(`${server.url}${path}`)).status).toBe(404);
    }
    const noTarget = await post(undefined, '{}');
    expect(noTarget.status).toBe(400);
    const big = await post('AmazonSSM.GetParameter', JSON.stringify({ Name: 'x'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(400);
    expect(big.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
  });

  it('keeps confirmation codes in the outbox', async () => {
    await cognito.send(
      new SignUpCommand({ ClientId: clientId, Username: 'mailbox@example.com', Password: PASSWORD }),
    );
    const messages = await outbox(server.url, 'mailbox@example.com');
    expect(messages).toHaveLength(1);
    expect(messages[0]?.code).toMatch(/^\d{6}$/);
  });
});

describe('failing triggers', () => {
  it.each([
    ['throwing', 'UserLambdaValidationException'],
    ['slow', 'UnexpectedLambdaException'],
  ])('a %s DefineAuthChallenge fails the sign-in with %s', async (define, expected) => {
    const other = await start({ config: testConfig({ define }), log: () => undefined });
    try {
      const client = cognitoClient(other.url);
      const pool = (await client.send(new ListUserPoolsCommand({ MaxResults: 1 }))).UserPools?.[0]?.Id;
      const web = (
        await client.send(new ListUserPoolClientsCommand({ UserPoolId: pool }))
      ).UserPoolClients?.find((c) => c.ClientName === 'web');
      await client.send(
        new AdminCreateUserCommand({
          UserPoolId: pool,
          Username: 'z@example.com',
          MessageAction: 'SUPPRESS',
        }),
      );
      expect(
        await errorName(
          client.send(
            new InitiateAuthCommand({
              AuthFlow: 'CUSTOM_AUTH',
              ClientId: web?.ClientId,
              AuthParameters: { USERNAME: 'z@example.com' },
            }),
          ),
        ),
      ).toBe(expected);
    } finally {
      await other.stop();
    }
  });
});
