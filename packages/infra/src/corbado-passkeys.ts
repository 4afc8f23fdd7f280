import { join } from 'node:path';

import { ENV, type EnvKey } from '@cognito-passkeys/cognito-triggers/config';
import { ENV_DEFAULTS, HANDLER_ENV, type HandlerName } from '@cognito-passkeys/cognito-triggers/config/env';
import { ACTION_ENV } from '@cognito-passkeys/corbado-actions/contract';
import {
  ACTION_ROLE_ACTIONS,
  ACTION_ROLE_MAX_SESSION_SECONDS,
} from '@cognito-passkeys/corbado-actions/role-policy';
import {
  Annotations,
  Arn,
  Aws,
  CfnOutput,
  Duration,
  Fn,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
} from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

import { TRIGGER_BUNDLING, TRIGGERS_PACKAGE, triggerEntry } from './bundling';
import { CorbadoPasskeysConfigError } from './errors';

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
   * SES sender for the new pool's mail; email MFA (what the post-append action turns on by default) needs
   * it. Ignored with `existingUserPool`.
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
   * Create the cross-account role Corbado's pre-login and post-append actions assume to reach the pool.
   * Turn it off only if Corbado runs no actions for this pool (or you manage that role yourself).
   * @default true
   */
  readonly enableActions?: boolean;
  /**
   * The AWS principal Corbado runs its actions as, copied from Corbado's console: an account ID
   * (`123456789012`) or an IAM role or user ARN. Corbado's public material does not name it, so it is
   * configuration. Required when `enableActions` is on.
   * @default none: synthesis fails with `missing_actions_principal` while actions are on
   */
  readonly corbadoActionsPrincipal?: string;
  /**
   * The external ID the role's trust policy requires (`sts:ExternalId`), set as the actions'
   * `EXTERNAL_ID` in Corbado's console. It keeps another Corbado project that learns the role ARN from
   * having its actions assume the role. 2–1224 characters of `[\w+=,.@:/-]`.
   * @default `cognito-passkeys-<UUID of this CloudFormation stack>`: stable for the stack's life, not
   *   derivable from the code, the account ID or the stack name (see README, "The external ID")
   */
  readonly actionsExternalId?: string;
  /**
   * A customer-managed KMS key the SecureStrings are encrypted with; the functions may decrypt with it
   * only through SSM. The AWS-managed `aws/ssm` key needs no grant (its key policy allows use through SSM).
   * @default the AWS-managed key `aws/ssm`
   */
  readonly parameterKey?: kms.IKey;
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
   * OAuth 2.0 (the hosted UI's authorization endpoint) for the app client. Passkey and password sign-in
   * use Cognito's API (CUSTOM_AUTH, SRP) and need none of it, so the client has OAuth off unless this is
   * set; CDK's own defaults (implicit and code grant, callback `https://example.com`) are never used.
   * @default none: `disableOAuth`, no grant, scope or callback URL
   */
  readonly oAuth?: CorbadoPasskeysOAuth;
  /**
   * Retention of the functions' log groups.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
}

/** The app client's OAuth settings, when it is to offer OAuth at all: every URL is named. */
export interface CorbadoPasskeysOAuth {
  /** Where Cognito may send the authorization code: `https://` URLs (or `http://localhost…`), at least one. */
  readonly callbackUrls: string[];
  /** Where Cognito may redirect after sign-out: the same rule, may be empty. */
  readonly logoutUrls: string[];
  /**
   * The grants the client allows; the implicit grant (tokens in the URL fragment) only when named. No
   * client-credentials grant: this client has no secret.
   * @default { authorizationCodeGrant: true }
   */
  readonly flows?: Pick<cognito.OAuthFlows, 'authorizationCodeGrant' | 'implicitCodeGrant'>;
  /**
   * The scopes the client may ask for.
   * @default [OPENID, EMAIL, PROFILE]
   */
  readonly scopes?: cognito.OAuthScope[];
}

/**
 * Passkey sign-in for a Cognito user pool with Corbado Connect: the three custom-auth triggers, an app
 * client for CUSTOM_AUTH + SRP, and the cross-account role Corbado's pre-login / post-append action
 * scripts assume, each with least-privilege IAM; the triggers' environment is written from their own
 * contract, the role's policy from the actions' own list.
 */
export class CorbadoPasskeys extends Construct {
  readonly userPool: cognito.IUserPool;
  readonly userPoolClient: cognito.UserPoolClient;
  readonly functions: Record<HandlerName, NodejsFunction>;
  /** The role Corbado's actions assume; undefined with `enableActions: false`. */
  readonly actionsRole: iam.Role | undefined;
  /** The external ID that role requires (a token when generated); undefined with `enableActions: false`. */
  readonly actionsExternalId: string | undefined;

  constructor(scope: Construct, id: string, props: CorbadoPasskeysProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // Prop mistakes fail first, before anything is bundled.
    const enableActions = props.enableActions ?? true;
    const actionsPrincipal = enableActions ? parseActionsPrincipal(props.corbadoActionsPrincipal) : undefined;
    if (props.actionsExternalId !== undefined) checkExternalId(props.actionsExternalId);
    const oAuth = props.oAuth === undefined ? undefined : parseOAuth(props.oAuth);

    const corbadoApiSecretParameterName =
      props.corbadoApiSecretParameterName ?? '/cognito-passkeys/corbado-api-secret';

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
    };

    this.grantParameterRead(
      this.functions['verify-auth-challenge-response'],
      corbadoApiSecretParameterName,
      props.parameterKey,
    );

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
      // Without `oAuth`, CDK would turn on the implicit and code grants with `https://example.com` as the
      // callback: an open authorization endpoint nobody configured.
      ...(oAuth ? { oAuth } : { disableOAuth: true }),
    });

    if (actionsPrincipal) {
      this.actionsExternalId = props.actionsExternalId ?? generatedExternalId();
      this.actionsRole = this.createActionsRole(actionsPrincipal, this.actionsExternalId);
      if (ownPool && props.sesEmail === undefined) {
        Annotations.of(this).addWarningV2(
          '@cognito-passkeys/infra:post-append-without-email-mfa',
          'The new pool offers no email MFA without sesEmail, so the post-append action cannot turn MFA on ' +
            'for new passkey users; pass sesEmail, or leave the post-append action out in Corbado.',
        );
      }
    }

    // Each description names where the value goes: the web app's environment, the actions' in Corbado.
    const action = (key: string) => (actionsPrincipal ? `Corbado action ${key}` : undefined);
    const goesTo = (...targets: (string | undefined)[]) => targets.filter(Boolean).join('; ');
    new CfnOutput(this, 'UserPoolId', {
      value: this.userPool.userPoolId,
      description: `The user pool (${goesTo('web app COGNITO_USER_POOL_ID', action(ACTION_ENV.userPoolId))})`,
    });
    new CfnOutput(this, 'UserPoolClientId', {
      value: this.userPoolClient.userPoolClientId,
      description: 'The app client (web app COGNITO_CLIENT_ID)',
    });
    new CfnOutput(this, 'Region', {
      value: stack.region,
      description: `The pool's region${actionsPrincipal ? ` (${action(ACTION_ENV.region)})` : ''}`,
    });
    if (this.actionsRole && this.actionsExternalId !== undefined) {
      new CfnOutput(this, 'ActionsRoleArn', {
        value: this.actionsRole.roleArn,
        description: `The role Corbado's actions assume (Corbado action ${ACTION_ENV.assumeRoleArn})`,
      });
      new CfnOutput(this, 'ActionsExternalId', {
        value: this.actionsExternalId,
        description: `The external ID that role requires (Corbado action ${ACTION_ENV.externalId})`,
      });
    }
  }

  /**
   * The cross-account role of Corbado's action scripts (spec: corbado-connect.md §1.4b): trusted by the
   * principal Corbado runs them as, only with the external ID, allowed exactly the Cognito calls the
   * scripts make, on this pool only, for at most the session length the scripts ask for.
   */
  private createActionsRole(principal: iam.IPrincipal, externalId: string): iam.Role {
    return new iam.Role(this, 'ActionsRole', {
      assumedBy: principal,
      externalIds: [externalId],
      maxSessionDuration: Duration.seconds(ACTION_ROLE_MAX_SESSION_SECONDS),
      description: "Assumed by Corbado Connect's pre-login and post-append actions to read one user pool",
      inlinePolicies: {
        CognitoUserPool: new iam.PolicyDocument({
          statements: [
            new iam.PolicyStatement({
              actions: [...ACTION_ROLE_ACTIONS],
              resources: [this.userPool.userPoolArn],
            }),
          ],
        }),
      },
    });
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
      entry: triggerEntry(handler),
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
      bundling: TRIGGER_BUNDLING,
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

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_OR_USER_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
// STS AssumeRole: ExternalId is 2–1224 characters of [\w+=,.@:/-] (API reference, AssumeRole).
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** The principal Corbado's actions run as: an account (its root, so its admins decide who) or one role or user. */
function parseActionsPrincipal(value: string | undefined): iam.IPrincipal {
  if (value === undefined || value.trim() === '') {
    throw new CorbadoPasskeysConfigError(
      'missing_actions_principal',
      'CorbadoPasskeys: corbadoActionsPrincipal is required while actions are enabled: the AWS account ID ' +
        "or IAM role ARN Corbado runs its actions as, from Corbado's console; or set enableActions: false",
    );
  }
  // A token (a CfnParameter, say) cannot be checked here; IAM accepts an account ID or an ARN as AWS principal.
  if (Token.isUnresolved(value)) return new iam.ArnPrincipal(value);
  const principal = value.trim();
  if (ACCOUNT_ID.test(principal)) return new iam.AccountPrincipal(principal);
  if (ROLE_OR_USER_ARN.test(principal)) return new iam.ArnPrincipal(principal);
  throw new CorbadoPasskeysConfigError(
    'invalid_actions_principal',
    'CorbadoPasskeys: corbadoActionsPrincipal must be a 12-digit AWS account ID or an IAM role or user ARN',
  );
}

function checkExternalId(value: string): void {
  if (!Token.isUnresolved(value) && !EXTERNAL_ID.test(value)) {
    throw new CorbadoPasskeysConfigError(
      'invalid_external_id',
      'CorbadoPasskeys: actionsExternalId must be 2–1224 characters of letters, digits and +=,.@:/-_',
    );
  }
}

/**
 * The UUID CloudFormation gave this stack when it was created (`arn:…:stack/<name>/<uuid>`): the same on
 * every deploy, new only if the stack is deleted and created again (with a new role ARN too). Nothing in
 * the code, the account ID or the stack name reveals it; anyone who may read the stack in the account can.
 */
function generatedExternalId(): string {
  return Fn.join('', ['cognito-passkeys-', Fn.select(2, Fn.split('/', Aws.STACK_ID))]);
}

/** An OAuth redirect target: HTTPS, or plain HTTP to this machine for development (as Cognito allows). */
function isRedirectUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash !== '') return false;
  return url.protocol === 'https:' || (url.protocol === 'http:' && url.hostname === 'localhost');
}

function parseOAuth(oAuth: CorbadoPasskeysOAuth): cognito.OAuthSettings {
  const fail = (message: string): never => {
    throw new CorbadoPasskeysConfigError('invalid_oauth', message);
  };
  const { callbackUrls, logoutUrls } = oAuth;
  if (!Array.isArray(callbackUrls) || callbackUrls.length === 0)
    fail('oAuth.callbackUrls must name at least one URL');
  if (!Array.isArray(logoutUrls)) fail('oAuth.logoutUrls must be a list (it may be empty)');
  for (const url of [...callbackUrls, ...logoutUrls])
    if (Token.isUnresolved(url) || !isRedirectUrl(url))
      fail(
        `oAuth URL ${JSON.stringify(url)} is not an https:// (or http://localhost) URL without a fragment`,
      );
  const flows = oAuth.flows ?? { authorizationCodeGrant: true };
  if ('clientCredentials' in flows && flows.clientCredentials)
    fail('oAuth.flows.clientCredentials needs a client secret, and this app client has none');
  if (!flows.authorizationCodeGrant && !flows.implicitCodeGrant) fail('oAuth.flows allows no grant');
  const scopes = oAuth.scopes ?? [
    cognito.OAuthScope.OPENID,
    cognito.OAuthScope.EMAIL,
    cognito.OAuthScope.PROFILE,
  ];
  if (scopes.length === 0) fail('oAuth.scopes is empty');
  return {
    callbackUrls,
    logoutUrls,
    flows: {
      authorizationCodeGrant: flows.authorizationCodeGrant ?? false,
      implicitCodeGrant: flows.implicitCodeGrant ?? false,
    },
    scopes,
  };
}
