import { z } from 'zod';
import { parseInput, type Context } from './context';
import { CODE_VALIDITY_SECONDS, consumeCode, sendEmailCode } from './cognito-confirmations';
import { attributesOf, type Pool } from './cognito-model';
import { checkClientWrites } from './cognito-schema';
import { userFromAccessToken } from './cognito-tokens';
import { attributeList, toAttributes } from './cognito-users';
import { ServiceError, invalidParameter } from './errors';
import { nowSeconds } from './ids';
import type { UserRow } from './store';

// A signed-in user's own attributes: UpdateUserAttributes (only what the client may write) and
// VerifyUserAttribute (the code sent to a changed email).

/**
 * UpdateUserAttributes: the signed-in user's own change, limited to the client's write attributes (any
 * other is `NotAuthorizedException`, as Cognito answers). A new email is unverified until the code sent to
 * it comes back through VerifyUserAttribute.
 */
export async function updateUserAttributes(ctx: Context, body: Record<string, unknown>): Promise<unknown> {
  const input = parseInput(
    z.object({
      AccessToken: z.string().min(1),
      UserAttributes: attributeList,
      ClientMetadata: z.record(z.string(), z.string()).optional(),
    }),
    body,
  );
  const { pool, client, user } = await userFromAccessToken(ctx, input.AccessToken);
  checkClientWrites(
    pool,
    client,
    input.UserAttributes.map((a) => a.Name),
  );
  const current = attributesOf(user);
  const changes = toAttributes(pool, input.UserAttributes, current);
  const emailChanged = changes.email !== undefined && changes.email !== current.email;
  if (emailChanged && pool.settings.usernameAttributes.includes('email')) {
    const taken = ctx.store.getUsersByEmail(pool.id, changes.email ?? '');
    if (taken.some((u) => u.username !== user.username))
      throw new ServiceError('AliasExistsException', 'An account with the given email already exists.');
  }
  const attributes: Record<string, string> = {
    ...current,
    ...changes,
    ...(emailChanged ? { email_verified: 'false' } : {}),
  };
  const updated: UserRow = {
    ...user,
    attributes: JSON.stringify(attributes),
    email: attributes.email ?? null,
    updated_at: nowSeconds(ctx),
  };
  ctx.store.updateUser(updated);
  if (!emailChanged) return { CodeDeliveryDetailsList: [] };
  return { CodeDeliveryDetailsList: [sendAttributeCode(ctx, pool, updated)] };
}

/** Sends a code for the user's new email (kind `verification`), for VerifyUserAttribute. */
function sendAttributeCode(ctx: Context, pool: Pool, user: UserRow): Record<string, string> {
  return sendEmailCode(ctx, pool, user, attributesOf(user).email ?? '', {
    codeKind: 'VERIFY_EMAIL',
    kind: 'verification',
    subject: 'Your verification code',
    body: (code) => `Your verification code is ${code}`,
    validitySeconds: CODE_VALIDITY_SECONDS,
  });
}

/** VerifyUserAttribute: the code sent for a changed email marks it verified. */
export async function verifyUserAttribute(ctx: Context, body: Record<string, unknown>): Promise<unknown> {
  const input = parseInput(
    z.object({
      AccessToken: z.string().min(1),
      AttributeName: z.string().min(1),
      Code: z.string().min(1).max(2048),
    }),
    body,
  );
  const { pool, user } = await userFromAccessToken(ctx, input.AccessToken);
  if (input.AttributeName !== 'email')
    throw invalidParameter('Only the email attribute is verified with a code here.');
  consumeCode(ctx, pool.id, user.username, 'VERIFY_EMAIL', input.Code);
  ctx.store.updateUser({
    ...user,
    attributes: JSON.stringify({ ...attributesOf(user), email_verified: 'true' }),
    updated_at: nowSeconds(ctx),
  });
  return {};
}
