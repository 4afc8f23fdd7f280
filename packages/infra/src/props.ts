// What a CDK app passes to the construct, and the checks that turn a mistake into a typed error at synth.
import { Aws, Fn, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Duration } from 'aws-cdk-lib';
import type * as logs from 'aws-cdk-lib/aws-logs';

import { CorbadoPasskeysConfigError } from './errors';
import type { CorbadoPasskeysMonitoring } from './monitoring';

export interface CorbadoPasskeysProps {
  /**
   * An existing user pool to add passkeys to. CloudFormation cannot attach triggers to a pool it does not
   * own: the trigger ARNs are output, and the admin CLI's `attach` wires them in and adds the per-user
   * block attribute (README, "Deploy").
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
   * @default 2500 (`ENV_DEFAULTS` of @cognito-passkeys/deployment); at most `MAX_CORBADO_TIMEOUT_MS`
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
  /**
   * Name of the SSM String parameter holding the passkey mode, the kill switch (`PASSKEY_MODES`: `on`,
   * `login-only`, `append-only`, `off`). The construct creates it with `on` and a pattern that admits only
   * the modes; define-auth-challenge may read it, and so may `passkeyModeReaders`. Flip it with
   * `aws ssm put-parameter --overwrite`; a later deploy leaves the flipped value alone.
   * @default '/cognito-passkeys/passkey-mode' (`PARAMETERS.passkeyMode`)
   */
  readonly passkeyModeParameterName?: string;
  /**
   * How long define-auth-challenge caches the passkey mode: how soon a flip takes effect.
   * @default Duration.seconds(10) (`ENV_DEFAULTS` of @cognito-passkeys/deployment)
   */
  readonly passkeyModeCacheTtl?: Duration;
  /**
   * Who else reads the passkey mode, typically the web app's server role: each gets `ssm:GetParameter`
   * on that one parameter (or call `grantPasskeyModeRead` later).
   * @default none
   */
  readonly passkeyModeReaders?: iam.IGrantable[];
  /**
   * The CloudWatch dashboard and alarms over the triggers' metrics; `false` creates neither.
   * @default on, with the defaults of `CorbadoPasskeysMonitoring` and no alarm action
   */
  readonly monitoring?: false | CorbadoPasskeysMonitoring;
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

const ACCOUNT_ID = /^\d{12}$/;
const ROLE_OR_USER_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
// STS AssumeRole: ExternalId is 2–1224 characters of [\w+=,.@:/-] (API reference, AssumeRole).
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** The principal Corbado's actions run as: an account (its root, so its admins decide who) or one role or user. */
export function parseActionsPrincipal(value: string | undefined): iam.IPrincipal {
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

export function checkExternalId(value: string): void {
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
export function generatedExternalId(): string {
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

export function parseOAuth(oAuth: CorbadoPasskeysOAuth): cognito.OAuthSettings {
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
