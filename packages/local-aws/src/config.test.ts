import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { loadConfigFile, parseConfig, resolveFunctionName } from './config';
import { ConfigError } from './errors';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof ConfigError ? err.code : 'not a ConfigError';
  }
  return undefined;
}

describe('parseConfig', () => {
  it('fills Cognito defaults', () => {
    const config = parseConfig({ userPools: [{ name: 'p', clients: [{ name: 'c' }] }] });
    expect(config.region).toBe('us-east-1');
    expect(config.userPools[0]?.mfaConfiguration).toBe('OFF');
    expect(config.userPools[0]?.clients[0]).toMatchObject({
      explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      preventUserExistenceErrors: 'ENABLED',
      authSessionValidity: 3,
      tokenValidity: { accessToken: 3600, idToken: 3600, refreshToken: 2_592_000 },
    });
  });

  it.each([
    ['an unknown field', { userPool: [] }, 'InvalidConfig'],
    ['a bad region', { region: 'moon' }, 'InvalidConfig'],
    [
      'a session validity over 15 minutes',
      { userPools: [{ name: 'p', clients: [{ name: 'c', authSessionValidity: 20 }] }] },
      'InvalidConfig',
    ],
    ['an origin with a path', { allowedOrigins: ['http://localhost:3000/'] }, 'InvalidConfig'],
    ['a wildcard origin', { allowedOrigins: ['*'] }, 'InvalidConfig'],
    ['an origin without a scheme', { allowedOrigins: ['localhost:3000'] }, 'InvalidConfig'],
    [
      "a principal's policy without actions",
      {
        principals: [
          {
            accessKeyId: 'AKIAX',
            secretAccessKey: 's',
            arn: 'arn:aws:iam::000000000000:user/u',
            policy: [{ actions: [], resources: ['*'] }],
          },
        ],
      },
      'InvalidConfig',
    ],
    [
      'an unregistered trigger function',
      { userPools: [{ name: 'p', lambdaConfig: { DefineAuthChallenge: 'nope' } }] },
      'FunctionNotFound',
    ],
    [
      'a role in another account than accountId',
      { roles: [{ arn: 'arn:aws:iam::111111111111:role/r', trustedPrincipals: ['222222222222'] }] },
      'InvalidConfig',
    ],
    [
      'a role trusting nobody',
      {
        accountId: '111111111111',
        roles: [{ arn: 'arn:aws:iam::111111111111:role/r', trustedPrincipals: [] }],
      },
      'InvalidConfig',
    ],
    [
      'a maximum session over 12 hours',
      {
        accountId: '111111111111',
        roles: [
          {
            arn: 'arn:aws:iam::111111111111:role/r',
            trustedPrincipals: ['2'.repeat(12)],
            maxSessionSeconds: 43_201,
          },
        ],
      },
      'InvalidConfig',
    ],
    [
      'a principal key in the temporary-key form',
      {
        principals: [
          { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 's', arn: 'arn:aws:iam::222222222222:user/u' },
        ],
      },
      'InvalidConfig',
    ],
    [
      'the same principal key twice',
      {
        principals: [
          { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 's', arn: 'arn:aws:iam::222222222222:user/a' },
          { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 't', arn: 'arn:aws:iam::222222222222:user/b' },
        ],
      },
      'InvalidConfig',
    ],
  ])('refuses %s', (_, input, code) => {
    expect(codeOf(() => parseConfig(input))).toBe(code);
  });

  it('fills STS defaults', () => {
    const config = parseConfig({
      accountId: '111111111111',
      roles: [
        {
          arn: 'arn:aws:iam::111111111111:role/path/r',
          trustedPrincipals: ['arn:aws:iam::222222222222:root'],
        },
      ],
    });
    expect(parseConfig({}).accountId).toBe('000000000000');
    expect(config.roles[0]).toMatchObject({ maxSessionSeconds: 3600, policy: [] });
    expect(config.roles[0]?.externalId).toBeUndefined();
  });

  it('accepts trigger ARNs of registered functions', () => {
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:define:live';
    expect(resolveFunctionName(arn)).toBe('define');
    expect(
      codeOf(() =>
        parseConfig({
          functions: { define: { module: './x.ts' } },
          userPools: [{ name: 'p', lambdaConfig: { DefineAuthChallenge: arn } }],
        }),
      ),
    ).toBeUndefined();
  });
});

describe('origins and principals', () => {
  it('takes app origins, and principals with or without a policy', () => {
    const config = parseConfig({
      allowedOrigins: ['http://localhost:3000', 'https://app.example.com', 'http://[::1]:8080'],
      principals: [
        { accessKeyId: 'AKIAADMIN', secretAccessKey: 's', arn: 'arn:aws:iam::000000000000:user/admin' },
        {
          accessKeyId: 'AKIAREADER',
          secretAccessKey: 's',
          arn: 'arn:aws:iam::000000000000:user/reader',
          policy: [{ actions: ['ssm:GetParameter'], resources: ['*'] }],
        },
      ],
    });
    expect(config.allowedOrigins).toHaveLength(3);
    expect(config.principals.map((p) => p.policy)).toEqual([
      undefined,
      [{ actions: ['ssm:GetParameter'], resources: ['*'] }],
    ]);
    expect(parseConfig({}).allowedOrigins).toEqual([]);
  });
});

describe('local-aws.example.json', () => {
  it('is a valid config', () => {
    const path = fileURLToPath(new URL('../local-aws.example.json', import.meta.url));
    const config = loadConfigFile(path);
    expect(config.userPools.map((p) => p.name)).toEqual(['cognito-passkeys']);
    expect(config.roles.map((r) => r.arn)).toEqual(['arn:aws:iam::111111111111:role/corbado-actions']);
  });
});
