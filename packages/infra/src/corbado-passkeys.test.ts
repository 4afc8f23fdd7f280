import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  APP_CLIENT,
  DEFAULT_PASSKEY_MODE,
  ENV,
  ENV_DEFAULTS,
  HANDLER_ENV,
  HANDLERS as HANDLER_DEFINITIONS,
  METRICS,
  PARAMETERS,
  PASSKEY_MODES,
  PASSKEYS_BLOCKED_ATTRIBUTE,
  TIME_BUDGET,
  type HandlerName,
} from '@cognito-passkeys/deployment';
import { ACTION_ROLE_ACTIONS } from '@cognito-passkeys/corbado-actions/role-policy';
import { App, Duration, Lazy, Validations, type CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { OAuthScope } from 'aws-cdk-lib/aws-cognito';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';

import { CorbadoPasskeysConfigError } from './errors';
import { MAX_ALARM_METRICS, OUTCOMES_OUTSIDE_SUCCESS_RATE, SUCCESS_RATE_OUTCOMES } from './monitoring';
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

function only(template: Template, type: string): Resource {
  const all = Object.values(template.findResources(type) as Record<string, Resource>);
  expect(all).toHaveLength(1);
  return all[0]!;
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

/** Every statement of every policy in the template, inline or attached, with the role it belongs to. */
function allStatements(template: Template): { Action: unknown; Resource: unknown }[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Resource>);
  const inline = Object.values(template.findResources('AWS::IAM::Role') as Record<string, Resource>).flatMap(
    (role) => (role.Properties.Policies ?? []) as { PolicyDocument: unknown }[],
  );
  return [...policies.map((p) => p.Properties), ...inline].flatMap(
    (p) => (p.PolicyDocument as { Statement: { Action: unknown; Resource: unknown }[] }).Statement,
  );
}

type AlarmQuery = {
  Id: string;
  Expression?: string;
  ReturnData?: boolean;
  MetricStat?: {
    Stat: string;
    Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] };
  };
};
type Alarm = {
  id: string;
  Properties: Record<string, unknown> & {
    Metrics?: AlarmQuery[];
    AlarmActions?: unknown[];
    OKActions?: unknown[];
  };
};

/** The alarms, by the name of the construct that made them (`SignInSuccessRate`, …). */
function alarmsOf(template: Template): Record<string, Alarm> {
  return Object.fromEntries(
    Object.entries(template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>).map(
      ([id, alarm]) => [id.replace(/^PasskeysMonitoring/, '').replace(/[0-9A-F]{8}$/, ''), { id, ...alarm }],
    ),
  );
}

/** The dashboard's body as text, with CloudFormation references spelled out. */
function dashboardBody(template: Template): string {
  const dashboards = Object.values(
    template.findResources('AWS::CloudWatch::Dashboard') as Record<string, Resource>,
  );
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]!.Properties.DashboardBody as { 'Fn::Join': [string, unknown[]] } | string;
  return typeof body === 'string'
    ? body
    : body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
}

/** The values of one dimension over the metrics an alarm reads. */
function dimensionValues(alarm: Alarm, metricName: string, dimension: string): unknown[] {
  return (alarm.Properties.Metrics ?? [])
    .filter((q) => q.MetricStat?.Metric.MetricName === metricName)
    .map((q) => q.MetricStat!.Metric.Dimensions.find((d) => d.Name === dimension)?.Value);
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

  it('gives create-auth-challenge no permission beyond its logs', () => {
    const statements = policyStatementsOf(
      template,
      functionFor(template, 'create-auth-challenge').resource,
    ) as {
      Action: unknown;
    }[];
    expect(statements.map((s) => s.Action)).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents']]);
  });

  it('lets define-auth-challenge read the passkey mode and nothing else beyond its logs', () => {
    expect(HANDLER_DEFINITIONS['define-auth-challenge'].readsPasskeyMode).toBe(true);
    const statements = policyStatementsOf(template, functionFor(template, 'define-auth-challenge').resource);
    expect(statements).toEqual([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
      {
        Action: 'ssm:GetParameter',
        Effect: 'Allow',
        Resource: PARAMETER_ARN('cognito-passkeys/passkey-mode'),
      },
    ]);
  });

  it('lets no function but those the definition names read the passkey mode', () => {
    for (const handler of HANDLERS) {
      const statements = JSON.stringify(
        policyStatementsOf(template, functionFor(template, handler).resource),
      );
      expect(statements.includes('passkey-mode')).toBe(HANDLER_DEFINITIONS[handler].readsPasskeyMode);
    }
    // Nor anyone else: the only statements naming the parameter are the readers'.
    const naming = allStatements(template).filter((s) => JSON.stringify(s.Resource).includes('passkey-mode'));
    expect(naming).toHaveLength(HANDLERS.filter((h) => HANDLER_DEFINITIONS[h].readsPasskeyMode).length);
  });

  it('creates the passkey mode parameter with the first mode and a pattern that admits only the modes', () => {
    template.resourceCountIs('AWS::SSM::Parameter', 1);
    const [parameter] = Object.values(
      template.findResources('AWS::SSM::Parameter') as Record<string, Resource>,
    );
    expect(parameter?.Properties).toMatchObject({
      Name: PARAMETERS.passkeyMode,
      Type: 'String',
      Value: DEFAULT_PASSKEY_MODE,
      Tier: 'Standard',
    });
    // SSM refuses a PutParameter whose value does not match: the pattern, as SSM (a Java regex) and
    // JavaScript read it alike for this one.
    const pattern = new RegExp(parameter?.Properties.AllowedPattern as string);
    for (const mode of PASSKEY_MODES) expect(pattern.test(mode)).toBe(true);
    for (const value of ['', 'ON', 'on ', ' off', 'of', 'onn', 'login', 'off\non', 'on|off', 'disabled'])
      expect(pattern.test(value)).toBe(false);
  });

  it('gives define-auth-challenge the parameter name and its cache time', () => {
    const env = (
      functionFor(template, 'define-auth-challenge').resource.Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(env).toEqual({
      [ENV.maxPasskeyAttempts]: String(ENV_DEFAULTS[ENV.maxPasskeyAttempts]),
      [ENV.passkeyModeParameter]: PARAMETERS.passkeyMode,
      [ENV.passkeyModeCacheSeconds]: String(ENV_DEFAULTS[ENV.passkeyModeCacheSeconds]),
    });
  });

  it('gives the pool the per-user block attribute, which users may read but not write', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        {
          Name: PASSKEYS_BLOCKED_ATTRIBUTE.name,
          AttributeDataType: 'String',
          Mutable: true,
          StringAttributeConstraints: { MaxLength: String(PASSKEYS_BLOCKED_ATTRIBUTE.maxLength) },
        },
      ]),
    });
    const client = only(template, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties.WriteAttributes).toEqual([...APP_CLIENT.writeAttributes]);
    expect(client.Properties.WriteAttributes).not.toContain(PASSKEYS_BLOCKED_ATTRIBUTE.attribute);
    expect(client.Properties.ReadAttributes).toEqual(
      expect.arrayContaining([PASSKEYS_BLOCKED_ATTRIBUTE.attribute, 'email', 'email_verified']),
    );
  });

  it('builds a dashboard over every metric the triggers emit, by outcome and by reason', () => {
    const body = dashboardBody(template);
    expect(body).toContain(`"${METRICS.namespace}"`);
    for (const name of Object.values(METRICS.names)) expect(body).toContain(`"${name}"`);
    // One line per outcome and per reason, with the service dimension.
    for (const outcome of METRICS.failureOutcomes)
      expect(body).toContain(
        `"${METRICS.names.signInFailed}","${METRICS.dimensions.outcome}","${outcome}","${METRICS.dimensions.service}","${METRICS.service}"`,
      );
    for (const reason of METRICS.backendErrorReasons)
      expect(body).toContain(
        `"${METRICS.names.backendApiErrors}","${METRICS.dimensions.reason}","${reason}","${METRICS.dimensions.service}","${METRICS.service}"`,
      );
    // The ratios as metric math, the p99 with Cognito's budget drawn in, the functions' own metrics.
    expect(body).toContain('"expression":"100 * ok / (ok + failed)"');
    expect(body).toContain('"expression":"100 * errors / total"');
    expect(body).toMatch(
      /"PasskeyVerifyLatency","service","cognito-passkeys",\{"label":"p99","stat":"p99"\}/,
    );
    expect(body).toContain(
      `{"value":${TIME_BUDGET.cognitoTriggerTimeoutMs},"label":"Cognito's 5 s trigger budget"`,
    );
    for (const name of ['Errors', 'Throttles', 'Duration']) expect(body).toContain(`"AWS/Lambda","${name}"`);
    for (const handler of HANDLERS)
      expect(body).toContain(`"ColdStart","function_name","{"Ref":"${functionFor(template, handler).id}"}"`);
  });

  it('alarms on the success rate of enough answers, latency, Backend API errors and Lambda errors', () => {
    const alarms = alarmsOf(template);
    expect(Object.keys(alarms).sort()).toEqual(
      ['BackendErrorRate', 'SignInSuccessRate', 'TriggerErrors', 'VerifyLatency'].sort(),
    );
    for (const alarm of Object.values(alarms)) {
      // A quiet pool is not a failing one; and CloudWatch's hard limit on metrics per alarm.
      expect(alarm.Properties.TreatMissingData).toBe('notBreaching');
      const metrics = (alarm.Properties.Metrics ?? []).filter((q) => q.MetricStat);
      expect(metrics.length).toBeLessThanOrEqual(MAX_ALARM_METRICS);
      // No action without a topic.
      expect(alarm.Properties.AlarmActions).toBeUndefined();
    }

    const success = alarms.SignInSuccessRate!;
    expect(success.Properties).toMatchObject({ ComparisonOperator: 'LessThanThreshold', Threshold: 90 });
    const returned = success.Properties.Metrics!.find((q) => q.ReturnData !== false)!;
    expect(returned.Expression).toBe('IF(ok + failed >= 10, 100 * ok / (ok + failed), 100)');
    expect(dimensionValues(success, METRICS.names.signInSucceeded, 'service')).toEqual([METRICS.service]);
    expect(dimensionValues(success, METRICS.names.signInFailed, 'outcome')).toEqual([
      ...SUCCESS_RATE_OUTCOMES,
    ]);
    // Every outcome is either a failed answer or a refusal on purpose, and the blocks are the latter.
    expect([...SUCCESS_RATE_OUTCOMES, ...OUTCOMES_OUTSIDE_SUCCESS_RATE].sort()).toEqual(
      [...METRICS.failureOutcomes].sort(),
    );
    expect(SUCCESS_RATE_OUTCOMES).not.toContain('user_blocked');
    expect(SUCCESS_RATE_OUTCOMES).not.toContain('passkeys_disabled');

    const latency = alarms.VerifyLatency!.Properties;
    expect(latency).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 0.8 * TIME_BUDGET.verifyHandlerTimeoutMs,
    });
    expect(latency.Metrics?.map((q) => [q.MetricStat?.Metric.MetricName, q.MetricStat?.Stat])).toEqual([
      [METRICS.names.verifyLatency, 'p99'],
    ]);

    const backend = alarms.BackendErrorRate!;
    expect(backend.Properties).toMatchObject({
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 5,
    });
    expect(backend.Properties.Metrics!.find((q) => q.ReturnData !== false)!.Expression).toBe(
      'IF(total >= 10, 100 * errors / total, 0)',
    );
    expect(dimensionValues(backend, METRICS.names.backendApiErrors, 'reason')).toEqual([
      ...METRICS.backendErrorReasons,
    ]);
    expect(dimensionValues(backend, METRICS.names.backendApiCalls, 'service')).toEqual([METRICS.service]);

    const lambdaErrors = alarms.TriggerErrors!;
    expect(lambdaErrors.Properties).toMatchObject({ Threshold: 1, EvaluationPeriods: 1 });
    const watched = (lambdaErrors.Properties.Metrics ?? [])
      .filter((q) => q.MetricStat)
      .map(
        (q) =>
          `${q.MetricStat!.Metric.MetricName} ${JSON.stringify(q.MetricStat!.Metric.Dimensions[0]!.Value)}`,
      )
      .sort();
    expect(watched).toEqual(
      HANDLERS.flatMap((h) =>
        ['Errors', 'Throttles'].map((m) => `${m} {"Ref":"${functionFor(template, h).id}"}`),
      ).sort(),
    );
  });

  it('grants no wildcard action or resource anywhere', () => {
    const statements = allStatements(template);
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
    expect(outputValue(template, 'PasskeyModeParameterName')).toBe(PARAMETERS.passkeyMode);
    const [dashboardId] = Object.keys(template.findResources('AWS::CloudWatch::Dashboard'));
    expect(outputValue(template, 'DashboardName')).toEqual({ Ref: dashboardId });
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

    // The kill switch and the monitoring come with an existing pool too; the client writes only what the
    // definition names, and reads Cognito's default (every attribute): naming the block attribute would
    // fail until the CLI's `attach` has added it to the pool.
    template.resourcePropertiesCountIs('AWS::SSM::Parameter', { Name: PARAMETERS.passkeyMode }, 1);
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const client = only(template, 'AWS::Cognito::UserPoolClient');
    expect(client.Properties.WriteAttributes).toEqual([...APP_CLIENT.writeAttributes]);
    expect(client.Properties).not.toHaveProperty('ReadAttributes');
  });

  it('creates no dashboard, no alarm and no dashboard output with monitoring off, and keeps the kill switch', () => {
    const { template, report } = synth({ passkeys: { corbadoProjectId: 'pro-1', monitoring: false } });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(outputNames(template).filter((o) => o.includes('Dashboard'))).toEqual([]);
    template.resourcePropertiesCountIs('AWS::SSM::Parameter', { Name: PARAMETERS.passkeyMode }, 1);
    expect(report.pluginReports[0]?.violations).toEqual([]);
  });

  it('names its own parameter, grants readers, reports alarms to a topic and takes its own thresholds', async () => {
    const { Stack } = await import('aws-cdk-lib');
    const app = new App();
    const env = { account: '123456789012', region: 'eu-central-1' };
    const web = new Stack(app, 'Web', { env });
    const server = new Role(web, 'Server', { assumedBy: new ServicePrincipal('ecs-tasks.amazonaws.com') });
    const later = new Role(web, 'Later', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    const topic = new Topic(web, 'Alarms', { enforceSSL: true });
    const name = '/my-app/passkeys/mode';
    const stack = new CorbadoPasskeysStack(app, 'Own', {
      env,
      passkeys: {
        corbadoProjectId: 'pro-1',
        sesEmail: { fromEmail: 'a@example.com' },
        corbadoActionsPrincipal: CORBADO_ACCOUNT,
        passkeyModeParameterName: name,
        passkeyModeCacheTtl: Duration.seconds(30),
        passkeyModeReaders: [server],
        monitoring: {
          alarmTopic: topic,
          dashboardName: 'my-passkeys',
          successRateThresholdPercent: 95,
          minimumSignInAnswers: 50,
          verifyLatencyP99ThresholdMs: 2500,
          backendErrorRateThresholdPercent: 2,
          minimumBackendCalls: 20,
          triggerErrorThreshold: 3,
          evaluationPeriods: 5,
          datapointsToAlarm: 3,
        },
      },
    });
    stack.passkeys.grantPasskeyModeRead(later);
    const template = Template.fromStack(stack);

    template.hasResourceProperties('AWS::SSM::Parameter', { Name: name, Value: DEFAULT_PASSKEY_MODE });
    const defineFn = functionFor(template, 'define-auth-challenge').resource;
    expect(
      (defineFn.Properties.Environment as { Variables: Record<string, string> }).Variables,
    ).toMatchObject({
      [ENV.passkeyModeParameter]: name,
      [ENV.passkeyModeCacheSeconds]: '30',
    });
    const modeRead = {
      Action: 'ssm:GetParameter',
      Effect: 'Allow',
      Resource: PARAMETER_ARN('my-app/passkeys/mode'),
    };
    expect(policyStatementsOf(template, defineFn)).toContainEqual(modeRead);
    expect(outputValue(template, 'PasskeyModeParameterName')).toBe(name);

    // The readers' roles: that one action on that one parameter.
    const webTemplate = Template.fromStack(web);
    for (const role of [server, later]) {
      const roleId = web.getLogicalId(role.node.defaultChild as CfnElement);
      const statements = Object.values(
        webTemplate.findResources('AWS::IAM::Policy') as Record<string, Resource>,
      )
        .filter((policy) => JSON.stringify(policy.Properties.Roles).includes(roleId))
        .flatMap((policy) => (policy.Properties.PolicyDocument as { Statement: unknown[] }).Statement);
      expect(statements).toEqual([modeRead]);
    }

    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'my-passkeys' });
    const alarms = alarmsOf(template);
    expect(Object.keys(alarms)).toHaveLength(4);
    for (const alarm of Object.values(alarms)) {
      // The topic on alarm and on recovery.
      expect(JSON.stringify(alarm.Properties.AlarmActions)).toMatch(
        /^\[\{"Fn::ImportValue":"Web:[^"]*Alarms[^"]*"\}\]$/,
      );
      expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
    }
    expect(alarms.SignInSuccessRate!.Properties).toMatchObject({
      Threshold: 95,
      EvaluationPeriods: 5,
      DatapointsToAlarm: 3,
    });
    expect(
      alarms.SignInSuccessRate!.Properties.Metrics!.find((q) => q.ReturnData !== false)!.Expression,
    ).toContain('ok + failed >= 50');
    expect(alarms.VerifyLatency!.Properties.Threshold).toBe(2500);
    expect(alarms.BackendErrorRate!.Properties.Threshold).toBe(2);
    expect(
      alarms.BackendErrorRate!.Properties.Metrics!.find((q) => q.ReturnData !== false)!.Expression,
    ).toContain('total >= 20');
    expect(alarms.TriggerErrors!.Properties.Threshold).toBe(3);
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
        ['a parameter name with a space', 'my mode'],
        ['a parameter name with a double slash', '/a//b'],
        ['a parameter name under /aws', '/aws/mode'],
        ['a parameter name beginning with ssm', 'ssm-mode'],
        ['a parameter name past 1011 characters', `/${'a'.repeat(1011)}`],
        ['a parameter name that is a token', Lazy.string({ produce: () => '/mode' })],
      ] as const
    ).map(([name, value]) => [name, { passkeyModeParameterName: value }, 'invalid_parameter_name'] as const),
    ...(
      [
        ['a success rate of 0%', { successRateThresholdPercent: 0 }],
        ['a success rate above 100%', { successRateThresholdPercent: 101 }],
        ['a Backend API error rate that is not a number', { backendErrorRateThresholdPercent: Number.NaN }],
        ['no minimum of answers', { minimumSignInAnswers: 0 }],
        ['a fractional minimum of calls', { minimumBackendCalls: 1.5 }],
        ['a negative trigger error threshold', { triggerErrorThreshold: -1 }],
        ['more data points than periods', { evaluationPeriods: 2, datapointsToAlarm: 3 }],
        ["a latency threshold past Cognito's budget", { verifyLatencyP99ThresholdMs: 6000 }],
        ['a latency threshold of 0', { verifyLatencyP99ThresholdMs: 0 }],
        ['a dashboard name with a space', { dashboardName: 'my dashboard' }],
      ] as const
    ).map(([name, monitoring]) => [name, { monitoring }, 'invalid_monitoring'] as const),
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
