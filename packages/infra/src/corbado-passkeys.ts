// The construct: the pool (or an existing one), the trigger functions wired into it, the app client, the
// actions role, the kill switch's parameter, the dashboard and alarms, and the outputs, each mapped from
// @cognito-passkeys/deployment (user-pool.ts, trigger-functions.ts, actions-role.ts, passkey-mode.ts,
// monitoring.ts); the props and their checks are in props.ts.
import { ACTION_ENV } from '@cognito-passkeys/corbado-actions/contract';
import {
  ENV,
  ENV_DEFAULTS,
  HANDLER_NAMES,
  HANDLERS,
  PARAMETERS,
  environmentFor,
  environmentValues,
  timeBudgetProblems,
  type HandlerName,
} from '@cognito-passkeys/deployment';
import { Annotations, CfnOutput, Stack } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';

import { createActionsRole } from './actions-role';
import { CorbadoPasskeysConfigError } from './errors';
import {
  checkExternalId,
  generatedExternalId,
  parseActionsPrincipal,
  parseOAuth,
  type CorbadoPasskeysProps,
} from './props';
import { createMonitoring, parseMonitoring, type PasskeysMonitoring } from './monitoring';
import { checkParameterName, createPasskeyModeParameter, grantParameterGet } from './passkey-mode';
import { createTriggerFunction, grantParameterRead } from './trigger-functions';
import { createAppClient, createUserPool } from './user-pool';

export type { CorbadoPasskeysOAuth, CorbadoPasskeysProps } from './props';
export type { CorbadoPasskeysMonitoring, PasskeysMonitoring } from './monitoring';

/** CDK's pool operation for each trigger of the definition. */
const OPERATIONS = {
  DefineAuthChallenge: cognito.UserPoolOperation.DEFINE_AUTH_CHALLENGE,
  CreateAuthChallenge: cognito.UserPoolOperation.CREATE_AUTH_CHALLENGE,
  VerifyAuthChallengeResponse: cognito.UserPoolOperation.VERIFY_AUTH_CHALLENGE_RESPONSE,
} as const;

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
  /** The passkey mode's SSM String parameter (the kill switch). */
  readonly passkeyModeParameter: ssm.StringParameter;
  /** The dashboard and alarms; undefined with `monitoring: false`. */
  readonly monitoring: PasskeysMonitoring | undefined;
  private readonly passkeyModeParameterName: string;

  constructor(scope: Construct, id: string, props: CorbadoPasskeysProps) {
    super(scope, id);
    const stack = Stack.of(this);

    // Prop mistakes fail first, before anything is bundled.
    const enableActions = props.enableActions ?? true;
    const actionsPrincipal = enableActions ? parseActionsPrincipal(props.corbadoActionsPrincipal) : undefined;
    if (props.actionsExternalId !== undefined) checkExternalId(props.actionsExternalId);
    const oAuth = props.oAuth === undefined ? undefined : parseOAuth(props.oAuth);
    const passkeyModeParameterName = props.passkeyModeParameterName ?? PARAMETERS.passkeyMode;
    checkParameterName(passkeyModeParameterName);
    const monitoring = props.monitoring ?? {};
    const figures = monitoring === false ? undefined : parseMonitoring(monitoring);

    const corbadoTimeoutMs = props.corbadoTimeoutMs ?? ENV_DEFAULTS[ENV.corbadoTimeoutMs];
    const budget = timeBudgetProblems({
      handlerTimeoutMs: HANDLERS['verify-auth-challenge-response'].timeoutSeconds * 1000,
      corbadoTimeoutMs,
    });
    if (budget.length > 0)
      throw new CorbadoPasskeysConfigError(
        'invalid_corbado_timeout',
        `CorbadoPasskeys: corbadoTimeoutMs breaks the verify trigger's time budget: ${budget.join('; ')}`,
      );

    const corbadoApiSecretParameterName = props.corbadoApiSecretParameterName ?? PARAMETERS.corbadoApiSecret;

    const ownPool = props.existingUserPool === undefined ? createUserPool(this, props.sesEmail) : undefined;
    this.userPool = ownPool ?? props.existingUserPool!;

    // One value per key of the handlers' contract; each function gets exactly the keys the definition
    // gives it.
    const values = environmentValues({
      corbadoProjectId: props.corbadoProjectId,
      ...(props.corbadoBackendApiUrl === undefined
        ? {}
        : { corbadoBackendApiUrl: props.corbadoBackendApiUrl }),
      corbadoApiSecretParameter: corbadoApiSecretParameterName,
      corbadoTimeoutMs,
      ...(props.maxPasskeyAttempts === undefined ? {} : { maxPasskeyAttempts: props.maxPasskeyAttempts }),
      ...(props.secretCacheTtl === undefined ? {} : { secretCacheSeconds: props.secretCacheTtl.toSeconds() }),
      passkeyModeParameter: passkeyModeParameterName,
      ...(props.passkeyModeCacheTtl === undefined
        ? {}
        : { passkeyModeCacheSeconds: props.passkeyModeCacheTtl.toSeconds() }),
    });
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    this.functions = Object.fromEntries(
      HANDLER_NAMES.map((handler) => [
        handler,
        createTriggerFunction(this, handler, environmentFor(handler, values), retention),
      ]),
    ) as Record<HandlerName, NodejsFunction>;

    // The kill switch, created with an existing pool too: the triggers read it wherever they run.
    this.passkeyModeParameterName = passkeyModeParameterName;
    this.passkeyModeParameter = createPasskeyModeParameter(this, passkeyModeParameterName);

    for (const handler of HANDLER_NAMES) {
      const fn = this.functions[handler];
      if (HANDLERS[handler].readsCorbadoApiSecret)
        grantParameterRead(fn, corbadoApiSecretParameterName, props.parameterKey);
      if (HANDLERS[handler].readsPasskeyMode) this.grantPasskeyModeRead(fn);
      const operation = OPERATIONS[HANDLERS[handler].trigger];
      if (ownPool) {
        ownPool.addTrigger(operation, fn);
      } else {
        fn.addPermission('CognitoInvoke', {
          principal: new iam.ServicePrincipal('cognito-idp.amazonaws.com'),
          sourceArn: this.userPool.userPoolArn,
        });
        new CfnOutput(this, `${operation.operationName}Arn`, { value: fn.functionArn });
      }
    }

    this.userPoolClient = createAppClient(this, this.userPool, oAuth, ownPool !== undefined);
    for (const reader of props.passkeyModeReaders ?? []) this.grantPasskeyModeRead(reader);

    this.monitoring =
      monitoring === false || figures === undefined
        ? undefined
        : createMonitoring(this, {
            functions: this.functions,
            passkeyModeParameterName,
            monitoring,
            figures,
          });

    if (actionsPrincipal) {
      this.actionsExternalId = props.actionsExternalId ?? generatedExternalId();
      this.actionsRole = createActionsRole(this, this.userPool, actionsPrincipal, this.actionsExternalId);
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
    new CfnOutput(this, 'PasskeyModeParameterName', {
      value: passkeyModeParameterName,
      description: "The kill switch's SSM parameter (web app PASSKEY_MODE_PARAMETER)",
    });
    if (this.monitoring) {
      new CfnOutput(this, 'DashboardName', {
        value: this.monitoring.dashboard.dashboardName,
        description: 'The CloudWatch dashboard of passkey sign-in',
      });
    }
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

  /** Lets `grantee` (the web app's server role, say) read the passkey mode: `ssm:GetParameter` on that one parameter. */
  grantPasskeyModeRead(grantee: iam.IGrantable): iam.Grant {
    return grantParameterGet(this, grantee, this.passkeyModeParameterName);
  }
}
