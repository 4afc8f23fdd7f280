import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  CognitoIdentityProviderClient,
  ListUserPoolsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  type AssumeRoleCommandInput,
} from '@aws-sdk/client-sts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { start, type LocalAws, type LocalAwsConfig } from '../src/index';
import { adminPrincipal, cognitoClient, errorName } from './helpers';

/**
 * Corbado's actions reach the customer's pool as in production: STS AssumeRole on a cross-account role with
 * an external ID, then Cognito admin calls signed with the temporary credentials, checked against the
 * role's policy. Everything goes through the official SDK clients.
 */
const ACCOUNT = '111111111111';
const POOL = 'us-east-1_Allowed1';
const OTHER_POOL = 'us-east-1_Other1';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/corbado-actions`;
const CHAINED_ROLE = `arn:aws:iam::${ACCOUNT}:role/chained`;
const EXTERNAL_ID = 'corbado-ext-7f3a';
const SESSION = 'corbado-connect-action';
const CORBADO = {
  accessKeyId: 'AKIACORBADOACTIONS01',
  secretAccessKey: 'corbado-long-term-secret',
  arn: 'arn:aws:iam::222222222222:user/corbado-actions',
};
const STRANGER = {
  accessKeyId: 'AKIASTRANGER00000001',
  secretAccessKey: 'stranger-secret',
  arn: 'arn:aws:iam::333333333333:user/stranger',
};

const config: LocalAwsConfig = {
  accountId: ACCOUNT,
  userPools: [
    { id: POOL, name: 'customer', usernameAttributes: ['email'] },
    { id: OTHER_POOL, name: 'other', usernameAttributes: ['email'] },
  ],
  parameters: [{ name: '/customer/secret', type: 'SecureString', value: 'not-for-actions' }],
  principals: [CORBADO, STRANGER, adminPrincipal(ACCOUNT)],
  roles: [
    {
      arn: ROLE,
      trustedPrincipals: ['222222222222'],
      externalId: EXTERNAL_ID,
      maxSessionSeconds: 3600,
      policy: [
        {
          actions: [
            'cognito-idp:AdminGetUser',
            'cognito-idp:ListUsers',
            'cognito-idp:AdminSetUserMFAPreference',
          ],
          resources: [`arn:aws:cognito-idp:us-east-1:${ACCOUNT}:userpool/${POOL}`],
        },
      ],
    },
    { arn: CHAINED_ROLE, trustedPrincipals: [ROLE] },
  ],
};

interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

const dataDir = mkdtempSync(join(tmpdir(), 'local-aws-sts-'));
let server: LocalAws;
let username: string;

// The clients get copies: the SDK annotates the credentials object it is given.
const copy = ({ accessKeyId, secretAccessKey, sessionToken }: Keys): Keys => ({
  accessKeyId,
  secretAccessKey,
  ...(sessionToken !== undefined ? { sessionToken } : {}),
});
const sts = (credentials: Keys, endpoint: string | undefined = server.url): STSClient =>
  new STSClient({
    region: 'us-east-1',
    credentials: copy(credentials),
    maxAttempts: 1,
    ...(endpoint !== undefined ? { endpoint } : {}),
  });
const cognitoAs = (credentials: Keys): CognitoIdentityProviderClient =>
  new CognitoIdentityProviderClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });

const assumeInput = (overrides: Partial<AssumeRoleCommandInput> = {}): AssumeRoleCommandInput => ({
  RoleArn: ROLE,
  RoleSessionName: SESSION,
  DurationSeconds: 3600,
  ExternalId: EXTERNAL_ID,
  ...overrides,
});

async function assume(): Promise<Required<Keys> & { expiration: Date }> {
  const { Credentials } = await sts(CORBADO).send(new AssumeRoleCommand(assumeInput()));
  return {
    accessKeyId: Credentials?.AccessKeyId ?? '',
    secretAccessKey: Credentials?.SecretAccessKey ?? '',
    sessionToken: Credentials?.SessionToken ?? '',
    expiration: Credentials?.Expiration ?? new Date(0),
  };
}

beforeAll(async () => {
  server = await start({ dataDir, config, log: () => undefined });
  const created = await cognitoClient(server.url).send(
    new AdminCreateUserCommand({ UserPoolId: POOL, Username: 'pat@example.com', MessageAction: 'SUPPRESS' }),
  );
  username = created.User?.Username ?? '';
  await cognitoClient(server.url).send(
    new AdminCreateUserCommand({
      UserPoolId: OTHER_POOL,
      Username: 'sam@example.com',
      MessageAction: 'SUPPRESS',
    }),
  );
});
afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('STS AssumeRole and GetCallerIdentity', () => {
  it('issues temporary credentials to a trusted principal that passes the external ID', async () => {
    const before = Date.now();
    const result = await sts(CORBADO).send(new AssumeRoleCommand(assumeInput()));
    expect(result.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(result.Credentials?.SecretAccessKey).toHaveLength(40);
    expect(result.Credentials?.SessionToken?.length).toBeGreaterThan(100);
    const expires = result.Credentials?.Expiration?.getTime() ?? 0;
    expect(expires).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 3600_000);
    expect(result.AssumedRoleUser?.Arn).toBe(
      `arn:aws:sts::${ACCOUNT}:assumed-role/corbado-actions/${SESSION}`,
    );
    expect(result.AssumedRoleUser?.AssumedRoleId).toMatch(new RegExp(`^AROA[A-Z2-7]{17}:${SESSION}$`));
  });

  it('names the long-term and the temporary identity', async () => {
    const own = await sts(CORBADO).send(new GetCallerIdentityCommand({}));
    expect(own).toMatchObject({ Account: '222222222222', Arn: CORBADO.arn });
    expect(own.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    const temporary = await assume();
    const session = await sts(temporary).send(new GetCallerIdentityCommand({}));
    expect(session).toMatchObject({
      Account: ACCOUNT,
      Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/corbado-actions/${SESSION}`,
    });
    expect(session.UserId).toMatch(new RegExp(`^AROA[A-Z2-7]{17}:${SESSION}$`));
  });

  it('is found through AWS_ENDPOINT_URL_STS', async () => {
    const saved = process.env.AWS_ENDPOINT_URL_STS;
    process.env.AWS_ENDPOINT_URL_STS = server.url;
    try {
      const identity = await sts(CORBADO, undefined).send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toBe(CORBADO.arn);
    } finally {
      if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
      else process.env.AWS_ENDPOINT_URL_STS = saved;
    }
  });

  it.each<[string, Keys, Partial<AssumeRoleCommandInput>, string]>([
    ['a wrong external ID', CORBADO, { ExternalId: 'guessed-ext' }, 'AccessDenied'],
    ['no external ID', CORBADO, { ExternalId: undefined }, 'AccessDenied'],
    ['a principal the role does not trust', STRANGER, {}, 'AccessDenied'],
    ['an unknown role', CORBADO, { RoleArn: `arn:aws:iam::${ACCOUNT}:role/nope` }, 'AccessDenied'],
    ['a duration under 15 minutes', CORBADO, { DurationSeconds: 899 }, 'ValidationError'],
    ["a duration over the role's maximum", CORBADO, { DurationSeconds: 3601 }, 'ValidationError'],
    ['a bad session name', CORBADO, { RoleSessionName: 'has space' }, 'ValidationError'],
    [
      'an unknown access key',
      { accessKeyId: 'AKIANOBODY0000000001', secretAccessKey: 'x' },
      {},
      'InvalidClientTokenId',
    ],
    [
      'a signature made with the wrong secret',
      { ...CORBADO, secretAccessKey: 'wrong' },
      {},
      'SignatureDoesNotMatch',
    ],
  ])('refuses %s', async (_, credentials, input, code) => {
    expect(await errorName(sts(credentials).send(new AssumeRoleCommand(assumeInput(input))))).toBe(code);
  });

  it('lets a role session assume a role that trusts its role (chaining), up to one hour', async () => {
    const temporary = await assume();
    const chained = await sts(temporary).send(
      new AssumeRoleCommand({ RoleArn: CHAINED_ROLE, RoleSessionName: 'second' }),
    );
    expect(chained.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/chained/second`);
    expect(
      await errorName(
        sts(CORBADO).send(new AssumeRoleCommand({ RoleArn: CHAINED_ROLE, RoleSessionName: 'direct' })),
      ),
    ).toBe('AccessDenied');
  });

  it("answers in the query protocol's XML error shape", async () => {
    const res = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toBe('text/xml');
    const body = await res.text();
    expect(body).toMatch(/^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">/);
    expect(body).toContain('<Type>Sender</Type><Code>MissingAuthenticationToken</Code>');
  });

  it('refuses expired temporary credentials', async () => {
    const temporary = await assume();
    vi.useFakeTimers({ toFake: ['Date'], now: temporary.expiration.getTime() + 1000 });
    expect(await errorName(sts(temporary).send(new GetCallerIdentityCommand({})))).toBe('ExpiredToken');
    expect(
      await errorName(
        cognitoAs(temporary).send(new AdminGetUserCommand({ UserPoolId: POOL, Username: username })),
      ),
    ).toBe('ExpiredTokenException');
  });
});

describe("Cognito calls with the assumed role's credentials", () => {
  it('may call the three actions on the allowed pool', async () => {
    const cognito = cognitoAs(await assume());
    const user = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: POOL, Username: 'pat@example.com' }),
    );
    expect(user.Username).toBe(username);
    const listed = await cognito.send(
      new ListUsersCommand({ UserPoolId: POOL, Filter: 'email = "pat@example.com"', Limit: 1 }),
    );
    expect(listed.Users?.map((u) => u.Username)).toEqual([username]);
    await cognito.send(
      new AdminSetUserMFAPreferenceCommand({
        UserPoolId: POOL,
        Username: username,
        EmailMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const after = await cognitoClient(server.url).send(
      new AdminGetUserCommand({ UserPoolId: POOL, Username: username }),
    );
    expect(after.UserMFASettingList).toEqual(['EMAIL_OTP']);
  });

  it('is denied every other action, every other pool and SSM', async () => {
    const temporary = await assume();
    const cognito = cognitoAs(temporary);
    expect(
      await errorName(cognito.send(new AdminDeleteUserCommand({ UserPoolId: POOL, Username: username }))),
    ).toBe('AccessDeniedException');
    expect(
      await errorName(
        cognito.send(new AdminGetUserCommand({ UserPoolId: OTHER_POOL, Username: 'sam@example.com' })),
      ),
    ).toBe('AccessDeniedException');
    expect(await errorName(cognito.send(new ListUserPoolsCommand({ MaxResults: 10 })))).toBe(
      'AccessDeniedException',
    );
    const ssm = new SSMClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: temporary,
      maxAttempts: 1,
    });
    expect(
      await errorName(ssm.send(new GetParameterCommand({ Name: '/customer/secret', WithDecryption: true }))),
    ).toBe('AccessDeniedException');
    // The denied delete did nothing.
    const still = await cognitoClient(server.url).send(
      new AdminGetUserCommand({ UserPoolId: POOL, Username: username }),
    );
    expect(still.Username).toBe(username);
  });

  it('refuses a tampered or missing session token, a wrong secret and an unknown temporary key', async () => {
    const temporary = await assume();
    const get = (credentials: Keys) =>
      errorName(
        cognitoAs(credentials).send(new AdminGetUserCommand({ UserPoolId: POOL, Username: username })),
      );
    const last = temporary.sessionToken.at(-2) === 'A' ? 'B' : 'A';
    const tampered = `${temporary.sessionToken.slice(0, -2)}${last}${temporary.sessionToken.slice(-1)}`;
    expect(await get({ ...temporary, sessionToken: tampered })).toBe('UnrecognizedClientException');
    expect(
      await get({ accessKeyId: temporary.accessKeyId, secretAccessKey: temporary.secretAccessKey }),
    ).toBe('UnrecognizedClientException');
    expect(await get({ ...temporary, secretAccessKey: 'not-the-issued-secret' })).toBe(
      'InvalidSignatureException',
    );
    expect(await get({ ...temporary, accessKeyId: 'ASIAAAAAAAAAAAAAAAAA' })).toBe(
      'UnrecognizedClientException',
    );
    expect(await get(temporary)).toBe('no error');
  });

  it('keeps issued credentials across a restart with the same data dir', async () => {
    const temporary = await assume();
    await server.stop();
    server = await start({ dataDir, config, log: () => undefined });
    const user = await cognitoAs(temporary).send(
      new AdminGetUserCommand({ UserPoolId: POOL, Username: username }),
    );
    expect(user.Username).toBe(username);
  });
});
