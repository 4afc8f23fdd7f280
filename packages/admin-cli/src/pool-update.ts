// The DescribeUserPool → UpdateUserPool round trip. UpdateUserPool resets every setting the request leaves
// out to its default (triggers, MFA, password policy, messages, deletion protection, …), so the request is
// built from the described pool, keeping every member UpdateUserPool accepts, and only then changed.
import type {
  LambdaConfigType,
  UpdateUserPoolRequest,
  UserPoolType,
} from '@aws-sdk/client-cognito-identity-provider';

/**
 * Every member of `UpdateUserPoolRequest` but `UserPoolId`, and the `UserPoolType` member it is read from
 * (the same name, except `PoolName` ← `Name`). The type below fails to compile when the SDK gains a member
 * this list lacks, and a test reads the SDK's declaration to the same end.
 */
export const UPDATE_USER_POOL_MEMBERS = {
  Policies: 'Policies',
  DeletionProtection: 'DeletionProtection',
  LambdaConfig: 'LambdaConfig',
  AutoVerifiedAttributes: 'AutoVerifiedAttributes',
  SmsVerificationMessage: 'SmsVerificationMessage',
  EmailVerificationMessage: 'EmailVerificationMessage',
  EmailVerificationSubject: 'EmailVerificationSubject',
  VerificationMessageTemplate: 'VerificationMessageTemplate',
  SmsAuthenticationMessage: 'SmsAuthenticationMessage',
  UserAttributeUpdateSettings: 'UserAttributeUpdateSettings',
  MfaConfiguration: 'MfaConfiguration',
  DeviceConfiguration: 'DeviceConfiguration',
  EmailConfiguration: 'EmailConfiguration',
  SmsConfiguration: 'SmsConfiguration',
  UserPoolTags: 'UserPoolTags',
  AdminCreateUserConfig: 'AdminCreateUserConfig',
  UserPoolAddOns: 'UserPoolAddOns',
  DcrConfiguration: 'DcrConfiguration',
  AccountRecoverySetting: 'AccountRecoverySetting',
  PoolName: 'Name',
  UserPoolTier: 'UserPoolTier',
  KeyConfiguration: 'KeyConfiguration',
  IssuerConfiguration: 'IssuerConfiguration',
  AcrConfiguration: 'AcrConfiguration',
} as const satisfies { [K in Exclude<keyof UpdateUserPoolRequest, 'UserPoolId'>]: keyof UserPoolType };

// Compile-time: a member of the request missing from the list above is a type error here.
type Missing = Exclude<keyof UpdateUserPoolRequest, keyof typeof UPDATE_USER_POOL_MEMBERS | 'UserPoolId'>;
const _noneMissing: [Missing] extends [never] ? true : Missing = true;
void _noneMissing;

/** The three custom-auth triggers this product provides. */
export const CUSTOM_AUTH_TRIGGERS = [
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
] as const satisfies readonly (keyof LambdaConfigType)[];
export type CustomAuthTrigger = (typeof CUSTOM_AUTH_TRIGGERS)[number];

/** The UpdateUserPool request that changes nothing: every accepted member, as described. */
export function updateInputFrom(poolId: string, pool: UserPoolType): UpdateUserPoolRequest {
  const input: Record<string, unknown> = { UserPoolId: poolId };
  for (const [member, source] of Object.entries(UPDATE_USER_POOL_MEMBERS)) {
    const value = pool[source];
    if (value !== undefined) input[member] = structuredClone(value);
  }
  const request = input as unknown as UpdateUserPoolRequest;
  // An old pool describes the deprecated AdminCreateUserConfig.UnusedAccountValidityDays beside
  // Policies.PasswordPolicy.TemporaryPasswordValidityDays; Cognito refuses a request with both, and the
  // password policy's value is the one in force.
  if (
    request.AdminCreateUserConfig?.UnusedAccountValidityDays !== undefined &&
    request.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays !== undefined
  ) {
    delete request.AdminCreateUserConfig.UnusedAccountValidityDays;
  }
  return request;
}

export interface Change {
  path: string;
  before: unknown;
  after: unknown;
}

/** Every leaf that differs between two requests, by dotted path. */
export function diff(before: unknown, after: unknown, path = ''): Change[] {
  const isObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((key) => diff(before[key], after[key], path === '' ? key : `${path}.${key}`));
  }
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  return [{ path, before, after }];
}

/** `LambdaConfig.DefineAuthChallenge: (none) → arn:…` */
export function formatChange(change: Change): string {
  const show = (v: unknown) => (v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));
  return `${change.path}: ${show(change.before)} → ${show(change.after)}`;
}
