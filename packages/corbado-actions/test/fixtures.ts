// Answers as Cognito and STS give them (API references: AdminGetUser, ListUsers, AssumeRole), for a pool
// with email as the sign-in identifier, where Cognito sets the username to the user's sub.
import type { AdminGetUserCommandOutput, UserType } from '@aws-sdk/client-cognito-identity-provider';

import type { ActionLog, LogLine } from '../src/log';

export const USER_POOL_ID = 'eu-central-1_Abc123XYZ';
export const ROLE_ARN = 'arn:aws:iam::123456789012:role/corbado-connect-actions';
export const EXTERNAL_ID = 'ext-7f3c2a9e-1b4d-4e8f-a6c5-0d2b9e8f1a37';
export const EMAIL = 'alice@example.com';
export const USERNAME = '83942812-f091-7083-8632-7b8052ece3e5';

/** AdminGetUser for a confirmed, enabled user without MFA. */
export function adminGetUser(extra: Partial<AdminGetUserCommandOutput> = {}): AdminGetUserCommandOutput {
  return {
    Username: USERNAME,
    UserAttributes: [
      { Name: 'sub', Value: USERNAME },
      { Name: 'email', Value: EMAIL },
      { Name: 'email_verified', Value: 'true' },
    ],
    UserCreateDate: new Date('2025-01-10T09:00:00Z'),
    UserLastModifiedDate: new Date('2025-01-10T09:05:00Z'),
    Enabled: true,
    UserStatus: 'CONFIRMED',
    $metadata: { httpStatusCode: 200 },
    ...extra,
  };
}

/** A ListUsers entry with `AttributesToGet: ['email_verified']`. */
export function listedUser(username: string, emailVerified: string, extra: Partial<UserType> = {}): UserType {
  return {
    Username: username,
    Attributes: [{ Name: 'email_verified', Value: emailVerified }],
    Enabled: true,
    UserStatus: 'CONFIRMED',
    ...extra,
  };
}

/** AssumeRole's credentials, expiring at `expiration`. */
export function assumeRoleAnswer(expiration: Date, accessKeyId = 'ASIAEXAMPLEKEY000001') {
  return {
    Credentials: {
      AccessKeyId: accessKeyId,
      SecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      SessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN',
      Expiration: expiration,
    },
    AssumedRoleUser: {
      AssumedRoleId: 'AROAEXAMPLEID:corbado-connect-action',
      Arn: 'arn:aws:sts::123456789012:assumed-role/corbado-connect-actions/corbado-connect-action',
    },
    $metadata: { httpStatusCode: 200 },
  };
}

/** A log that keeps its lines, to assert on codes and on what never appears. */
export function memoryLog(): ActionLog & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return { lines, info: (line) => void lines.push(line), error: (line) => void lines.push(line) };
}
