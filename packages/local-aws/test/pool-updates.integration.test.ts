import {
  AddCustomAttributesCommand,
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  AdminUpdateUserAttributesCommand,
  CreateUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUserPoolsCommand,
  SignUpCommand,
  UpdateUserAttributesCommand,
  UpdateUserPoolCommand,
  VerifyUserAttributeCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type LocalAws } from '../src/index';
import { PASSWORD, cognitoClient, errorName, outbox, ssmClient, testConfig, triggerEvents } from './helpers';

// UpdateUserPool's replace-everything semantics, custom attributes (schema, users, trigger events) and the
// client's write attributes, through the official client.

const ACCOUNT = '111111111111';
const arn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;

let server: LocalAws;
let cognito: CognitoIdentityProviderClient;
let poolId: string;

beforeAll(async () => {
  const base = testConfig();
  server = await start({
    config: {
      ...base,
      accountId: ACCOUNT,
      principals: [
        {
          ...(base.principals?.[0] ?? { accessKeyId: '', secretAccessKey: '' }),
          arn: `arn:aws:iam::${ACCOUNT}:user/test-admin`,
        },
      ],
      userPools: (base.userPools ?? []).map((pool) => ({
        ...pool,
        lambdaConfig: { ...pool.lambdaConfig, CreateAuthChallenge: 'create' },
        customAttributes: [{ name: 'passkeys_blocked', maxLength: 8 }],
      })),
    },
    log: () => undefined,
  });
  cognito = cognitoClient(server.url);
  poolId = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 10 }))).UserPools?.[0]?.Id ?? '';
});
afterAll(async () => {
  await server.stop();
});

async function createUser(email: string): Promise<string> {
  const created = await cognito.send(
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: email, MessageAction: 'SUPPRESS' }),
  );
  const username = created.User?.Username ?? '';
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: poolId,
      Username: username,
      Password: PASSWORD,
      Permanent: true,
    }),
  );
  return username;
}

async function newClient(writeAttributes?: string[]): Promise<string> {
  const created = await cognito.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: `c-${Math.random().toString(36).slice(2)}`,
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      ...(writeAttributes === undefined ? {} : { WriteAttributes: writeAttributes }),
    }),
  );
  return created.UserPoolClient?.ClientId ?? '';
}

const describePool = async () =>
  (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool ?? {};

describe('DescribeUserPool', () => {
  it('names the triggers by their Lambda ARNs and lists the custom attributes in the schema', async () => {
    const pool = await describePool();
    expect(pool.LambdaConfig).toMatchObject({
      DefineAuthChallenge: arn('define'),
      CreateAuthChallenge: arn('create'),
      VerifyAuthChallengeResponse: arn('verify'),
    });
    expect(pool.Arn).toBe(`arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/${poolId}`);
    expect(pool.SchemaAttributes).toContainEqual(
      expect.objectContaining({
        Name: 'custom:passkeys_blocked',
        AttributeDataType: 'String',
        Mutable: true,
        StringAttributeConstraints: { MinLength: '0', MaxLength: '8' },
      }),
    );
    expect(pool.SchemaAttributes?.map((a) => a.Name)).toContain('email');
  });
});

describe('UpdateUserPool', () => {
  it('resets what the request leaves out, keeps what it sends back, and runs the triggers it names', async () => {
    const before = await describePool();
    await cognito.send(
      new UpdateUserPoolCommand({
        UserPoolId: poolId,
        DeletionProtection: 'ACTIVE',
        UserPoolTags: { team: 'identity' },
        VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE', EmailSubject: 'Your code' },
        Policies: { PasswordPolicy: { MinimumLength: 10, RequireNumbers: true } },
        LambdaConfig: { CustomMessage: arn('create') },
      }),
    );
    const reset = await describePool();
    expect(reset.LambdaConfig).toEqual({ CustomMessage: arn('create') });
    expect(reset.MfaConfiguration).toBe('OFF');
    expect(reset.DeletionProtection).toBe('ACTIVE');
    expect(reset.UserPoolTags).toEqual({ team: 'identity' });
    expect(reset.VerificationMessageTemplate).toEqual({
      DefaultEmailOption: 'CONFIRM_WITH_CODE',
      EmailSubject: 'Your code',
    });
    expect(reset.Policies?.PasswordPolicy).toMatchObject({
      MinimumLength: 10,
      RequireNumbers: true,
      RequireSymbols: false,
    });
    expect(reset.Name).toBe(before.Name);

    // No triggers: custom auth has nothing to run.
    const username = await createUser('update@example.com');
    const clientId = await newClient();
    expect(
      await errorName(
        cognito.send(
          new InitiateAuthCommand({
            AuthFlow: 'CUSTOM_AUTH',
            ClientId: clientId,
            AuthParameters: { USERNAME: username },
          }),
        ),
      ),
    ).not.toBe('no error');

    // The described pool sent back with the triggers set again: everything else stays as it was.
    const {
      Id: _id,
      Name: _name,
      Arn: _arn,
      CreationDate: _c,
      LastModifiedDate: _m,
      SchemaAttributes: _s,
      EstimatedNumberOfUsers: _e,
      UsernameAttributes: _u,
      UsernameConfiguration: _uc,
      ...rest
    } = reset;
    await cognito.send(
      new UpdateUserPoolCommand({
        ...rest,
        UserPoolId: poolId,
        LambdaConfig: {
          ...reset.LambdaConfig,
          DefineAuthChallenge: arn('define'),
          CreateAuthChallenge: arn('create'),
          VerifyAuthChallengeResponse: arn('verify'),
        },
      }),
    );
    const after = await describePool();
    expect({ ...after, LastModifiedDate: undefined, EstimatedNumberOfUsers: undefined }).toEqual({
      ...reset,
      LambdaConfig: {
        CustomMessage: arn('create'),
        DefineAuthChallenge: arn('define'),
        CreateAuthChallenge: arn('create'),
        VerifyAuthChallengeResponse: arn('verify'),
      },
      LastModifiedDate: undefined,
      EstimatedNumberOfUsers: undefined,
    });
    const started = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username },
      }),
    );
    expect(started.ChallengeName).toBe('CUSTOM_CHALLENGE');
  });

  it('refuses a trigger that is not a function of this region and account, and changes nothing', async () => {
    const before = await describePool();
    for (const value of [
      arn('missing'),
      'define',
      'arn:aws:lambda:eu-west-1:111111111111:function:define',
      'arn:aws:lambda:us-east-1:222222222222:function:define',
    ]) {
      expect(
        await errorName(
          cognito.send(
            new UpdateUserPoolCommand({ UserPoolId: poolId, LambdaConfig: { DefineAuthChallenge: value } }),
          ),
        ),
      ).toBe('InvalidParameterException');
    }
    expect(
      await errorName(cognito.send(new UpdateUserPoolCommand({ UserPoolId: 'us-east-1_Missing1' }))),
    ).toBe('ResourceNotFoundException');
    expect((await describePool()).LambdaConfig).toEqual(before.LambdaConfig);
  });
});

describe('custom attributes', () => {
  it('adds one with AddCustomAttributes, and refuses a name taken or a required one', async () => {
    await cognito.send(
      new AddCustomAttributesCommand({
        UserPoolId: poolId,
        CustomAttributes: [
          {
            Name: 'tier',
            AttributeDataType: 'String',
            Mutable: true,
            StringAttributeConstraints: { MaxLength: '10' },
          },
        ],
      }),
    );
    expect((await describePool()).SchemaAttributes?.map((a) => a.Name)).toContain('custom:tier');
    for (const attribute of [
      { Name: 'tier' },
      { Name: 'passkeys_blocked' },
      { Name: 'needed', Required: true },
    ]) {
      expect(
        await errorName(
          cognito.send(new AddCustomAttributesCommand({ UserPoolId: poolId, CustomAttributes: [attribute] })),
        ),
      ).toBe('InvalidParameterException');
    }
  });

  it('stores a custom attribute on a user, shows it in AdminGetUser and trigger events, and deletes it', async () => {
    const username = await createUser('blocked@example.com');
    const write = (Name: string, Value: string) =>
      cognito.send(
        new AdminUpdateUserAttributesCommand({
          UserPoolId: poolId,
          Username: username,
          UserAttributes: [{ Name, Value }],
        }),
      );
    await write('custom:passkeys_blocked', 'true');
    const attributes = async () =>
      (await cognito.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username })))
        .UserAttributes ?? [];
    expect(await attributes()).toContainEqual({ Name: 'custom:passkeys_blocked', Value: 'true' });

    const clientId = await newClient();
    const before = triggerEvents().length;
    await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'CUSTOM_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: username },
      }),
    );
    const seen = triggerEvents().slice(before) as { request: { userAttributes: Record<string, string> } }[];
    expect(seen.length).toBeGreaterThan(0);
    for (const event of seen) expect(event.request.userAttributes['custom:passkeys_blocked']).toBe('true');

    expect(await errorName(write('custom:unknown', 'x'))).toBe('InvalidParameterException');
    expect(await errorName(write('nickname_typo', 'x'))).toBe('InvalidParameterException');
    expect(await errorName(write('custom:passkeys_blocked', 'much-too-long'))).toBe(
      'InvalidParameterException',
    );

    await cognito.send(
      new AdminDeleteUserAttributesCommand({
        UserPoolId: poolId,
        Username: username,
        UserAttributeNames: ['custom:passkeys_blocked'],
      }),
    );
    expect((await attributes()).map((a) => a.Name)).not.toContain('custom:passkeys_blocked');
    for (const names of [['sub'], ['custom:unknown'], ['email']]) {
      expect(
        await errorName(
          cognito.send(
            new AdminDeleteUserAttributesCommand({
              UserPoolId: poolId,
              Username: username,
              UserAttributeNames: names,
            }),
          ),
        ),
      ).toBe('InvalidParameterException');
    }
    expect(
      await errorName(
        cognito.send(
          new AdminDeleteUserAttributesCommand({
            UserPoolId: poolId,
            Username: 'nobody@example.com',
            UserAttributeNames: ['nickname'],
          }),
        ),
      ),
    ).toBe('UserNotFoundException');
  });
});

describe("the client's write attributes", () => {
  it('lets a user write only them (UpdateUserAttributes, SignUp); a changed email is verified by code', async () => {
    const clientId = await newClient(['email', 'nickname']);
    const described = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }),
    );
    expect(described.UserPoolClient?.WriteAttributes).toEqual(['email', 'nickname']);
    const everything = await newClient();
    expect(
      (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: everything })))
        .UserPoolClient?.WriteAttributes,
    ).toContain('custom:passkeys_blocked');

    await createUser('writer@example.com');
    const signIn = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'writer@example.com', PASSWORD },
      }),
    );
    const AccessToken = signIn.AuthenticationResult?.AccessToken ?? '';
    const update = (Name: string, Value: string) =>
      cognito.send(new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name, Value }] }));
    expect(await errorName(update('custom:passkeys_blocked', 'false'))).toBe('NotAuthorizedException');
    expect(await errorName(update('given_name', 'Mallory'))).toBe('NotAuthorizedException');
    await update('nickname', 'W');
    const own = async (): Promise<Record<string, string | undefined>> => {
      const answer = await cognito.send(new GetUserCommand({ AccessToken }));
      return Object.fromEntries((answer.UserAttributes ?? []).map((a) => [a.Name ?? '', a.Value]));
    };
    expect(await own()).toMatchObject({ nickname: 'W' });
    expect((await own())['custom:passkeys_blocked']).toBeUndefined();

    const changed = await update('email', 'writer2@example.com');
    expect(changed.CodeDeliveryDetailsList?.[0]?.AttributeName).toBe('email');
    expect(await own()).toMatchObject({ email: 'writer2@example.com', email_verified: 'false' });
    const code = (await outbox(server.url, 'writer2@example.com')).at(-1)?.code ?? '';
    expect(
      await errorName(
        cognito.send(
          new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: `${code}x` }),
        ),
      ),
    ).toBe('CodeMismatchException');
    await cognito.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: code }));
    expect(await own()).toMatchObject({ email_verified: 'true' });
    expect(await errorName(update('email', 'blocked@example.com'))).toBe('AliasExistsException');

    expect(
      await errorName(
        cognito.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: 'self@example.com',
            Password: PASSWORD,
            UserAttributes: [{ Name: 'custom:passkeys_blocked', Value: 'false' }],
          }),
        ),
      ),
    ).toBe('NotAuthorizedException');
    const signedUp = await cognito.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: 'self@example.com',
        Password: PASSWORD,
        UserAttributes: [{ Name: 'email', Value: 'self@example.com' }],
      }),
    );
    expect(signedUp.UserSub).toBeDefined();
  });
});

describe('SSM', () => {
  it('answers GetParameter for a missing name with ParameterNotFound, as AWS does', async () => {
    const ssm = ssmClient(server.url);
    const failure = await ssm.send(new GetParameterCommand({ Name: '/cognito-passkeys/passkey-mode' })).then(
      () => undefined,
      (error: unknown) => error as { name: string; $metadata: { httpStatusCode?: number } },
    );
    expect(failure?.name).toBe('ParameterNotFound');
    expect(failure?.$metadata.httpStatusCode).toBe(400);
  });
});
