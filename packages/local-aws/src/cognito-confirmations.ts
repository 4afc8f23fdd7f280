import { z } from 'zod';
import { parseInput, stringMap, type Context } from './context';
import {
  attributesOf,
  checkPasswordPolicy,
  findUser,
  maskEmail,
  requireClient,
  requirePool,
  type Pool,
} from './cognito-model';
import { checkClientWrites } from './cognito-schema';
import { withStatus } from './cognito-tokens';
import { ServiceError, invalidParameter } from './errors';
import { newCode, nowSeconds } from './ids';
import { sendMessage } from './outbox';
import type { OutboxMessage, UserRow } from './store';
import { envelope, hasTrigger, runTrigger } from './triggers';
import { attributeList, newUser, requireUser, toAttributes, withPassword } from './cognito-users';

// Sign-up, confirmation and password reset: the operations that send a code to the user's email (the
// outbox) and take it back.

/** How long a sign-up code is good for (Cognito: 24 hours). */
export const CODE_VALIDITY_SECONDS = 24 * 3600;
/** Wrong codes before even the right one is refused. */
const MAX_CODE_ATTEMPTS = 5;

/**
 * Checks a code the pool sent (attempt limit, match, expiry) and uses it up, answering Cognito's errors:
 * a wrong code counts an attempt, and past the limit even the right one is refused.
 */
export function consumeCode(
  ctx: Context,
  poolId: string,
  username: string,
  kind: string,
  code: string,
): void {
  const stored = ctx.store.getCode(poolId, username, kind);
  if (stored === undefined)
    throw new ServiceError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  if (stored.attempts >= MAX_CODE_ATTEMPTS)
    throw new ServiceError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
  if (stored.code !== code) {
    ctx.store.countCodeAttempt(poolId, username, kind);
    throw new ServiceError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  }
  if (stored.expires_at <= nowSeconds(ctx))
    throw new ServiceError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  ctx.store.deleteCode(poolId, username, kind);
}

/**
 * Emails `user` a new code of `codeKind` (replacing any earlier one), valid `validitySeconds`, and answers
 * Cognito's `CodeDeliveryDetails` for it.
 */
export function sendEmailCode(
  ctx: Context,
  pool: Pool,
  user: UserRow,
  email: string,
  message: {
    codeKind: string;
    kind: OutboxMessage['kind'];
    subject: string;
    body: (code: string) => string;
    validitySeconds: number;
  },
): Record<string, string> {
  const code = newCode();
  ctx.store.putCode(
    pool.id,
    user.username,
    message.codeKind,
    code,
    nowSeconds(ctx) + message.validitySeconds,
  );
  sendMessage(ctx, {
    to: email,
    kind: message.kind,
    code,
    subject: message.subject,
    body: message.body(code),
  });
  return { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

function sendConfirmationCode(ctx: Context, pool: Pool, user: UserRow): Record<string, string> | undefined {
  const email = attributesOf(user).email;
  if (email === undefined) return undefined;
  return sendEmailCode(ctx, pool, user, email, {
    codeKind: 'SIGN_UP',
    kind: 'confirmation',
    subject: 'Your verification code',
    body: (code) => `Your confirmation code is ${code}`,
    validitySeconds: CODE_VALIDITY_SECONDS,
  });
}

export async function signUp(ctx: Context, body: Record<string, unknown>): Promise<unknown> {
  const input = parseInput(
    z.object({
      ClientId: z.string().min(1),
      Username: z.string().min(1).max(128),
      Password: z.string().optional(),
      UserAttributes: attributeList.optional(),
      ValidationData: attributeList.optional(),
      ClientMetadata: stringMap.optional(),
    }),
    body,
  );
  const { pool, client } = requireClient(ctx.store, input.ClientId);
  checkClientWrites(
    pool,
    client,
    (input.UserAttributes ?? []).map((a) => a.Name),
  );
  const password = checkPasswordPolicy(input.Password, pool.settings.passwordPolicy);
  let user = withPassword(
    pool,
    newUser(ctx, pool, input.Username, toAttributes(pool, input.UserAttributes), 'UNCONFIRMED'),
    password,
  );
  let autoConfirm = false;
  if (hasTrigger(pool, 'PreSignUp')) {
    const answered = await runTrigger(
      ctx,
      pool,
      'PreSignUp',
      envelope(
        pool,
        client,
        'PreSignUp_SignUp',
        user.username,
        {
          userAttributes: attributesOf(user),
          validationData: toAttributesLoose(input.ValidationData),
          ...(input.ClientMetadata !== undefined ? { clientMetadata: input.ClientMetadata } : {}),
        },
        { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
      ),
    );
    const response = answered.response as { autoConfirmUser?: unknown; autoVerifyEmail?: unknown };
    autoConfirm = response.autoConfirmUser === true;
    if (response.autoVerifyEmail === true) {
      user = { ...user, attributes: JSON.stringify({ ...attributesOf(user), email_verified: 'true' }) };
    }
  }
  if (autoConfirm) user = { ...user, status: 'CONFIRMED' };
  ctx.store.insertUser(user);
  const delivery = autoConfirm ? undefined : sendConfirmationCode(ctx, pool, user);
  return {
    UserConfirmed: autoConfirm,
    UserSub: user.sub,
    ...(delivery !== undefined ? { CodeDeliveryDetails: delivery } : {}),
  };
}

function toAttributesLoose(list: z.infer<typeof attributeList> | undefined): Record<string, string> | null {
  if (list === undefined) return null;
  return Object.fromEntries(list.map((a) => [a.Name, a.Value ?? '']));
}

export async function confirmSignUp(ctx: Context, body: Record<string, unknown>): Promise<unknown> {
  const input = parseInput(
    z.object({
      ClientId: z.string().min(1),
      Username: z.string().min(1),
      ConfirmationCode: z.string().min(1).max(2048),
      ClientMetadata: stringMap.optional(),
    }),
    body,
  );
  const { pool, client } = requireClient(ctx.store, input.ClientId);
  const user = findUser(ctx.store, pool, input.Username);
  if (user === undefined) {
    if (client.settings.preventUserExistenceErrors === 'ENABLED')
      throw new ServiceError(
        'CodeMismatchException',
        'Invalid verification code provided, please try again.',
      );
    throw new ServiceError('UserNotFoundException', 'Username/client id combination not found.');
  }
  if (user.status !== 'UNCONFIRMED') throw notAuthorizedConfirmed();
  consumeCode(ctx, pool.id, user.username, 'SIGN_UP', input.ConfirmationCode);
  const confirmed: UserRow = {
    ...user,
    status: 'CONFIRMED',
    attributes: JSON.stringify({
      ...attributesOf(user),
      ...(user.email !== null ? { email_verified: 'true' } : {}),
    }),
    updated_at: nowSeconds(ctx),
  };
  ctx.store.updateUser(confirmed);
  if (hasTrigger(pool, 'PostConfirmation')) {
    await runTrigger(
      ctx,
      pool,
      'PostConfirmation',
      envelope(
        pool,
        client,
        'PostConfirmation_ConfirmSignUp',
        confirmed.username,
        {
          userAttributes: withStatus(confirmed, pool),
          ...(input.ClientMetadata !== undefined ? { clientMetadata: input.ClientMetadata } : {}),
        },
        {},
      ),
    );
  }
  return {};
}

const notAuthorizedConfirmed = (): ServiceError =>
  new ServiceError('NotAuthorizedException', 'User cannot be confirmed. Current status is CONFIRMED');

export function resendConfirmationCode(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(z.object({ ClientId: z.string().min(1), Username: z.string().min(1) }), body);
  const { pool, client } = requireClient(ctx.store, input.ClientId);
  const user = findUser(ctx.store, pool, input.Username);
  if (user === undefined) {
    if (client.settings.preventUserExistenceErrors === 'ENABLED') {
      return {
        CodeDeliveryDetails: {
          Destination: maskEmail(input.Username),
          DeliveryMedium: 'EMAIL',
          AttributeName: 'email',
        },
      };
    }
    throw new ServiceError('UserNotFoundException', 'Username/client id combination not found.');
  }
  if (user.status !== 'UNCONFIRMED') throw invalidParameter('User is already confirmed.');
  const delivery = sendConfirmationCode(ctx, pool, user);
  if (delivery === undefined) throw invalidParameter('User has no email to send a code to.');
  return { CodeDeliveryDetails: delivery };
}

export function adminConfirmSignUp(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(z.object({ UserPoolId: z.string().min(1), Username: z.string().min(1) }), body);
  const pool = requirePool(ctx.store, input.UserPoolId);
  const user = requireUser(ctx, pool, input.Username);
  if (user.status !== 'UNCONFIRMED') throw notAuthorizedConfirmed();
  ctx.store.updateUser({ ...user, status: 'CONFIRMED', updated_at: nowSeconds(ctx) });
  ctx.store.deleteCode(pool.id, user.username, 'SIGN_UP');
  return {};
}

export function forgotPassword(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({ ClientId: z.string().min(1), Username: z.string().min(1).max(128) }),
    body,
  );
  const { pool, client } = requireClient(ctx.store, input.ClientId);
  const user = findUser(ctx.store, pool, input.Username);
  const email = user === undefined ? undefined : attributesOf(user).email;
  if (user === undefined || email === undefined || !user.enabled) {
    if (client.settings.preventUserExistenceErrors === 'ENABLED') {
      // The caller cannot tell an unknown user from a known one.
      return {
        CodeDeliveryDetails: {
          Destination: maskEmail(input.Username),
          DeliveryMedium: 'EMAIL',
          AttributeName: 'email',
        },
      };
    }
    if (user === undefined)
      throw new ServiceError('UserNotFoundException', 'Username/client id combination not found.');
    throw invalidParameter(
      'Cannot reset password for the user as there is no registered/verified email or phone_number',
    );
  }
  return { CodeDeliveryDetails: sendPasswordResetCode(ctx, pool, user, email) };
}

/** A code for ConfirmForgotPassword, "sent" to the user's email. */
function sendPasswordResetCode(ctx: Context, pool: Pool, user: UserRow, email: string) {
  return sendEmailCode(ctx, pool, user, email, {
    codeKind: 'FORGOT_PASSWORD',
    kind: 'password-reset',
    subject: 'Your password reset code',
    body: (code) => `Your password reset code is ${code}`,
    validitySeconds: 3600,
  });
}

/**
 * Deactivates the user's password: status RESET_REQUIRED, so sign-ins answer PasswordResetRequiredException
 * until ConfirmForgotPassword sets a new one, with the code sent here when the email is verified (as
 * AdminResetUserPassword does).
 */
export function adminResetUserPassword(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(z.object({ UserPoolId: z.string().min(1), Username: z.string().min(1) }), body);
  const pool = requirePool(ctx.store, input.UserPoolId);
  const user = requireUser(ctx, pool, input.Username);
  ctx.store.updateUser({ ...user, status: 'RESET_REQUIRED', updated_at: nowSeconds(ctx) });
  const attributes = attributesOf(user);
  if (attributes.email !== undefined && attributes.email_verified === 'true')
    sendPasswordResetCode(ctx, pool, user, attributes.email);
  return {};
}

export function confirmForgotPassword(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({
      ClientId: z.string().min(1),
      Username: z.string().min(1),
      ConfirmationCode: z.string().min(1).max(2048),
      Password: z.string(),
    }),
    body,
  );
  const { pool } = requireClient(ctx.store, input.ClientId);
  const password = checkPasswordPolicy(input.Password, pool.settings.passwordPolicy);
  const user = findUser(ctx.store, pool, input.Username);
  if (user === undefined) {
    throw new ServiceError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  }
  consumeCode(ctx, pool.id, user.username, 'FORGOT_PASSWORD', input.ConfirmationCode);
  ctx.store.updateUser({
    ...withPassword(pool, user, password),
    status: 'CONFIRMED',
    failed_logins: 0,
    locked_until: 0,
    updated_at: nowSeconds(ctx),
  });
  return {};
}
