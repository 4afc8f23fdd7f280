// The synthesized CDK template against the local stack's local-aws configuration, setting by setting: both
// map from @cognito-passkeys/deployment, and this test fails when either stops doing so.
import { ENV, HANDLER_NAMES, PARAMETERS, USER_POOL, type HandlerName } from '@cognito-passkeys/deployment';
import { parseConfig } from '@cognito-passkeys/local-aws';
import { App } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';

import { localAwsConfig, type LocalSecrets } from '../../../scripts/local-stack';
import { CorbadoPasskeysStack } from '../src/stack';

type Resource = { Type: string; Properties: Record<string, unknown> };

const SECRETS: LocalSecrets = {
  corbadoApiSecret: 'corbado1_parity',
  actionsAccessKeyId: 'AKIAPARITYACTIONS000',
  actionsSecretAccessKey: 'actions-secret',
  actionsExternalId: 'parity-external-id',
  developerAccessKeyId: 'AKIAPARITYDEVELOPER0',
  developerSecretAccessKey: 'developer-secret',
  appServerAccessKeyId: 'AKIAPARITYAPPSERVER0',
  appServerSecretAccessKey: 'app-server-secret',
};

let resources: Record<string, Resource>;
const local = parseConfig(
  localAwsConfig({ secrets: SECRETS, appUrl: 'http://localhost:3000', connectUrl: 'http://127.0.0.1:9230' }),
);
const localPool = local.userPools[0]!;
const localClient = localPool.clients[0]!;

const ofType = (type: string): [string, Resource][] =>
  Object.entries(resources).filter(([, r]) => r.Type === type);
const only = (type: string): Resource => {
  const all = ofType(type);
  expect(all).toHaveLength(1);
  return all[0]![1];
};
const functionOf = (handler: HandlerName): [string, Resource] => {
  const found = ofType('AWS::Lambda::Function').find(([id]) =>
    id.startsWith(`Passkeys${handler.replace(/-/g, '')}`),
  );
  if (!found) throw new Error(`no function for ${handler}`);
  return found;
};
/** The local principal allowed to read the passkey mode: the app's server. */
const localPrincipalPolicy = () => {
  const readers = local.principals.filter((p) =>
    JSON.stringify(p.policy ?? []).includes(PARAMETERS.passkeyMode.replace(/^\//, '')),
  );
  expect(readers).toHaveLength(1);
  return readers[0]!.policy!;
};
const SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86_400 } as const;

beforeAll(() => {
  const app = new App();
  const stack = new CorbadoPasskeysStack(app, 'Parity', {
    env: { account: '123456789012', region: 'us-east-1' },
    passkeys: {
      corbadoProjectId: 'pro-1',
      sesEmail: { fromEmail: 'no-reply@example.com' },
      corbadoActionsPrincipal: '222222222222',
    },
  });
  // The web app's server, as a deployment would grant it the kill switch.
  stack.passkeys.grantPasskeyModeRead(
    new Role(stack, 'AppServer', { assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com') }),
  );
  resources = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
}, 180_000);

describe('the CDK template and the local stack agree on', () => {
  it('the password policy', () => {
    const policy = (only('AWS::Cognito::UserPool').Properties.Policies as { PasswordPolicy: unknown })
      .PasswordPolicy;
    expect(policy).toMatchObject({
      MinimumLength: USER_POOL.passwordPolicy.minLength,
      RequireLowercase: USER_POOL.passwordPolicy.requireLowercase,
      RequireUppercase: USER_POOL.passwordPolicy.requireUppercase,
      RequireNumbers: USER_POOL.passwordPolicy.requireDigits,
      RequireSymbols: USER_POOL.passwordPolicy.requireSymbols,
    });
    const mine = localPool.passwordPolicy!;
    expect(policy).toMatchObject({
      MinimumLength: mine.minLength,
      RequireLowercase: mine.requireLowercase,
      RequireUppercase: mine.requireUppercase,
      RequireNumbers: mine.requireDigits,
      RequireSymbols: mine.requireSymbols,
    });
  });

  it('MFA and the username attributes', () => {
    const pool = only('AWS::Cognito::UserPool').Properties;
    expect(pool.MfaConfiguration).toBe(localPool.mfaConfiguration);
    expect(pool.UsernameAttributes).toEqual(localPool.usernameAttributes);
  });

  it('the client: flows, prevent-user-existence-errors, session and token lifetimes, no OAuth', () => {
    const client = only('AWS::Cognito::UserPoolClient').Properties;
    expect([...(client.ExplicitAuthFlows as string[])].sort()).toEqual(
      [...localClient.explicitAuthFlows].sort(),
    );
    expect(client.PreventUserExistenceErrors).toBe(localClient.preventUserExistenceErrors);
    expect(client.AuthSessionValidity).toBe(localClient.authSessionValidity);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(false);
    const units = client.TokenValidityUnits as Record<string, keyof typeof SECONDS>;
    const seconds = (key: 'AccessToken' | 'IdToken' | 'RefreshToken') =>
      (client[`${key}Validity`] as number) * SECONDS[units[key]!];
    expect({
      accessToken: seconds('AccessToken'),
      idToken: seconds('IdToken'),
      refreshToken: seconds('RefreshToken'),
    }).toEqual(localClient.tokenValidity);
  });

  it('the trigger map', () => {
    const lambdaConfig = only('AWS::Cognito::UserPool').Properties.LambdaConfig as Record<
      string,
      { 'Fn::GetAtt': [string, string] }
    >;
    const deployed = Object.fromEntries(
      Object.entries(lambdaConfig).map(([trigger, ref]) => [
        trigger,
        HANDLER_NAMES.find((h) => functionOf(h)[0] === ref['Fn::GetAtt'][0]),
      ]),
    );
    expect(deployed).toEqual(localPool.lambdaConfig);
  });

  it.each(HANDLER_NAMES)('%s: its environment keys, timeout and memory', (handler) => {
    const deployed = functionOf(handler)[1].Properties;
    const mine = local.functions[handler]!;
    const variables =
      (deployed.Environment as { Variables?: Record<string, string> } | undefined)?.Variables ?? {};
    expect(Object.keys(variables).sort()).toEqual(Object.keys(mine.environment ?? {}).sort());
    expect(deployed.Timeout).toBe(mine.timeoutSeconds);
    expect(deployed.MemorySize).toBe(mine.memoryMb);
  });

  it('the parameter name the verify trigger reads, and that it exists locally', () => {
    const name = 'CORBADO_API_SECRET_PARAMETER';
    const deployed = functionOf('verify-auth-challenge-response')[1].Properties.Environment as {
      Variables: Record<string, string>;
    };
    const mine = local.functions['verify-auth-challenge-response']!.environment!;
    expect(deployed.Variables[name]).toBe(mine[name]);
    expect(local.parameters.map((p) => p.name)).toContain(mine[name]);
  });

  it("define-auth-challenge's environment, value by value (the passkey mode's parameter and cache time)", () => {
    const deployed = functionOf('define-auth-challenge')[1].Properties.Environment as {
      Variables: Record<string, string>;
    };
    const mine = local.functions['define-auth-challenge']!.environment!;
    expect(deployed.Variables).toEqual(mine);
    expect(mine[ENV.passkeyModeParameter]).toBe(PARAMETERS.passkeyMode);
  });

  it('the passkey-mode parameter: its name, type and first value', () => {
    const deployed = only('AWS::SSM::Parameter').Properties;
    const mine = local.parameters.find((p) => p.name === deployed.Name);
    expect(mine).toBeDefined();
    expect({ name: deployed.Name, type: deployed.Type, value: deployed.Value }).toEqual({
      name: mine!.name,
      type: mine!.type,
      value: mine!.value,
    });
  });

  it("the app's server: ssm:GetParameter on the passkey-mode parameter and nothing else", () => {
    const roleId = ofType('AWS::IAM::Role').find(([id]) => id.startsWith('AppServer'))![0];
    const deployed = ofType('AWS::IAM::Policy')
      .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: unknown[] }).Statement) as {
      Action: string;
      Resource: { 'Fn::Join': [string, unknown[]] };
    }[];
    const mine = localPrincipalPolicy();
    expect(deployed.map((s) => [s.Action])).toEqual(mine.map((s) => s.actions));
    // The ARN's account and region differ by design; the resource it names does not.
    const tail = (arn: string) => arn.slice(arn.indexOf(':parameter/'));
    expect(deployed.map((s) => tail(s.Resource['Fn::Join'][1].join('')))).toEqual(
      mine.map((s) => tail(s.resources[0]!)),
    );
  });

  it("the actions role's actions and session length", () => {
    const role = ofType('AWS::IAM::Role')
      .map(([, r]) => r.Properties)
      .find((p) => !JSON.stringify(p.AssumeRolePolicyDocument).includes('"Service"'))!;
    const statements = (role.Policies as { PolicyDocument: { Statement: { Action: string | string[] }[] } }[])
      .flatMap((p) => p.PolicyDocument.Statement)
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    const localRole = local.roles[0]!;
    expect(statements.sort()).toEqual(localRole.policy.flatMap((s) => s.actions).sort());
    expect(role.MaxSessionDuration).toBe(localRole.maxSessionSeconds);
  });
});
