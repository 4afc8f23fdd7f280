// The user pool and its app client, as the deployment definition describes them.
import { APP_CLIENT, PASSKEYS_BLOCKED_ATTRIBUTE, USER_POOL } from '@cognito-passkeys/deployment';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type { Construct } from 'constructs';

import type { CorbadoPasskeysProps } from './props';

const MFA = { OFF: cognito.Mfa.OFF, OPTIONAL: cognito.Mfa.OPTIONAL, ON: cognito.Mfa.REQUIRED } as const;

export function createUserPool(
  scope: Construct,
  sesEmail: CorbadoPasskeysProps['sesEmail'],
): cognito.UserPool {
  const pool = new cognito.UserPool(scope, 'UserPool', {
    signInAliases: { email: USER_POOL.usernameAttributes.includes('email') },
    signInCaseSensitive: USER_POOL.signInCaseSensitive,
    selfSignUpEnabled: USER_POOL.selfSignUp,
    autoVerify: { email: USER_POOL.autoVerifiedAttributes.includes('email') },
    keepOriginal: { email: true },
    accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
    passwordPolicy: { ...USER_POOL.passwordPolicy },
    // The per-user block: an administrator sets it; the verify trigger reads it from the event.
    customAttributes: {
      [PASSKEYS_BLOCKED_ATTRIBUTE.name]: new cognito.StringAttribute({
        mutable: true,
        maxLen: PASSKEYS_BLOCKED_ATTRIBUTE.maxLength,
      }),
    },
    mfa: MFA[USER_POOL.mfa],
    // Email MFA needs a mailer that can send codes: SES.
    mfaSecondFactor: { ...USER_POOL.mfaSecondFactor, email: sesEmail !== undefined },
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

/** CDK's names of the standard attributes, by the names Cognito (and the definition) uses. */
const STANDARD_ATTRIBUTES: Record<string, keyof cognito.StandardAttributesMask> = {
  address: 'address',
  birthdate: 'birthdate',
  email: 'email',
  email_verified: 'emailVerified',
  family_name: 'familyName',
  gender: 'gender',
  given_name: 'givenName',
  locale: 'locale',
  middle_name: 'middleName',
  name: 'fullname',
  nickname: 'nickname',
  phone_number: 'phoneNumber',
  phone_number_verified: 'phoneNumberVerified',
  picture: 'profilePicture',
  preferred_username: 'preferredUsername',
  profile: 'profilePage',
  updated_at: 'lastUpdateTime',
  website: 'website',
  zoneinfo: 'timezone',
};

/** Cognito attribute names (`email`, `custom:x`) as CDK's `ClientAttributes`. */
function clientAttributes(names: readonly string[]): cognito.ClientAttributes {
  const standard: Partial<Record<keyof cognito.StandardAttributesMask, boolean>> = {};
  const custom: string[] = [];
  for (const name of names) {
    if (name.startsWith('custom:')) {
      custom.push(name.slice('custom:'.length));
    } else {
      const key = STANDARD_ATTRIBUTES[name];
      if (key === undefined) throw new Error(`no standard attribute ${name}`);
      standard[key] = true;
    }
  }
  return new cognito.ClientAttributes().withStandardAttributes(standard).withCustomAttributes(...custom);
}

/**
 * The web app's client: the definition's flows, lifetimes, existence errors and write attributes; OAuth
 * only when configured. On a pool the construct creates, it may read every attribute (the per-user block
 * included, named: the pool has it from the start); on an existing pool the read attributes are left to
 * Cognito's default (every attribute), since the block attribute exists only once the CLI's `attach` has
 * added it, and a client naming an attribute the pool lacks is refused.
 */
export function createAppClient(
  scope: Construct,
  userPool: cognito.IUserPool,
  oAuth: cognito.OAuthSettings | undefined,
  ownPool: boolean,
): cognito.UserPoolClient {
  const flows = new Set<string>(APP_CLIENT.explicitAuthFlows);
  return new cognito.UserPoolClient(scope, 'AppClient', {
    userPool,
    generateSecret: APP_CLIENT.generateSecret,
    // Refresh (ALLOW_REFRESH_TOKEN_AUTH) is always on in CDK.
    authFlows: { custom: flows.has('ALLOW_CUSTOM_AUTH'), userSrp: flows.has('ALLOW_USER_SRP_AUTH') },
    preventUserExistenceErrors: APP_CLIENT.preventUserExistenceErrors,
    enableTokenRevocation: APP_CLIENT.enableTokenRevocation,
    authSessionValidity: Duration.minutes(APP_CLIENT.authSessionValidityMinutes),
    accessTokenValidity: Duration.seconds(APP_CLIENT.tokenValidity.accessTokenSeconds),
    idTokenValidity: Duration.seconds(APP_CLIENT.tokenValidity.idTokenSeconds),
    refreshTokenValidity: Duration.seconds(APP_CLIENT.tokenValidity.refreshTokenSeconds),
    // Without `oAuth`, CDK would turn on the implicit and code grants with `https://example.com` as the
    // callback: an open authorization endpoint nobody configured.
    ...(oAuth ? { oAuth } : { disableOAuth: !APP_CLIENT.oAuth }),
    // Cognito's default lets users write every attribute, the block included: name exactly what they may.
    writeAttributes: clientAttributes(APP_CLIENT.writeAttributes),
    ...(ownPool
      ? {
          readAttributes: clientAttributes([
            ...Object.keys(STANDARD_ATTRIBUTES),
            PASSKEYS_BLOCKED_ATTRIBUTE.attribute,
          ]),
        }
      : {}),
  });
}
