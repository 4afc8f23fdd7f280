import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  UpdateUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  APP_CLIENT,
  PARAMETERS,
  PASSKEYS_BLOCKED_ATTRIBUTE,
  environmentValues,
  localFunctions,
  localUserPool,
} from '@cognito-passkeys/deployment';
import { start as startLocalAws, type LocalAws } from '@cognito-passkeys/local-aws';
import { start as startLocalConnect } from '@cognito-passkeys/local-connect';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { main } from '../src/main';
import { UPDATE_USER_POOL_MEMBERS } from '../src/pool-update';

// The CLI end to end against a real local-aws (and local-connect for the Backend API check), through its
// main() in this process with the SDK's own environment variables pointing at them, and once as the real bin.

const REGION = 'us-east-1';
const ACCOUNT = '111111111111';
const ADMIN = { accessKeyId: 'AKIAADMINCLI00000001', secretAccessKey: 'admin-cli-test-secret' };
const PROJECT_ID = 'pro-1000000000000000042';
const API_SECRET = 'corbado1_admin-cli-test-secret-value';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/corbado-connect-actions`;
const EXTERNAL_ID = 'admin-cli-external-id';
const fn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const OURS = {
  DefineAuthChallenge: fn('define-auth-challenge'),
  CreateAuthChallenge: fn('create-auth-challenge'),
  VerifyAuthChallengeResponse: fn('verify-auth-challenge-response'),
};
const ATTACH_ARGS = [
  '--define-auth-challenge',
  OURS.DefineAuthChallenge,
  '--create-auth-challenge',
  OURS.CreateAuthChallenge,
  '--verify-auth-challenge-response',
  OURS.VerifyAuthChallengeResponse,
];

let aws: LocalAws;
let connect: { url: string; stop(): Promise<void> };
let cognito: CognitoIdentityProviderClient;
let ssm: SSMClient;
const EXISTING = `${REGION}_Existing1`;
const PROJECT_POOL = `${REGION}_Project01`;
const PROJECT_CLIENT = 'projectclient000000000001';
const saved: Record<string, string | undefined> = {};

/** Runs the CLI in this process; answers its exit code and what it printed. */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
const json = async (...argv: string[]) => {
  const run = await cli(...argv, '--json');
  return { ...run, body: JSON.parse(run.stdout) as Record<string, unknown> };
};

beforeAll(async () => {
  const functions = localFunctions(environmentValues({ corbadoProjectId: PROJECT_ID }));
  aws = await startLocalAws({
    log: () => undefined,
    config: {
      region: REGION,
      accountId: ACCOUNT,
      functions: { ...functions, 'someone-elses-define': functions['define-auth-challenge'] },
      userPools: [
        // A customer's pool before attach: its own settings, no custom-auth triggers, no block attribute.
        {
          id: EXISTING,
          name: 'customer-pool',
          usernameAttributes: ['email'],
          mfaConfiguration: 'OPTIONAL',
          clients: [{ name: 'web', explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }],
        },
        localUserPool({
          poolId: PROJECT_POOL,
          poolName: 'project',
          clientId: PROJECT_CLIENT,
          clientName: 'web',
        }),
      ],
      parameters: [{ name: PARAMETERS.corbadoApiSecret, type: 'SecureString', value: API_SECRET }],
      principals: [{ ...ADMIN, arn: `arn:aws:iam::${ACCOUNT}:user/operator` }],
      roles: [
        {
          arn: ROLE_ARN,
          trustedPrincipals: [`arn:aws:iam::${ACCOUNT}:user/operator`],
          externalId: EXTERNAL_ID,
          policy: [{ actions: ['cognito-idp:AdminGetUser'], resources: ['*'] }],
        },
      ],
    },
  });
  connect = await startLocalConnect({
    log: () => undefined,
    config: {
      projectId: PROJECT_ID,
      apiSecret: API_SECRET,
      rp: { id: 'localhost', name: 'test', origins: ['http://localhost:3000'] },
    },
  });
  const env = {
    AWS_REGION: REGION,
    AWS_ENDPOINT_URL: aws.url,
    AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
    AWS_SESSION_TOKEN: undefined,
    AWS_PROFILE: undefined,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key];
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const clientOptions = { region: REGION, endpoint: aws.url, credentials: { ...ADMIN }, maxAttempts: 1 };
  cognito = new CognitoIdentityProviderClient(clientOptions);
  ssm = new SSMClient({ ...clientOptions, credentials: { ...ADMIN } });
});

afterAll(async () => {
  for (const [key, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  cognito.destroy();
  ssm.destroy();
  await connect.stop();
  await aws.stop();
});

const describePool = async (id: string) =>
  (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool ?? {};

describe('the UpdateUserPool request', () => {
  it("keeps every member of the SDK's UpdateUserPoolRequest", () => {
    const require = createRequire(import.meta.url);
    const types = join(
      dirname(require.resolve('@aws-sdk/client-cognito-identity-provider/package.json')),
      'dist-types',
      'models',
    );
    const source = ['models_0.d.ts', 'models_1.d.ts', 'models_2.d.ts']
      .map((file) => {
        try {
          return readFileSync(join(types, file), 'utf8');
        } catch {
          return '';
        }
      })
      .join('\n');
    const body = /export interface UpdateUserPoolRequest \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? '';
    const members = [...body.matchAll(/^ {4}(\w+)\??:/gm)].map((m) => m[1]);
    expect(members.length).toBeGreaterThan(20);
    expect(members.filter((m) => m !== 'UserPoolId').sort()).toEqual(
      Object.keys(UPDATE_USER_POOL_MEMBERS).sort(),
    );
  });
});

describe('attach and detach', () => {
  beforeEach(async () => {
    // The customer's own settings, which UpdateUserPool would reset if a request left them out.
    await cognito.send(
      new UpdateUserPoolCommand({
        UserPoolId: EXISTING,
        MfaConfiguration: 'OPTIONAL',
        DeletionProtection: 'ACTIVE',
        UserPoolTags: { owner: 'identity-team' },
        AutoVerifiedAttributes: ['email'],
        VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_CODE', EmailSubject: 'Your code' },
        Policies: { PasswordPolicy: { MinimumLength: 14, RequireNumbers: true, RequireSymbols: true } },
        LambdaConfig: { PreSignUp: fn('someone-elses-define'), CustomMessage: fn('someone-elses-define') },
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      }),
    );
  });

  it('dry-run shows the trigger diff and the attribute to add, and changes nothing', async () => {
    const before = await describePool(EXISTING);
    const run = await cli('attach', '--user-pool-id', EXISTING, ...ATTACH_ARGS, '--dry-run');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`LambdaConfig.DefineAuthChallenge: (none) → ${OURS.DefineAuthChallenge}`);
    expect(run.stdout).toContain(`add ${PASSKEYS_BLOCKED_ATTRIBUTE.attribute}`);
    expect(run.stdout).toContain('Every other setting stays as described.');
    expect(await describePool(EXISTING)).toEqual(before);
  });

  it('sets only the three triggers and the block attribute, keeps every other setting, and is idempotent', async () => {
    const before = await describePool(EXISTING);
    const attached = await json('attach', '--user-pool-id', EXISTING, ...ATTACH_ARGS);
    expect(attached.code).toBe(0);
    expect(attached.body).toMatchObject({ changed: true, addsCustomAttribute: 'custom:passkeys_blocked' });
    const after = await describePool(EXISTING);
    expect(after.LambdaConfig).toEqual({ ...before.LambdaConfig, ...OURS });
    expect(after.SchemaAttributes?.map((a) => a.Name)).toContain('custom:passkeys_blocked');
    const settled = (pool: typeof before) => ({
      ...pool,
      LambdaConfig: undefined,
      SchemaAttributes: undefined,
      LastModifiedDate: undefined,
    });
    expect(settled(after)).toEqual(settled(before));

    const again = await json('attach', '--user-pool-id', EXISTING, ...ATTACH_ARGS);
    expect(again.code).toBe(0);
    expect(again.body).toMatchObject({ changed: false, changes: [], addsCustomAttribute: null });
    expect((await describePool(EXISTING)).LastModifiedDate).toEqual(after.LastModifiedDate);

    const detached = await json('detach', '--user-pool-id', EXISTING);
    expect(detached.code).toBe(0);
    const gone = await describePool(EXISTING);
    expect(gone.LambdaConfig).toEqual(before.LambdaConfig);
    expect(settled(gone)).toEqual(settled(before));
    expect((await json('detach', '--user-pool-id', EXISTING)).body).toMatchObject({ changed: false });
  });

  it('refuses a pool whose slot holds another function, and changes nothing', async () => {
    await cognito.send(
      new UpdateUserPoolCommand({
        UserPoolId: EXISTING,
        LambdaConfig: { DefineAuthChallenge: fn('someone-elses-define') },
      }),
    );
    const before = await describePool(EXISTING);
    const run = await cli('attach', '--user-pool-id', EXISTING, ...ATTACH_ARGS);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`DefineAuthChallenge: ${fn('someone-elses-define')}`);
    expect(await describePool(EXISTING)).toEqual(before);
    await cli('detach', '--user-pool-id', EXISTING);
  });

  it('answers usage mistakes with exit code 2 and AWS errors with 1', async () => {
    expect((await cli('attach', '--user-pool-id', EXISTING)).code).toBe(2);
    expect(
      (await cli('attach', '--user-pool-id', EXISTING, ...ATTACH_ARGS.slice(0, 5), 'not-an-arn')).code,
    ).toBe(2);
    expect((await cli('attach', '--nope')).code).toBe(2);
    expect((await cli('frobnicate')).code).toBe(2);
    const missing = await cli('detach', '--user-pool-id', `${REGION}_Missing00`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('ResourceNotFoundException');
  });
});

describe('status', () => {
  it('shows the triggers, the client and the kill switch, and warns when users may write the block attribute', async () => {
    const project = await json('status', '--user-pool-id', PROJECT_POOL, '--client-id', PROJECT_CLIENT);
    expect(project.code).toBe(0);
    expect(project.body).toMatchObject({
      triggers: OURS,
      blockAttribute: true,
      client: {
        allowsCustomAuth: true,
        writeAttributes: [...APP_CLIENT.writeAttributes],
        usersCanWriteBlockAttribute: false,
      },
    });
    const human = await cli('status', '--user-pool-id', EXISTING);
    expect(human.stdout).toContain('DefineAuthChallenge: missing');

    const clientId =
      (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: EXISTING }))).UserPoolClients?.[0]
        ?.ClientId ?? '';
    const customer = await cli('status', '--user-pool-id', EXISTING, '--client-id', clientId);
    expect(customer.stdout).toMatch(/users can write custom:passkeys_blocked/);
    expect(customer.stdout).toContain('✗ auth flows');
  });
});

describe('mode', () => {
  it('reads a missing parameter as the default, sets each mode, and refuses anything else', async () => {
    const missing = await json('mode', 'get');
    expect(missing.body).toMatchObject({ value: null, effective: 'on', valid: false });
    for (const mode of ['off', 'login-only', 'append-only', 'on']) {
      expect((await cli('mode', 'set', mode)).code).toBe(0);
      expect(
        (await ssm.send(new GetParameterCommand({ Name: PARAMETERS.passkeyMode }))).Parameter,
      ).toMatchObject({
        Value: mode,
        Type: 'String',
      });
      expect((await json('mode', 'get')).body).toMatchObject({ value: mode, effective: mode, valid: true });
    }
    expect((await cli('mode', 'set', 'maybe')).code).toBe(2);
    expect((await cli('mode', 'set', ' on')).code).toBe(2);
    expect((await cli('mode')).code).toBe(2);
    expect((await ssm.send(new GetParameterCommand({ Name: PARAMETERS.passkeyMode }))).Parameter?.Value).toBe(
      'on',
    );
  });
});

describe('block and unblock', () => {
  it('sets the attribute and signs the user out everywhere; unblock removes it', async () => {
    const email = 'blocked@example.com';
    const created = await cognito.send(
      new AdminCreateUserCommand({ UserPoolId: PROJECT_POOL, Username: email, MessageAction: 'SUPPRESS' }),
    );
    const username = created.User?.Username ?? '';
    const password = 'Corr3ct-Horse-Battery!';
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: PROJECT_POOL,
        Username: username,
        Password: password,
        Permanent: true,
      }),
    );
    // A client of the pool that allows USER_PASSWORD_AUTH, to hold tokens the block must end.
    const passwordClient =
      (
        await cognito.send(
          new CreateUserPoolClientCommand({
            UserPoolId: PROJECT_POOL,
            ClientName: 'password-sign-in',
            ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          }),
        )
      ).UserPoolClient?.ClientId ?? '';
    const session = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: passwordClient,
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    const attribute = async () =>
      (
        await cognito.send(new AdminGetUserCommand({ UserPoolId: PROJECT_POOL, Username: username }))
      ).UserAttributes?.find((a) => a.Name === PASSKEYS_BLOCKED_ATTRIBUTE.attribute)?.Value;

    const blocked = await json('block', '--user-pool-id', PROJECT_POOL, '--username', email);
    expect(blocked.code).toBe(0);
    expect(blocked.body).toMatchObject({ blocked: true, signedOut: true });
    expect(await attribute()).toBe('true');
    await expect(
      cognito.send(new GetUserCommand({ AccessToken: session.AuthenticationResult?.AccessToken })),
    ).rejects.toThrow(/revoked/);

    expect((await cli('unblock', '--user-pool-id', PROJECT_POOL, '--username', email)).code).toBe(0);
    expect(await attribute()).toBeUndefined();
    expect(
      (await json('block', '--user-pool-id', PROJECT_POOL, '--username', email, '--keep-sessions')).body,
    ).toMatchObject({
      signedOut: false,
    });
    expect(
      (await cli('block', '--user-pool-id', PROJECT_POOL, '--username', 'nobody@example.com')).code,
    ).toBe(1);
  });
});

describe('doctor', () => {
  const args = () => [
    'doctor',
    '--user-pool-id',
    PROJECT_POOL,
    '--client-id',
    PROJECT_CLIENT,
    '--corbado-project-id',
    PROJECT_ID,
    '--corbado-backend-api-url',
    connect.url,
    '--action-role-arn',
    ROLE_ARN,
    '--external-id',
    EXTERNAL_ID,
  ];

  it('passes a healthy deployment, one line per check, and never prints the secret', async () => {
    await ssm.send(
      new PutParameterCommand({ Name: PARAMETERS.passkeyMode, Type: 'String', Value: 'on', Overwrite: true }),
    );
    const run = await cli(...args());
    expect(run.code).toBe(0);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('✓'))).toHaveLength(6);
    expect(run.stdout).toContain('exists and decrypts');
    expect(run.stdout + run.stderr).not.toContain(API_SECRET);
    const report = await json(...args());
    expect(JSON.stringify(report.body)).not.toContain(API_SECRET);
  });

  it('fails with the fix when the secret is wrong, the external ID is wrong, or the mode is junk', async () => {
    await ssm.send(
      new PutParameterCommand({
        Name: PARAMETERS.corbadoApiSecret,
        Type: 'SecureString',
        Value: 'corbado1_wrong',
        Overwrite: true,
      }),
    );
    await ssm.send(
      new PutParameterCommand({
        Name: PARAMETERS.passkeyMode,
        Type: 'String',
        Value: 'sometimes',
        Overwrite: true,
      }),
    );
    try {
      const withWrongId = args().map((a) => (a === EXTERNAL_ID ? 'not-the-external-id' : a));
      const run = await json(...withWrongId);
      expect(run.code).toBe(1);
      const checks = Object.fromEntries(
        (run.body.checks as { name: string; ok: boolean }[]).map((c) => [c.name, c.ok]),
      );
      expect(checks).toEqual({
        'API secret parameter': true,
        'Corbado Backend API': false,
        'action role': false,
        'custom-auth triggers': true,
        'app client': true,
        'passkey mode': false,
      });
      const human = await cli(...withWrongId);
      expect(human.stdout).toContain('fix: put project');
      expect(human.stdout).toContain('cognito-passkeys mode set');
      expect(human.stdout + human.stderr + run.stdout).not.toContain('corbado1_wrong');
    } finally {
      await ssm.send(
        new PutParameterCommand({
          Name: PARAMETERS.corbadoApiSecret,
          Type: 'SecureString',
          Value: API_SECRET,
          Overwrite: true,
        }),
      );
      await ssm.send(
        new PutParameterCommand({
          Name: PARAMETERS.passkeyMode,
          Type: 'String',
          Value: 'on',
          Overwrite: true,
        }),
      );
    }
  });
});

describe('help', () => {
  it('prints every command with --help and exits 0', async () => {
    for (const command of ['attach', 'detach', 'status', 'doctor', 'block', 'unblock', 'mode']) {
      const run = await cli(command, '--help');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: cognito-passkeys ${command}`);
    }
  });

  it('runs as the real bin', () => {
    const bin = fileURLToPath(new URL('../bin/cognito-passkeys.mjs', import.meta.url));
    const result = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('attach');
    expect(result.stdout).toContain('doctor');
  });
});
