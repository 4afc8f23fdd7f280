import {
  AdminGetUserCommand,
  ListUsersCommand,
  UserNotFoundException,
  type CognitoIdentityProviderClient,
  type UserStatusType,
} from '@aws-sdk/client-cognito-identity-provider';
import { z } from 'zod';

import type { PreLoginResponse } from './contract';

/**
 * What a user may type: an email or a username. No quotes, backslashes or control characters, so the
 * value can never change the meaning of a ListUsers filter.
 */
export const preLoginRequestSchema = z.object({
  identifier: z
    .string()
    .trim()
    .min(1)
    .max(254)
    .regex(/^[^"\\\p{Cc}\s]+$/u, 'not a plausible email or username')
    .refine((v) => !v.includes('@') || /^[^@]+@[^@]+\.[^@]+$/.test(v), 'not a plausible email'),
});

/**
 * Users who may log in with a passkey. A passkey is only ever added after a sign-in, so an UNCONFIRMED
 * user has none; FORCE_CHANGE_PASSWORD and RESET_REQUIRED users keep their passkeys (Cognito lets them
 * complete CUSTOM_AUTH). Disabled users are never found.
 */
const ACTIVE_STATUSES: ReadonlySet<string> = new Set<UserStatusType>([
  'CONFIRMED',
  'FORCE_CHANGE_PASSWORD',
  'RESET_REQUIRED',
]);

/**
 * The identifier the user typed (an email) → the Cognito username passkeys are stored under.
 *
 * AdminGetUser accepts the email directly when email is the pool's username attribute or an alias; a
 * pool where email is a plain attribute needs ListUsers with an `email = "…"` filter, and there a match
 * must be unique (Cognito does not enforce unique plain emails).
 */
export async function resolveUsername(
  cognito: Pick<CognitoIdentityProviderClient, 'send'>,
  userPoolId: string,
  identifier: string,
): Promise<PreLoginResponse> {
  try {
    const user = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: userPoolId, Username: identifier }),
    );
    if (user.Username && user.Enabled !== false && ACTIVE_STATUSES.has(user.UserStatus ?? '')) {
      return { outcome: 'found', username: user.Username };
    }
    return { outcome: 'not_found' };
  } catch (error) {
    if (!(error instanceof UserNotFoundException)) throw error;
  }
  if (!identifier.includes('@')) return { outcome: 'not_found' };

  const { Users = [] } = await cognito.send(
    new ListUsersCommand({ UserPoolId: userPoolId, Filter: `email = "${identifier}"`, Limit: 2 }),
  );
  const [user, ...others] = Users;
  if (!user || others.length > 0) return { outcome: 'not_found' };
  if (user.Username && user.Enabled !== false && ACTIVE_STATUSES.has(user.UserStatus ?? '')) {
    return { outcome: 'found', username: user.Username };
  }
  return { outcome: 'not_found' };
}
