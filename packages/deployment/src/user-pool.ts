/** Password rules of the pool: Cognito enforces them; the sign-up page shows them. */
export interface PasswordPolicy {
  readonly minLength: number;
  readonly requireLowercase: boolean;
  readonly requireUppercase: boolean;
  readonly requireDigits: boolean;
  readonly requireSymbols: boolean;
}

/** The user pool the construct creates (and the local pool): sign-in, verification, passwords, MFA. */
export const USER_POOL = {
  /** Email is the username. */
  usernameAttributes: ['email'],
  signInCaseSensitive: false,
  selfSignUp: true,
  /** Attributes Cognito verifies by sending a code. */
  autoVerifiedAttributes: ['email'],
  passwordPolicy: {
    minLength: 12,
    requireLowercase: true,
    requireUppercase: true,
    requireDigits: true,
    requireSymbols: true,
  },
  /**
   * MFA is optional: passkey users sign in with a phishing-resistant factor; the post-append action turns
   * MFA on for their password sign-ins. TOTP always, email when the pool can send mail, never SMS.
   */
  mfa: 'OPTIONAL',
  mfaSecondFactor: { otp: true, sms: false },
} as const satisfies {
  usernameAttributes: readonly 'email'[];
  signInCaseSensitive: boolean;
  selfSignUp: boolean;
  autoVerifiedAttributes: readonly 'email'[];
  passwordPolicy: PasswordPolicy;
  mfa: 'OFF' | 'OPTIONAL' | 'ON';
  mfaSecondFactor: { otp: boolean; sms: boolean };
};

/** Cognito's `ExplicitAuthFlows` names. */
export type AuthFlow = 'ALLOW_CUSTOM_AUTH' | 'ALLOW_USER_SRP_AUTH' | 'ALLOW_REFRESH_TOKEN_AUTH';

/** The web app's client of the pool. */
export const APP_CLIENT = {
  /** Passkey sign-in (CUSTOM_AUTH) beside Amplify's password sign-in (SRP); refresh is always on. */
  explicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
  /** A public client: the browser holds no secret. */
  generateSecret: false,
  preventUserExistenceErrors: true,
  enableTokenRevocation: true,
  /** How long one sign-in's session lasts, in minutes. */
  authSessionValidityMinutes: 3,
  tokenValidity: { accessTokenSeconds: 3600, idTokenSeconds: 3600, refreshTokenSeconds: 30 * 24 * 3600 },
  /** Sign-in uses Cognito's API, not the hosted UI: no OAuth grant, scope or callback unless configured. */
  oAuth: false,
  /**
   * What a signed-in user may change about themselves. `custom:passkeys_blocked` is left out: only an
   * administrator may set it (Cognito's default would let users write every attribute).
   */
  writeAttributes: ['email'],
} as const satisfies {
  explicitAuthFlows: readonly AuthFlow[];
  generateSecret: boolean;
  preventUserExistenceErrors: boolean;
  enableTokenRevocation: boolean;
  authSessionValidityMinutes: number;
  tokenValidity: { accessTokenSeconds: number; idTokenSeconds: number; refreshTokenSeconds: number };
  oAuth: boolean;
  writeAttributes: readonly string[];
};

/** SSM parameter names (their values are never part of the definition). */
export const PARAMETERS = {
  /** The SecureString holding the Corbado API secret; the verify trigger reads it. */
  corbadoApiSecret: '/cognito-passkeys/corbado-api-secret',
  /** The String holding the passkey mode (`PASSKEY_MODES`); define-auth-challenge and the app's server read it. */
  passkeyMode: '/cognito-passkeys/passkey-mode',
} as const;

/** The password rules as sentences for people, in the order Cognito checks them. */
export function describePasswordPolicy(policy: PasswordPolicy): string[] {
  return [
    `at least ${policy.minLength} characters`,
    ...(policy.requireLowercase ? ['a lowercase letter'] : []),
    ...(policy.requireUppercase ? ['an uppercase letter'] : []),
    ...(policy.requireDigits ? ['a digit'] : []),
    ...(policy.requireSymbols ? ['a symbol such as ! ? # or %'] : []),
  ];
}
