import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ENV } from '@cognito-passkeys/cognito-triggers/config';
import { HANDLER_ENV, type HandlerName } from '@cognito-passkeys/cognito-triggers/config/env';
import { App, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';

import { CorbadoPasskeysStack } from './stack';

type Resource = { Type: string; Properties: Record<string, unknown> };

function synth(props: Partial<ConstructorParameters<typeof CorbadoPasskeysStack>[2]> = {}) {
  const app = new App();
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new CorbadoPasskeysStack(app, 'Test', {
    env: { account: '123456789012', region: 'eu-central-1' },
    passkeys: {
      corbadoProjectId: 'pro-1234',
      sesEmail: { fromEmail: 'no-reply@example.com' },
      ...props.passkeys,
    },
    ...(props.existingUserPoolId ? { existingUserPoolId: props.existingUserPoolId } : {}),
  });
  const assembly = app.synth();
  const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
    pluginReports: {
      pluginName: string;
      conclusion: string;
      violations: unknown[];
      suppressedViolations: unknown[];
    }[];
  };
  return { template: Template.fromStack(stack), report };
}

/** The function (and its role's policy) created for one handler, found by its environment-free logical ID. */
function functionFor(template: Template, handler: HandlerName): { id: string; resource: Resource } {
  const functions = template.findResources('AWS::Lambda::Function') as Record<string, Resource>;
  const id = Object.keys(functions).find((key) => key.startsWith(`Passkeys${handler.replace(/-/g, '')}`));
  if (!id) throw new Error(`no function for ${handler}`);
  return { id, resource: functions[id]! };
}

function policyStatementsOf(template: Template, fn: Resource): unknown[] {
  const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  const policies = template.findResources('AWS::IAM::Policy') as Record<string, Resource>;
  return Object.values(policies)
    .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: unknown[] }).Statement);
}

const HANDLERS = Object.keys(HANDLER_ENV) as HandlerName[];
const PARAMETER_ARN = (name: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:eu-central-1:123456789012:parameter/${name}`]],
});
const POOL_ARN = { 'Fn::GetAtt': [expect.stringMatching(/^PasskeysUserPool/), 'Arn'] };

describe('a new user pool with passkeys', () => {
  let template: Template;
  let report: ReturnType<typeof synth>['report'];
  beforeAll(() => ({ template, report } = synth()));

  it('wires the three triggers into the pool', () => {
    const ref = (handler: HandlerName) => ({ 'Fn::GetAtt': [functionFor(template, handler).id, 'Arn'] });
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        DefineAuthChallenge: ref('define-auth-challenge'),
        CreateAuthChallenge: ref('create-auth-challenge'),
        VerifyAuthChallengeResponse: ref('verify-auth-challenge-response'),
      },
      UsernameAttributes: ['email'],
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: Match.arrayWith(['EMAIL_OTP']),
    });
  });

  it('gives the app client custom auth, SRP and refresh, no secret, and hides user existence', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
  });

  it.each(HANDLERS)('runs %s on Node.js 22, arm64, inside the trigger budget', (handler) => {
    const { Properties } = functionFor(template, handler).resource;
    expect(Properties.Runtime).toBe('nodejs22.x');
    expect(Properties.Architectures).toEqual(['arm64']);
    expect(Properties.Timeout).toBeLessThanOrEqual(handler.includes('-auth-') ? 4 : 5);
  });

  it.each(HANDLERS)('writes exactly the environment keys %s reads', (handler) => {
    const env = (
      functionFor(template, handler).resource.Properties.Environment as { Variables?: object } | undefined
    )?.Variables;
    expect(Object.keys(env ?? {}).sort()).toEqual([...HANDLER_ENV[handler]].sort());
  });

  it('points the verify trigger at Corbado with the secret parameter name, never a secret', () => {
    const env = (
      functionFor(template, 'verify-auth-challenge-response').resource.Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(env).toMatchObject({
      [ENV.corbadoProjectId]: 'pro-1234',
      [ENV.corbadoBackendApiUrl]: 'https://backendapi.cloud.corbado.io',
      [ENV.corbadoApiSecretParameter]: '/cognito-passkeys/corbado-api-secret',
      [ENV.corbadoTimeoutMs]: '3000',
    });
  });

  it('serves the two actions behind public Function URLs (the bearer secret authenticates)', () => {
    template.resourceCountIs('AWS::Lambda::Url', 2);
    template.allResourcesProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
  });

  it('lets the verify trigger read only its own parameter, and nothing in Cognito', () => {
    const statements = policyStatementsOf(
      template,
      functionFor(template, 'verify-auth-challenge-response').resource,
    );
    expect(statements).toContainEqual({
      Action: 'ssm:GetParameter',
      Effect: 'Allow',
      Resource: PARAMETER_ARN('cognito-passkeys/corbado-api-secret'),
    });
    expect(JSON.stringify(statements)).not.toContain('cognito-idp');
  });

  it.each(['define-auth-challenge', 'create-auth-challenge'] as const)(
    'gives %s no permission beyond its logs',
    (handler) => {
      const statements = policyStatementsOf(template, functionFor(template, handler).resource) as {
        Action: unknown;
      }[];
      expect(statements.map((s) => s.Action)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents']]);
    },
  );

  it.each([
    ['pre-login', ['cognito-idp:AdminGetUser', 'cognito-idp:ListUsers']],
    ['post-append', ['cognito-idp:AdminGetUser', 'cognito-idp:AdminSetUserMFAPreference']],
  ] as const)(
    'lets %s call only its Cognito actions on this pool and read the action secret',
    (handler, actions) => {
      const statements = policyStatementsOf(template, functionFor(template, handler).resource);
      expect(statements).toContainEqual({ Action: [...actions], Effect: 'Allow', Resource: POOL_ARN });
      expect(statements).toContainEqual({
        Action: 'ssm:GetParameter',
        Effect: 'Allow',
        Resource: PARAMETER_ARN('cognito-passkeys/action-secret'),
      });
    },
  );

  it('grants no wildcard action or resource anywhere', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>);
    const statements = policies.flatMap(
      (p) =>
        (p.Properties.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const { Action, Resource } of statements) {
      expect(JSON.stringify(Action)).not.toContain('*');
      expect(Resource).not.toBe('*');
    }
  });

  it('keeps logs in retained log groups', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 5);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('outputs what the web app needs', () => {
    const outputs = Object.keys(template.findOutputs('*'));
    for (const name of [
      'UserPoolId',
      'UserPoolClientId',
      'Region',
      'PreLoginActionUrl',
      'PostAppendActionUrl',
    ]) {
      expect(outputs.some((o) => o.includes(name))).toBe(true);
    }
  });

  it('passes cdk-nag AwsSolutions with every suppression explained', () => {
    const nag = report.pluginReports.find((r) => r.pluginName === 'AwsSolutions');
    expect(nag?.violations.map((v) => (v as { ruleName: string }).ruleName)).toEqual([]);
    expect(nag?.conclusion).toBe('success');
    for (const suppressed of nag?.suppressedViolations as { reason: string }[]) {
      expect(suppressed.reason.length).toBeGreaterThan(20);
    }
  });
});

describe('options', () => {
  it('attaches to an existing pool: invoke permissions and trigger ARNs instead of pool wiring', () => {
    const { template, report } = synth({ existingUserPoolId: 'eu-central-1_AbCdEf123' });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Principal: 'cognito-idp.amazonaws.com', Action: 'lambda:InvokeFunction' },
      3,
    );
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs.filter((o) => /Arn[0-9A-F]{8}$/.test(o))).toHaveLength(3);
    expect(report.pluginReports[0]?.violations).toEqual([]);
  });

  it('lets the functions decrypt with a customer key only through SSM', async () => {
    const { Stack } = await import('aws-cdk-lib');
    const { Key } = await import('aws-cdk-lib/aws-kms');
    const app = new App();
    const keyStack = new Stack(app, 'Keys', { env: { account: '123456789012', region: 'eu-central-1' } });
    const key = new Key(keyStack, 'Key', { enableKeyRotation: true });
    const stack = new CorbadoPasskeysStack(app, 'WithKey', {
      env: { account: '123456789012', region: 'eu-central-1' },
      passkeys: { corbadoProjectId: 'pro-1', parameterKey: key, sesEmail: { fromEmail: 'a@example.com' } },
    });
    const template = Template.fromStack(stack);
    const statements = policyStatementsOf(
      template,
      functionFor(template, 'verify-auth-challenge-response').resource,
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'kms:Decrypt',
        Condition: { StringEquals: { 'kms:ViaService': 'ssm.eu-central-1.amazonaws.com' } },
      }),
    );
  });

  it('refuses email MFA after append without SES', () => {
    expect(() =>
      synth({
        passkeys: { corbadoProjectId: 'pro-1', postAppendMfaMethod: 'EMAIL_OTP', sesEmail: undefined },
      }),
    ).toThrow(/sesEmail/);
  });
});
