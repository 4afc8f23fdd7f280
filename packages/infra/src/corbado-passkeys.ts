import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { ENV, type EnvKey } from '@cognito-passkeys/cognito-triggers/config';
import {
  ENV_DEFAULTS,
  HANDLER_ENV,
  type HandlerName,
  type PostAppendMfaMethod,
} from '@cognito-passkeys/cognito-triggers/config/env';
import { Arn, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Where the handler sources live: `packages/cognito-triggers/src/handlers/<name>.ts`. */
const TRIGGERS_PACKAGE = dirname(
  dirname(fileURLToPath(import.meta.resolve('@cognito-passkeys/cognito-triggers'))),
);
/** The monorepo root: its package-lock.json pins what esbuild bundles. */
const REPO_ROOT = join(TRIGGERS_PACKAGE, '..', '..');

export interface CorbadoPasskeysProps {
  /**
   * An existing user pool to add passkeys to. CloudFormation cannot attach triggers to a pool it does not
   * own: the trigger ARNs are output, and README's deploy section gives the `update-user-pool` step.
   * @default a new pool with email as the username, self sign-up and email verification
   */
  readonly existingUserPool?: cognito.IUserPool;
  /**
   * SES sender for the new pool's mail; email MFA (what post-append turns on by default) needs it.
   * Ignored with `existingUserPool`.
   * @default Cognito's own mailer, and no email MFA
   */
  readonly sesEmail?: { readonly fromEmail: string; readonly fromName?: string; readonly sesRegion?: string };
  /** Corbado project ID (`pro-…`). */
  readonly corbadoProjectId: string;
  /**
   * Base URL of Corbado's Backend API.
   * @default 'https://backendapi.cloud.corbado.io'
   */
  readonly corbadoBackendApiUrl?: string;
  /**
   * Name of the SSM SecureString parameter holding the Corbado API secret (create it before deploying).
   * @default '/cognito-passkeys/corbado-api-secret'
   */
  readonly corbadoApiSecretParameterName?: string;
  /**
   * Name of the SSM SecureString parameter holding the shared secret of the Corbado actions.
   * @default '/cognito-passkeys/action-secret'
   */
  readonly actionSecretParameterName?: string;
  /**
   * A customer-managed KMS key the SecureStrings are encrypted with; the functions may decrypt with it
   * only through SSM. The AWS-managed `aws/ssm` key needs no grant (its key policy allows use through SSM).
   * @default the AWS-managed key `aws/ssm`
   */
  readonly parameterKey?: kms.IKey;
  /**
   * The MFA method post-append enables for a user with none.
   * @default 'EMAIL_OTP' when the pool can send email MFA (`sesEmail`, or an existing pool), else 'NONE'
   */
  readonly postAppendMfaMethod?: PostAppendMfaMethod;
  /**
   * Passkey answers one sign-in may try before it fails.
   * @default 3
   */
  readonly maxPasskeyAttempts?: number;
  /**
   * Timeout of the call to Corbado's Backend API, in ms (must end well inside the trigger timeout).
   * @default 3000
   */
  readonly corbadoTimeoutMs?: number;
  /**
   * How long the functions cache a secret read from SSM.
   * @default Duration.minutes(5)
   */
  readonly secretCacheTtl?: Duration;
  /**
   * Retention of the functions' log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * Passkey sign-in for a Cognito user pool with Corbado Connect: the three custom-auth triggers, an app
 * client for CUSTOM_AUTH + SRP, and the pre-login / post-append actions behind Function URLs, each with
 * least-privilege IAM and its environment written from the handlers' own contract.
 */
export class CorbadoPasskeys extends Construct {
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly functions: Record<HandlerName, NodejsFunction>;
  readonly preLoginUrl: lambda.FunctionUrl;
  readonly postAppendUrl: lambda.FunctionUrl;

  constructor(scope: Construct, id: string, props: CorbadoPasskeysProps) {
    super(scope, id);
    const stack = Stack.of(this);

    const corbadoApiSecretParameterName =
      props.corbadoApiSecretParameterName ?? '/cognito-passkeys/corbado-api-secret';
    const actionSecretParameterName = props.actionSecretParameterName ?? '/cognito-passkeys/action-secret';
    const canSendEmailMfa = props.existingUserPool !== undefined || props.sesEmail !== undefined;
    const postAppendMfaMethod = props.postAppendMfaMethod ?? (canSendEmailMfa ? 'EMAIL_OTP' : 'NONE');
    if (postAppendMfaMethod === 'EMAIL_OTP' && !canSendEmailMfa) {
      throw new Error(
        'CorbadoPasskeys: postAppendMfaMethod EMAIL_OTP needs sesEmail (Cognito sends email MFA through SES)',
      );
    }

    const ownPool = props.existingUserPool === undefined ? this.createUserPool(props.sesEmail) : undefined;
    this.userPool = ownPool ?? props.existingUserPool!;

    // One contract: every value keyed by the handlers' own ENV names; each function gets exactly the keys
    // HANDLER_ENV says it reads.
    const values: Record<EnvKey, string> = {
      [ENV.corbadoProjectId]: props.corbadoProjectId,
      [ENV.corbadoBackendApiUrl]: props.corbadoBackendApiUrl ?? 'https://backendapi.cloud.corbado.io',
      [ENV.corbadoApiSecretParameter]: corbadoApiSecretParameterName,
      [ENV.corbadoTimeoutMs]: String(props.corbadoTimeoutMs ?? Number(ENV_DEFAULTS[ENV.corbadoTimeoutMs])),
      [ENV.maxPasskeyAttempts]: String(
        props.maxPasskeyAttempts ?? Number(ENV_DEFAULTS[ENV.maxPasskeyAttempts]),
      ),
      [ENV.actionSecretParameter]: actionSecretParameterName,
      [ENV.userPoolId]: this.userPool.userPoolId,
      [ENV.postAppendMfaMethod]: postAppendMfaMethod,
      [ENV.secretCacheSeconds]: String(
        props.secretCacheTtl?.toSeconds() ?? Number(ENV_DEFAULTS[ENV.secretCacheSeconds]),
      ),
    };
    const environmentFor = (handler: HandlerName) =>
      Object.fromEntries(HANDLER_ENV[handler].map((key) => [key, values[key]]));

    const fn = (handler: HandlerName, timeout: Duration) =>
      this.createFunction(
        handler,
        environmentFor(handler),
        timeout,
        props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      );

    // Cognito waits 5 s for a trigger; these end before it.
    this.functions = {
      'define-auth-challenge': fn('define-auth-challenge', Duration.seconds(3)),
      'create-auth-challenge': fn('create-auth-challenge', Duration.seconds(3)),
      'verify-auth-challenge-response': fn('verify-auth-challenge-response', Duration.seconds(4)),
      'pre-login': fn('pre-login', Duration.seconds(5)),
      'post-append': fn('post-append', Duration.seconds(5)),
    };

    this.grantParameterRead(
      this.functions['verify-auth-challenge-response'],
      corbadoApiSecretParameterName,
      props.parameterKey,
    );
    for (const action of ['pre-login', 'post-append'] as const) {
      this.grantParameterRead(this.functions[action], actionSecretParameterName, props.parameterKey);
    }
    const poolActions: Record<'pre-login' | 'post-append', string[]> = {
      'pre-login': ['cognito-idp:AdminGetUser', 'cognito-idp:ListUsers'],
      'post-append': ['cognito-idp:AdminGetUser', 'cognito-idp:AdminSetUserMFAPreference'],
    };
    for (const [action, actions] of Object.entries(poolActions) as [keyof typeof poolActions, string[]][]) {
      this.functions[action].addToRolePolicy(
        new iam.PolicyStatement({ actions, resources: [this.userPool.userPoolArn] }),
      );
    }

    const triggers = {
      'define-auth-challenge': cognito.UserPoolOperation.DEFINE_AUTH_CHALLENGE,
      'create-auth-challenge': cognito.UserPoolOperation.CREATE_AUTH_CHALLENGE,
      'verify-auth-challenge-response': cognito.UserPoolOperation.VERIFY_AUTH_CHALLENGE_RESPONSE,
    } as const;
    for (const [handler, operation] of Object.entries(triggers) as [
      keyof typeof triggers,
      cognito.UserPoolOperation,
    ][]) {
      if (ownPool) {
        ownPool.addTrigger(operation, this.functions[handler]);
      } else {
        this.functions[handler].addPermission('CognitoInvoke', {
          principal: new iam.ServicePrincipal('cognito-idp.amazonaws.com'),
          sourceArn: this.userPool.userPoolArn,
        });
        new CfnOutput(this, `${operation.operationName}Arn`, { value: this.functions[handler].functionArn });
      }
    }

    this.userPoolClient = new cognito.UserPoolClient(this, 'AppClient', {
      userPool: this.userPool,
      generateSecret: false,
      // Passkey sign-in (CUSTOM_AUTH) beside Amplify's default password sign-in (SRP); refresh is always on.
      authFlows: { custom: true, userSrp: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      authSessionValidity: Duration.minutes(3),
    });

    // The actions are called by Corbado over the internet: no IAM auth is possible there, so the Function
    // URLs are public and every request must carry the shared bearer secret (checked in constant time).
    this.preLoginUrl = this.functions['pre-login'].addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
    });
    this.postAppendUrl = this.functions['post-append'].addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
    });

    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'Region', { value: stack.region });
    new CfnOutput(this, 'PreLoginActionUrl', { value: this.preLoginUrl.url });
    new CfnOutput(this, 'PostAppendActionUrl', { value: this.postAppendUrl.url });
  }

  private createUserPool(sesEmail: CorbadoPasskeysProps['sesEmail']): cognito.UserPool {
    const pool = new cognito.UserPool(this, 'UserPool', {
      signInAliases: { email: true },
      signInCaseSensitive: false,
      selfSignUpEnabled: true,
      autoVerify: { email: true },
      keepOriginal: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
      },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true, email: sesEmail !== undefined },
      ...(sesEmail === undefined
        ? {}
        : {
            email: cognito.UserPoolEmail.withSES({
              fromEmail: sesEmail.fromEmail,
              ...(sesEmail.fromName === undefined ? {} : { fromName: sesEmail.fromName }),
              ...(sesEmail.sesRegion === undefined ? {} : { sesRegion: sesEmail.sesRegion }),
            }),
            featurePlan: cognito.FeaturePlan.ESSENTIALS,
          }),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const acknowledgement of [
      {
        id: 'AwsSolutions::AwsSolutions-COG2',
        reason:
          'MFA is optional by design: passkey users sign in with a phishing-resistant factor, and post-append turns MFA on for their password sign-ins.',
      },
      {
        id: 'AwsSolutions::AwsSolutions-COG8',
        reason:
          'The Plus feature plan (threat protection) is a cost decision left to the adopting team; passkeys need none of it.',
      },
    ]) {
      Validations.of(pool).acknowledge(acknowledgement);
    }
    return pool;
  }

  private createFunction(
    handler: HandlerName,
    environment: Record<string, string>,
    timeout: Duration,
    retention: logs.RetentionDays,
  ): NodejsFunction {
    const logGroup = new logs.LogGroup(this, `${handler}-logs`, {
      retention,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // An explicit role instead of the managed AWSLambdaBasicExecutionRole: logs to this group only.
    const role = new iam.Role(this, `${handler}-role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Runs the ${handler} function`,
    });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    const fn = new NodejsFunction(this, handler, {
      entry: join(TRIGGERS_PACKAGE, 'src', 'handlers', `${handler}.ts`),
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout,
      role,
      logGroup,
      environment,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        format: OutputFormat.ESM,
        minify: true,
        sourceMap: false,
        target: 'node22',
        mainFields: ['module', 'main'],
        // ESM bundles may hold CommonJS dependencies that call require().
        banner:
          "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    Validations.of(fn).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose: it is the runtime the handlers are built and tested for; raise it together with the tests.',
    });
    return fn;
  }

  /** `ssm:GetParameter` on exactly one parameter, and `kms:Decrypt` through SSM when a customer key is used. */
  private grantParameterRead(fn: NodejsFunction, parameterName: string, key: kms.IKey | undefined): void {
    const stack = Stack.of(this);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ssm:GetParameter'],
        resources: [
          Arn.format(
            { service: 'ssm', resource: 'parameter', resourceName: parameterName.replace(/^\//, '') },
            stack,
          ),
        ],
      }),
    );
    if (key) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `ssm.${stack.region}.amazonaws.com` } },
        }),
      );
    }
  }
}
