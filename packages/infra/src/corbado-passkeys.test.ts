import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ENV, ENV_DEFAULTS, HANDLER_ENV, type HandlerName } from '@cognito-passkeys/deployment';
import { ACTION_ROLE_ACTIONS } from '@cognito-passkeys/corbado-actions/role-policy';
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { OAuthScope } from 'aws-cdk-lib/aws-cognito';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';

import { CorbadoPasskeysConfigError } from './errors';
import type { CorbadoPasskeysOAuth, CorbadoPasskeysProps } from './corbado-passkeys';
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
      corbadoActionsPrincipal: CORBADO_ACCOUNT,
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
  return { template: Template.fromStack(stack), report, stack };
}

/** The code a synthesis fails with, or undefined when it succeeds. */
function synthErrorCode(passkeys: Partial<CorbadoPasskeysProps>): string | undefined {
  try {
    synth({ passkeys: { corbadoProjectId: 'pro-1', ...passkeys } });
  } catch (error) {
    return error instanceof CorbadoPasskeysConfigError ? error.code : 'other';
  }
  return undefined;
}

/** The role Corbado's actions assume: the one role not trusted by an AWS service. */
function actionsRoleOf(template: Template): { id: string; resource: Resource } | undefined {
  const roles = Object.entries(template.findResources('AWS::IAM::Role') as Record<string, Resource>).filter(
    ([, role]) => !JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('"Service"'),
  );
  if (roles.length > 1) throw new Error('more than one role trusted by a non-service principal');
  const [entry] = roles;
  return entry && { id: entry[0], resource: entry[1] };
}

function outputValue(template: Template, name: string): unknown {
  const outputs = template.findOutputs('*') as Record<string, { Value: unknown }>;
  const key = Object.keys(outputs).find((o) => o.includes(name));
  return key === undefined ? undefined : outputs[key]?.Value;
}

function outputNames(template: Template): string[] {
  return Object.keys(template.findOutputs('*'));
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
/** Stands in for the account Corbado's console names as the actions' principal. */
const CORBADO_ACCOUNT = '210987654321';
const CORBADO_ROLE = `arn:aws:iam::${CORBADO_ACCOUNT}:role/connect-actions`;
/** STS allows 2–1224 characters of `[\w+=,.@:/-]`. */
const LONGEST_EXTERNAL_ID = `ext:${'a1_+=,.@/-'.repeat(122)}`;
const ACCOUNT_ROOT = (account: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]],
});
/** What the construct derives when no external ID is given: the UUID of the CloudFormation stack. */
const GENERATED_EXTERNAL_ID = {
  'Fn::Join': [
    '',
    ['cognito-passkeys-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }],
  ],
};
const PARAMETER_ARN = (name: string) => ({
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ssm:eu-central-1:123456789012:parameter/${name}`]],
});
const POOL_ARN = { 'Fn::GetAtt': [expect.stringMatching(/^PasskeysUserPool/), 'Arn'] };

describe('a new user pool with passkeys', () => {
  let template: Template;
  let report: ReturnType<typeof synth>['report'];
  let stack: CorbadoPasskeysStack;
  beforeAll(() => ({ template, report, stack } = synth()));

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

  it("keeps OAuth off: no grant, no scope, no callback URL (not CDK's example.com defaults)", () => {
    const [client] = Object.values(
      template.findResources('AWS::Cognito::UserPoolClient') as Record<string, Resource>,
    );
    expect(client?.Properties.AllowedOAuthFlowsUserPoolClient).toBe(false);
    for (const key of ['AllowedOAuthFlows', 'AllowedOAuthScopes', 'CallbackURLs', 'LogoutURLs'])
      expect(client?.Properties).not.toHaveProperty(key);
    expect(JSON.stringify(template.toJSON())).not.toContain('example.com/');
  });

  it('deploys the three triggers and no other function', () => {
    expect([...HANDLERS].sort()).toEqual([
      'create-auth-challenge',
      'define-auth-challenge',
      'verify-auth-challenge-response',
    ]);
    template.resourceCountIs('AWS::Lambda::Function', 3);
  });

  it.each(HANDLERS)('runs %s on Node.js 22, arm64, inside the trigger budget', (handler) => {
    const { Properties } = functionFor(template, handler).resource;
    expect(Properties.Runtime).toBe('nodejs22.x');
    expect(Properties.Architectures).toEqual(['arm64']);
    expect(Properties.Timeout).toBeLessThanOrEqual(4);
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
      [ENV.corbadoTimeoutMs]: String(ENV_DEFAULTS[ENV.corbadoTimeoutMs]),
    });
  });

  it('lets Corbado assume the actions role only from its principal and with the external ID', () => {
    const role = actionsRoleOf(template);
    expect(role?.resource.Properties.AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Action: 'sts:AssumeRole',
          Effect: 'Allow',
          Principal: { AWS: ACCOUNT_ROOT(CORBADO_ACCOUNT) },
          Condition: { StringEquals: { 'sts:ExternalId': GENERATED_EXTERNAL_ID } },
        },
      ],
    });
  });

  it('allows the actions role exactly the three Cognito actions, on this pool, and nothing else', () => {
    const role = actionsRoleOf(template)!;
    const policies = role.resource.Properties.Policies as {
      PolicyDocument: { Statement: { Action: string[]; Effect: string; Resource: unknown }[] };
    }[];
    expect(policies).toHaveLength(1);
    const statements = policies[0]!.PolicyDocument.Statement;
    expect(statements).toHaveLength(1);
    const [{ Action, ...rest }] = statements as [(typeof statements)[number]];
    expect(rest).toEqual({ Effect: 'Allow', Resource: POOL_ARN });
    expect([...Action].sort()).toEqual([...ACTION_ROLE_ACTIONS].sort());
    expect(role.resource.Properties.ManagedPolicyArns).toBeUndefined();
    // No separate policy attached to it either.
    const attached = Object.values(
      template.findResources('AWS::IAM::Policy') as Record<string, Resource>,
    ).filter((policy) => JSON.stringify(policy.Properties.Roles).includes(role.id));
    expect(attached).toEqual([]);
  });

  it('caps the actions role sessions at one hour', () => {
    expect(actionsRoleOf(template)?.resource.Properties.MaxSessionDuration).toBe(3600);
  });

  it('derives the external ID from the stack UUID, not from the code, the account or the stack name', () => {
    // A reference CloudFormation resolves at deploy time: identical on every synthesis and every update.
    expect(outputValue(template, 'ActionsExternalId')).toEqual(GENERATED_EXTERNAL_ID);
  });

  it('has no public action endpoint, no action function and no action secret', () => {
    template.resourceCountIs('AWS::Lambda::Url', 0);
    const functionIds = Object.keys(template.findResources('AWS::Lambda::Function'));
    expect(functionIds.filter((id) => /prelogin|postappend/i.test(id))).toEqual([]);
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toContain('action-secret');
    expect(text).not.toContain('ACTION_SECRET_PARAMETER');
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

  it('grants no wildcard action or resource anywhere', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>);
    const inline = Object.values(
      template.findResources('AWS::IAM::Role') as Record<string, Resource>,
    ).flatMap((role) => (role.Properties.Policies ?? []) as { PolicyDocument: unknown }[]);
    const statements = [...policies.map((p) => p.Properties), ...inline].flatMap(
      (p) => (p.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
    );
    expect(statements.length).toBeGreaterThan(0);
    for (const { Action, Resource } of statements) {
      expect(JSON.stringify(Action)).not.toContain('*');
      expect(Resource).not.toBe('*');
    }
  });

  it('keeps logs in retained log groups', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 3);
    template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it("outputs what the web app and Corbado's actions need", () => {
    const [poolId] = Object.keys(template.findResources('AWS::Cognito::UserPool'));
    const [clientId] = Object.keys(template.findResources('AWS::Cognito::UserPoolClient'));
    expect(outputValue(template, 'UserPoolId')).toEqual({ Ref: poolId });
    expect(outputValue(template, 'UserPoolClientId')).toEqual({ Ref: clientId });
    expect(outputValue(template, 'Region')).toBe('eu-central-1');
    expect(outputValue(template, 'ActionsRoleArn')).toEqual({
      'Fn::GetAtt': [actionsRoleOf(template)!.id, 'Arn'],
    });
    expect(outputValue(template, 'ActionsExternalId')).toEqual(GENERATED_EXTERNAL_ID);
    expect(outputNames(template).filter((o) => /Url/.test(o))).toEqual([]);
  });

  it('warns about nothing when the pool can send email MFA', () => {
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
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
    const { template, report } = synth({
      existingUserPoolId: 'eu-central-1_AbCdEf123',
      passkeys: {
        corbadoProjectId: 'pro-1',
        corbadoActionsPrincipal: CORBADO_ROLE,
        actionsExternalId: LONGEST_EXTERNAL_ID,
      },
    });
    template.resourceCountIs('AWS::Cognito::UserPool', 0);
    template.resourcePropertiesCountIs(
      'AWS::Lambda::Permission',
      { Principal: 'cognito-idp.amazonaws.com', Action: 'lambda:InvokeFunction' },
      3,
    );
    const outputs = Object.keys(template.findOutputs('*'));
    expect(outputs.filter((o) => /AuthChallenge\w*Arn[0-9A-F]{8}$/.test(o))).toHaveLength(3);
    expect(report.pluginReports[0]?.violations).toEqual([]);

    // The actions role: trusted by the given role ARN, with the given external ID (the longest STS allows),
    // on the existing pool.
    const role = actionsRoleOf(template)!;
    const trust = role.resource.Properties.AssumeRolePolicyDocument as { Statement: unknown[] };
    expect(trust.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { AWS: CORBADO_ROLE },
        Condition: { StringEquals: { 'sts:ExternalId': LONGEST_EXTERNAL_ID } },
      },
    ]);
    expect(JSON.stringify(role.resource.Properties.Policies)).toContain(
      ':cognito-idp:eu-central-1:123456789012:userpool/eu-central-1_AbCdEf123',
    );
    expect(outputValue(template, 'ActionsExternalId')).toBe(LONGEST_EXTERNAL_ID);
    expect(outputValue(template, 'UserPoolId')).toBe('eu-central-1_AbCdEf123');
  });

  it('creates no role and needs no principal with actions off', () => {
    const { template, report } = synth({
      passkeys: { corbadoProjectId: 'pro-1', enableActions: false, corbadoActionsPrincipal: undefined },
    });
    expect(actionsRoleOf(template)).toBeUndefined();
    expect(outputNames(template).filter((o) => o.includes('Actions'))).toEqual([]);
    expect(JSON.stringify(template.toJSON())).not.toContain('sts:ExternalId');
    expect(report.pluginReports[0]?.violations).toEqual([]);
  });

  it('offers OAuth only as configured: the named URLs, the code grant and the default scopes', () => {
    const { template, report } = synth({
      passkeys: {
        corbadoProjectId: 'pro-1',
        oAuth: {
          callbackUrls: ['https://app.example.org/auth/callback', 'http://localhost:3000/auth/callback'],
          logoutUrls: ['https://app.example.org/'],
        },
      },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      CallbackURLs: ['https://app.example.org/auth/callback', 'http://localhost:3000/auth/callback'],
      LogoutURLs: ['https://app.example.org/'],
      GenerateSecret: false,
    });
    expect(report.pluginReports.find((r) => r.pluginName === 'AwsSolutions')?.violations).toEqual([]);
  });

  it('allows the implicit grant and other scopes only when named', () => {
    const { template } = synth({
      passkeys: {
        corbadoProjectId: 'pro-1',
        oAuth: {
          callbackUrls: ['https://app.example.org/cb'],
          logoutUrls: [],
          flows: { implicitCodeGrant: true },
          scopes: [OAuthScope.OPENID],
        },
      },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['implicit'],
      AllowedOAuthScopes: ['openid'],
      CallbackURLs: ['https://app.example.org/cb'],
    });
  });

  it('warns that post-append cannot turn MFA on in a new pool without SES', () => {
    const { stack } = synth({ passkeys: { corbadoProjectId: 'pro-1', sesEmail: undefined } });
    Annotations.fromStack(stack).hasWarning(
      '/Test/Passkeys',
      Match.stringLikeRegexp('@cognito-passkeys/infra:post-append-without-email-mfa'),
    );
  });

  it.each([
    ['no principal', { corbadoActionsPrincipal: undefined }, 'missing_actions_principal'],
    ['a blank principal', { corbadoActionsPrincipal: '  ' }, 'missing_actions_principal'],
    ['a name', { corbadoActionsPrincipal: 'corbado' }, 'invalid_actions_principal'],
    ['a short account ID', { corbadoActionsPrincipal: '12345' }, 'invalid_actions_principal'],
    [
      'a group ARN',
      { corbadoActionsPrincipal: `arn:aws:iam::${CORBADO_ACCOUNT}:group/ops` },
      'invalid_actions_principal',
    ],
    [
      'a session ARN',
      { corbadoActionsPrincipal: `arn:aws:sts::${CORBADO_ACCOUNT}:assumed-role/r/s` },
      'invalid_actions_principal',
    ],
    ['a wildcard', { corbadoActionsPrincipal: '*' }, 'invalid_actions_principal'],
    [
      'a one-character external ID',
      { corbadoActionsPrincipal: CORBADO_ACCOUNT, actionsExternalId: 'x' },
      'invalid_external_id',
    ],
    [
      'an external ID with a space',
      { corbadoActionsPrincipal: CORBADO_ACCOUNT, actionsExternalId: 'a b' },
      'invalid_external_id',
    ],
    [
      'an external ID past 1224 characters',
      { corbadoActionsPrincipal: CORBADO_ACCOUNT, actionsExternalId: 'a'.repeat(1225) },
      'invalid_external_id',
    ],
    ...(
      [
        ['OAuth without a callback URL', { callbackUrls: [], logoutUrls: [] }],
        [
          'an OAuth callback over plain HTTP',
          { callbackUrls: ['http://app.example.org/cb'], logoutUrls: [] },
        ],
        ['an OAuth callback that is no URL', { callbackUrls: ['app.example.org/cb'], logoutUrls: [] }],
        [
          'an OAuth callback with a fragment',
          { callbackUrls: ['https://app.example.org/#cb'], logoutUrls: [] },
        ],
        [
          'a sign-out URL over plain HTTP',
          { callbackUrls: ['https://a.example.org/'], logoutUrls: ['http://a.example.org/'] },
        ],
        ['OAuth with no grant', { callbackUrls: ['https://a.example.org/'], logoutUrls: [], flows: {} }],
        [
          'the client-credentials grant on a client without a secret',
          { callbackUrls: ['https://a.example.org/'], logoutUrls: [], flows: { clientCredentials: true } },
        ],
        ['OAuth with no scope', { callbackUrls: ['https://a.example.org/'], logoutUrls: [], scopes: [] }],
      ] as const
    ).map(
      ([name, oAuth]) =>
        [name, { oAuth: oAuth as unknown as CorbadoPasskeysOAuth }, 'invalid_oauth'] as const,
    ),
  ] as const)('refuses %s at synthesis', (_name, passkeys, code) => {
    expect(synthErrorCode(passkeys)).toBe(code);
  });

  it('lets the functions decrypt with a customer key only through SSM', async () => {
    const { Stack } = await import('aws-cdk-lib');
    const { Key } = await import('aws-cdk-lib/aws-kms');
    const app = new App();
    const keyStack = new Stack(app, 'Keys', { env: { account: '123456789012', region: 'eu-central-1' } });
    const key = new Key(keyStack, 'Key', { enableKeyRotation: true });
    const stack = new CorbadoPasskeysStack(app, 'WithKey', {
      env: { account: '123456789012', region: 'eu-central-1' },
      passkeys: {
        corbadoProjectId: 'pro-1',
        parameterKey: key,
        sesEmail: { fromEmail: 'a@example.com' },
        corbadoActionsPrincipal: CORBADO_ACCOUNT,
      },
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
});
