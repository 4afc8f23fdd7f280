import { z } from 'zod';
import { parseInput, stringMap, type Context } from './context';
import {
  attributesOf,
  checkPasswordPolicy,
  findUser,
  maskEmail,
  mfaOf,
  mfaSummary,
  requireClient,
  requirePool,
  srpPoolName,
  userAttributeList,
  type MfaName,
  type Pool,
} from './cognito-model';
import { signOutEverywhere } from './cognito-auth';
import { userFromAccessToken, withStatus } from './cognito-tokens';
import { ServiceError, invalidParameter } from './errors';
import { newCode, newOpaque, newSub, nowSeconds } from './ids';
import { sendMessage } from './outbox';
import { createVerifier } from './srp';
import type { UserRow } from './store';
import { envelope, hasTrigger, runTrigger } from './triggers';

const attributeList = z
  .array(z.object({ Name: z.string().min(1).max(32), Value: z.string().max(2048).optional() }))
  .max(50);
const CODE_VALIDITY_SECONDS = 24 * 3600;
const MAX_CODE_ATTEMPTS = 5;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

function requireUser(ctx: Context, pool: Pool, username: string): UserRow {
  const user = findUser(ctx.store, pool, username);
  if (user === undefined) throw new ServiceError('UserNotFoundException', 'User does not exist.');
  return user;
}

function toAttributes(list: z.infer<typeof attributeList> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { Name, Value } of list ?? []) {
    if (Name === 'sub' || Name.startsWith('cognito:'))
      throw invalidParameter(`Cannot modify the non-mutable attribute ${Name}`);
    out[Name] = Value ?? '';
  }
  if (out.email !== undefined && !EMAIL_PATTERN.test(out.email))
    throw invalidParameter('Invalid email address format.');
  return out;
}

/**
 * Builds a new user. When email is the username attribute, the given username must be an email, the
 * email becomes an attribute, and the username itself is the `sub` UUID (as in Cognito).
 */
function newUser(
  ctx: Context,
  pool: Pool,
  requested: string,
  attributes: Record<string, string>,
  status: string,
): UserRow {
  const sub = newSub();
  let username = requested;
  const attrs = { ...attributes };
  if (pool.settings.usernameAttributes.includes('email')) {
    if (!EMAIL_PATTERN.test(requested)) throw invalidParameter('Username should be an email.');
    attrs.email = requested;
    username = sub;
  } else if (!/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u.test(requested)) {
    throw invalidParameter('Invalid username.');
  }
  if (ctx.store.getUser(pool.id, username) !== undefined) {
    throw new ServiceError('UsernameExistsException', 'User account already exists');
  }
  if (attrs.email !== undefined) {
    const taken = ctx.store.getUsersByEmail(pool.id, attrs.email);
    if (pool.settings.usernameAttributes.includes('email') && taken.length > 0) {
      throw new ServiceError('UsernameExistsException', 'An account with the given email already exists.');
    }
  }
  const now = nowSeconds();
  return {
    pool_id: pool.id,
    username,
    sub,
    email: attrs.email ?? null,
    status,
    enabled: 1,
    attributes: JSON.stringify({ sub, ...attrs }),
    srp_salt: null,
    srp_verifier: null,
    mfa: '{}',
    failed_logins: 0,
    locked_until: 0,
    tokens_valid_after: 0,
    created_at: now,
    updated_at: now,
  };
}

function withPassword(pool: Pool, user: UserRow, password: string): UserRow {
  const { salt, verifier } = createVerifier(srpPoolName(pool.id), user.username, password);
  return { ...user, srp_salt: salt, srp_verifier: verifier };
}

function describeUser(user: UserRow, attributeKey: 'Attributes' | 'UserAttributes'): Record<string, unknown> {
  return {
    Username: user.username,
    [attributeKey]: userAttributeList(user),
    UserCreateDate: user.created_at,
    UserLastModifiedDate: user.updated_at,
    Enabled: user.enabled === 1,
    UserStatus: user.status,
  };
}

export function adminCreateUser(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({
      UserPoolId: z.string().min(1),
      Username: z.string().min(1).max(128),
      UserAttributes: attributeList.optional(),
      TemporaryPassword: z.string().optional(),
      MessageAction: z.enum(['RESEND', 'SUPPRESS']).optional(),
    }),
    body,
  );
  const pool = requirePool(ctx.store, input.UserPoolId);
  const temporary =
    input.TemporaryPassword === undefined
      ? `Tmp-${newOpaque(12)}1a!`
      : checkPasswordPolicy(input.TemporaryPassword);
  let user = newUser(ctx, pool, input.Username, toAttributes(input.UserAttributes), 'FORCE_CHANGE_PASSWORD');
  user = withPassword(pool, user, temporary);
  ctx.store.insertUser(user);
  if (input.MessageAction !== 'SUPPRESS' && user.email !== null) {
    sendMessage(ctx, {
      to: user.email,
      kind: 'invitation',
      code: temporary,
      subject: 'Your temporary password',
      body: `Your username is ${input.Username} and temporary password is ${temporary}.`,
    });
  }
  return { User: describeUser(user, 'Attributes') };
}

export function adminSetUserPassword(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({
      UserPoolId: z.string().min(1),
      Username: z.string().min(1),
      Password: z.string(),
      Permanent: z.boolean().optional(),
    }),
    body,
  );
  const pool = requirePool(ctx.store, input.UserPoolId);
  const user = requireUser(ctx, pool, input.Username);
  const password = checkPasswordPolicy(input.Password);
  ctx.store.updateUser({
    ...withPassword(pool, user, password),
    status: input.Permanent === true ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD',
    failed_logins: 0,
    locked_until: 0,
    updated_at: nowSeconds(),
  });
  return {};
}

export function adminGetUser(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(z.object({ UserPoolId: z.string().min(1), Username: z.string().min(1) }), body);
  const pool = requirePool(ctx.store, input.UserPoolId);
  const user = requireUser(ctx, pool, input.Username);
  return { ...describeUser(user, 'UserAttributes'), ...mfaSummary(user) };
}

export function adminDeleteUser(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(z.object({ UserPoolId: z.string().min(1), Username: z.string().min(1) }), body);
  const pool = requirePool(ctx.store, input.UserPoolId);
  const user = requireUser(ctx, pool, input.Username);
  signOutEverywhere(ctx, pool, user);
  ctx.store.deleteUser(pool.id, user.username);
  return {};
}

export function adminSetEnabled(enabled: boolean) {
  return (ctx: Context, body: Record<string, unknown>): unknown => {
    const input = parseInput(z.object({ UserPoolId: z.string().min(1), Username: z.string().min(1) }), body);
    const pool = requirePool(ctx.store, input.UserPoolId);
    const user = requireUser(ctx, pool, input.Username);
    ctx.store.updateUser({ ...user, enabled: enabled ? 1 : 0, updated_at: nowSeconds() });
    return {};
  };
}

export function adminUserGlobalSignOut(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(z.object({ UserPoolId: z.string().min(1), Username: z.string().min(1) }), body);
  const pool = requirePool(ctx.store, input.UserPoolId);
  signOutEverywhere(ctx, pool, requireUser(ctx, pool, input.Username));
  return {};
}

export function adminUpdateUserAttributes(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({ UserPoolId: z.string().min(1), Username: z.string().min(1), UserAttributes: attributeList }),
    body,
  );
  const pool = requirePool(ctx.store, input.UserPoolId);
  const user = requireUser(ctx, pool, input.Username);
  const attributes = { ...attributesOf(user), ...toAttributes(input.UserAttributes) };
  ctx.store.updateUser({
    ...user,
    attributes: JSON.stringify(attributes),
    email: attributes.email ?? null,
    updated_at: nowSeconds(),
  });
  return {};
}

const mfaSetting = z
  .object({ Enabled: z.boolean().optional(), PreferredMfa: z.boolean().optional() })
  .optional();
const mfaInput = {
  SMSMfaSettings: mfaSetting,
  SoftwareTokenMfaSettings: mfaSetting,
  EmailMfaSettings: mfaSetting,
  WebAuthnMfaSettings: z.object({ Enabled: z.boolean().optional() }).optional(),
};

function applyMfa(ctx: Context, user: UserRow, input: z.infer<z.ZodObject<typeof mfaInput>>): void {
  const mfa = mfaOf(user);
  const pairs: [MfaName, { Enabled?: boolean; PreferredMfa?: boolean } | undefined][] = [
    ['SMS_MFA', input.SMSMfaSettings],
    ['SOFTWARE_TOKEN_MFA', input.SoftwareTokenMfaSettings],
    ['EMAIL_OTP', input.EmailMfaSettings],
    ['WEB_AUTHN', input.WebAuthnMfaSettings],
  ];
  for (const [name, setting] of pairs) {
    if (setting === undefined) continue;
    const current = mfa[name] ?? { enabled: false, preferred: false };
    const enabled = setting.Enabled ?? current.enabled;
    const preferred = enabled && (setting.PreferredMfa ?? current.preferred);
    if (preferred) for (const other of Object.values(mfa)) if (other) other.preferred = false;
    mfa[name] = { enabled, preferred };
  }
  if (mfa.EMAIL_OTP?.enabled && attributesOf(user).email === undefined) {
    throw invalidParameter('User does not have an email address to receive email MFA codes.');
  }
  ctx.store.updateUser({ ...user, mfa: JSON.stringify(mfa), updated_at: nowSeconds() });
}

export function adminSetUserMFAPreference(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({ UserPoolId: z.string().min(1), Username: z.string().min(1), ...mfaInput }),
    body,
  );
  const pool = requirePool(ctx.store, input.UserPoolId);
  applyMfa(ctx, requireUser(ctx, pool, input.Username), input);
  return {};
}

export { applyMfa };

/** The attributes ListUsers can filter on, and how each is read. */
const FILTERABLE: Record<string, (u: UserRow) => string | undefined> = {
  username: (u) => u.username,
  email: (u) => attributesOf(u).email,
  phone_number: (u) => attributesOf(u).phone_number,
  name: (u) => attributesOf(u).name,
  given_name: (u) => attributesOf(u).given_name,
  family_name: (u) => attributesOf(u).family_name,
  preferred_username: (u) => attributesOf(u).preferred_username,
  'cognito:user_status': (u) => u.status,
  status: (u) => (u.enabled ? 'Enabled' : 'Disabled'),
  sub: (u) => u.sub,
};

export function listUsers(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({
      UserPoolId: z.string().min(1),
      Filter: z.string().max(256).optional(),
      Limit: z.number().int().min(0).max(60).optional(),
      PaginationToken: z.string().optional(),
      AttributesToGet: z.array(z.string()).optional(),
    }),
    body,
  );
  const pool = requirePool(ctx.store, input.UserPoolId);
  let users = ctx.store.listUsers(pool.id);
  if (input.Filter !== undefined && input.Filter.trim() !== '') {
    const match = /^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(input.Filter);
    const read = match === null ? undefined : FILTERABLE[match[1] ?? ''];
    if (match === null || read === undefined) throw invalidParameter('Invalid search filter.');
    const value = (match[3] ?? '').replace(/\\(.)/g, '$1');
    const prefix = match[2] === '^=';
    users = users.filter((u) => {
      const actual = read(u);
      return actual !== undefined && (prefix ? actual.startsWith(value) : actual === value);
    });
  }
  let offset = 0;
  if (input.PaginationToken !== undefined) {
    const decoded = Number(Buffer.from(input.PaginationToken, 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0) throw invalidParameter('Invalid pagination token.');
    offset = decoded;
  }
  const limit = input.Limit === undefined || input.Limit === 0 ? 60 : input.Limit;
  const page = users.slice(offset, offset + limit);
  const wanted = input.AttributesToGet === undefined ? undefined : new Set(input.AttributesToGet);
  return {
    Users: page.map((u) => {
      const described = describeUser(u, 'Attributes');
      if (wanted !== undefined) {
        described.Attributes = userAttributeList(u).filter((a) => wanted.has(a.Name));
      }
      return described;
    }),
    ...(offset + limit < users.length
      ? { PaginationToken: Buffer.from(String(offset + limit)).toString('base64url') }
      : {}),
  };
}

/**
 * Checks a code the pool sent (attempt limit, match, expiry) and uses it up, answering Cognito's errors:
 * a wrong code counts an attempt, and past the limit even the right one is refused.
 */
function consumeCode(ctx: Context, poolId: string, username: string, kind: string, code: string): void {
  const stored = ctx.store.getCode(poolId, username, kind);
  if (stored === undefined)
    throw new ServiceError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  if (stored.attempts >= MAX_CODE_ATTEMPTS)
    throw new ServiceError('LimitExceededException', 'Attempt limit exceeded, please try after some time.');
  if (stored.code !== code) {
    ctx.store.countCodeAttempt(poolId, username, kind);
    throw new ServiceError('CodeMismatchException', 'Invalid verification code provided, please try again.');
  }
  if (stored.expires_at <= nowSeconds())
    throw new ServiceError('ExpiredCodeException', 'Invalid code provided, please request a code again.');
  ctx.store.deleteCode(poolId, username, kind);
}

function sendConfirmationCode(ctx: Context, pool: Pool, user: UserRow): Record<string, string> | undefined {
  const email = attributesOf(user).email;
  if (email === undefined) return undefined;
  const code = newCode();
  ctx.store.putCode(pool.id, user.username, 'SIGN_UP', code, nowSeconds() + CODE_VALIDITY_SECONDS);
  sendMessage(ctx, {
    to: email,
    kind: 'confirmation',
    code,
    subject: 'Your verification code',
    body: `Your confirmation code is ${code}`,
  });
  return { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
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
  const password = checkPasswordPolicy(input.Password);
  let user = withPassword(
    pool,
    newUser(ctx, pool, input.Username, toAttributes(input.UserAttributes), 'UNCONFIRMED'),
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
    updated_at: nowSeconds(),
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
  ctx.store.updateUser({ ...user, status: 'CONFIRMED', updated_at: nowSeconds() });
  ctx.store.deleteCode(pool.id, user.username, 'SIGN_UP');
  return {};
}

/** SetUserMFAPreference: the signed-in user's own MFA settings (Amplify `updateMFAPreference`). */
export async function setUserMFAPreference(ctx: Context, body: Record<string, unknown>): Promise<unknown> {
  const input = parseInput(z.object({ AccessToken: z.string().min(1), ...mfaInput }), body);
  const { user } = await userFromAccessToken(ctx, input.AccessToken);
  applyMfa(ctx, user, input);
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
  const code = newCode();
  ctx.store.putCode(pool.id, user.username, 'FORGOT_PASSWORD', code, nowSeconds() + 3600);
  sendMessage(ctx, {
    to: email,
    kind: 'password-reset',
    code,
    subject: 'Your password reset code',
    body: `Your password reset code is ${code}`,
  });
  return { Destination: maskEmail(email), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
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
  ctx.store.updateUser({ ...user, status: 'RESET_REQUIRED', updated_at: nowSeconds() });
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
  const password = checkPasswordPolicy(input.Password);
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
    updated_at: nowSeconds(),
  });
  return {};
}
