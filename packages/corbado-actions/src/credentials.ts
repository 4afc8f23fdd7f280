// Cognito access through the customer's cross-account role: STS AssumeRole with the external ID, the
// temporary credentials cached in module scope, and a Cognito client built from them. Corbado's guide
// assumes the role without an ExternalId; here it is required, because the role trusts a principal that
// Corbado shares between customers, and the external ID is what keeps another tenant's action from
// assuming this customer's role (the confused deputy, IAM User Guide "The confused deputy problem").
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';

import type { CommonConfig } from './config';
import { ActionError } from './errors';
import { ACTION_ROLE_MAX_SESSION_SECONDS, ACTION_ROLE_SESSION_NAME } from './role-policy';

/**
 * Every AWS call ends well inside an action's budget: one second to connect, two for the answer, one
 * retry (as the Cognito triggers do). No endpoint is set here: the SDK itself reads
 * `AWS_ENDPOINT_URL_STS` and `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`, which is how the local stack
 * points the actions at local-aws.
 */
export const AWS_CLIENT_CONFIG = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 },
};

/** Credentials are renewed this long before they expire, so none expires during a call. */
export const CREDENTIALS_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** Temporary credentials of the assumed role. */
export interface RoleCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export type CognitoClient = Pick<CognitoIdentityProviderClient, 'send'>;

/** Where credentials come from; `get()` answers cached ones while they are fresh. */
export interface CredentialSource {
  get(): Promise<RoleCredentials>;
}

export function createStsClient(region: string): STSClient {
  return new STSClient({ ...AWS_CLIENT_CONFIG, region });
}

/** STS refused (403: trust policy, external ID, the caller's own credentials) or could not answer. */
function stsFailure(cause: unknown): ActionError {
  const status = (cause as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata
    ?.httpStatusCode;
  const name = cause instanceof Error ? cause.name : '';
  if (status === 403 || name === 'AccessDenied' || name === 'AccessDeniedException') {
    return new ActionError('access_denied', 'STS refused to assume the role', { cause });
  }
  return new ActionError('role_unavailable', 'STS AssumeRole failed', { cause });
}

/**
 * The role's credentials, cached until five minutes before they expire. Callers that arrive while a
 * renewal is under way share it (one AssumeRole, not one per call); a failed AssumeRole is not cached, so
 * the next call tries again.
 */
export function assumeRoleCredentials(options: {
  sts: Pick<STSClient, 'send'>;
  roleArn: string;
  externalId: string;
  /** Milliseconds since the epoch; the clock the expiry is judged by. */
  now?: () => number;
}): CredentialSource {
  const { sts, roleArn, externalId, now = Date.now } = options;
  let cached: RoleCredentials | undefined;
  let pending: Promise<RoleCredentials> | undefined;

  async function assume(): Promise<RoleCredentials> {
    let answer;
    try {
      answer = await sts.send(
        new AssumeRoleCommand({
          RoleArn: roleArn,
          RoleSessionName: ACTION_ROLE_SESSION_NAME,
          DurationSeconds: ACTION_ROLE_MAX_SESSION_SECONDS,
          ExternalId: externalId,
        }),
      );
    } catch (error) {
      throw stsFailure(error);
    }
    const c = answer.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken || !(c.Expiration instanceof Date)) {
      throw new ActionError('role_unavailable', 'STS answered AssumeRole without complete credentials');
    }
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  }

  return {
    get() {
      if (cached && now() < cached.expiration.getTime() - CREDENTIALS_REFRESH_MARGIN_MS) {
        return Promise.resolve(cached);
      }
      pending ??= assume()
        .then((credentials) => {
          cached = credentials;
          return credentials;
        })
        .finally(() => {
          pending = undefined;
        });
      return pending;
    },
  };
}

/**
 * A Cognito client signed with the role's current credentials: the same client while the credentials
 * stay the same, a new one when they were renewed.
 */
export function cognitoClientFrom(
  credentials: CredentialSource,
  region: string,
  create: (credentials: RoleCredentials) => CognitoClient = (current) =>
    new CognitoIdentityProviderClient({ ...AWS_CLIENT_CONFIG, region, credentials: current }),
): () => Promise<CognitoClient> {
  let current: { credentials: RoleCredentials; client: CognitoClient } | undefined;
  return async () => {
    const fresh = await credentials.get();
    if (current?.credentials !== fresh) current = { credentials: fresh, client: create(fresh) };
    return current.client;
  };
}

/** The wiring both actions use: the role from the configuration, STS and Cognito in its region. */
export function cognitoForConfig(config: CommonConfig): () => Promise<CognitoClient> {
  const credentials = assumeRoleCredentials({
    sts: createStsClient(config.region),
    roleArn: config.assumeRoleArn,
    externalId: config.externalId,
  });
  return cognitoClientFrom(credentials, config.region);
}
