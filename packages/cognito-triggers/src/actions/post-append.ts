import {
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  UserNotFoundException,
  type AdminSetUserMFAPreferenceCommandInput,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';

import type { PostAppendMfaMethod } from '../config/env';
import type { PostAppendResponse } from './contract';

export const postAppendRequestSchema = z.object({
  username: z.string().trim().min(1).max(128),
  credentialId: z
    .string()
    .max(1024)
    .regex(/^[A-Za-z0-9_-]*$/)
    .optional(),
});

const MFA_SETTINGS: Record<
  Exclude<PostAppendMfaMethod, 'NONE'>,
  keyof AdminSetUserMFAPreferenceCommandInput
> = {
  EMAIL_OTP: 'EmailMfaSettings',
  SOFTWARE_TOKEN: 'SoftwareTokenMfaSettings',
  SMS: 'SMSMfaSettings',
};

/**
 * After a passkey was added: if the user has no MFA method yet, turn `method` on and make it preferred,
 * so password sign-ins now ask for a second factor. Idempotent: a user with any MFA is left as is.
 */
export async function ensureMfaAfterAppend(
  cognito: Pick<CognitoIdentityProviderClient, 'send'>,
  userPoolId: string,
  username: string,
  method: PostAppendMfaMethod,
): Promise<PostAppendResponse> {
  let user;
  try {
    user = await cognito.send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: username }));
  } catch (error) {
    if (error instanceof UserNotFoundException) return { outcome: 'not_found' };
    throw error;
  }
  if ((user.UserMFASettingList?.length ?? 0) > 0 || user.PreferredMfaSetting)
    return { outcome: 'mfa_already_set' };
  if (method === 'NONE') return { outcome: 'unchanged' };

  await cognito.send(
    new AdminSetUserMFAPreferenceCommand({
      UserPoolId: userPoolId,
      // The username Cognito returned, not the one asked with (which may be an alias).
      Username: user.Username ?? username,
      [MFA_SETTINGS[method]]: { Enabled: true, PreferredMfa: true },
    }),
  );
  return { outcome: 'mfa_enabled', method };
}
