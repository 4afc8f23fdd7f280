// The user records and the admin operations on them (create, get, list, update, enable/disable, delete,
// MFA settings). Over 300 lines on purpose: each operation is a short input schema and a few statements,
// and they share the same helpers; sign-up and confirmations live in cognito-confirmations.ts.
import { z } from 'zod';
import { parseInput, type Context } from './context';
import {
  attributesOf,
  checkPasswordPolicy,
  findUser,
  mfaOf,
  mfaSummary,
  requirePool,
  srpPoolName,
  userAttributeList,
  type MfaName,
  type Pool,
} from './cognito-model';
import { signOutEverywhere } from './cognito-auth';
import { checkAttributeDeletes, checkAttributeValues } from './cognito-schema';
import { userFromAccessToken } from './cognito-tokens';
import { ServiceError, invalidParameter } from './errors';
import { newOpaque, newSub, nowSeconds } from './ids';
import { sendMessage } from './outbox';
import { createVerifier } from './srp';
import type { UserRow } from './store';

// The user records of a pool: create, read, update and delete them, their MFA settings, ListUsers.
// Sign-up, confirmation and password reset, which send codes, are in cognito-confirmations.ts.

export const attributeList = z
  .array(z.object({ Name: z.string().min(1).max(32), Value: z.string().max(2048).optional() }))
  .max(50);
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+$/;

export function requireUser(ctx: Context, pool: Pool, username: string): UserRow {
  const user = findUser(ctx.store, pool, username);
  if (user === undefined) throw new ServiceError('UserNotFoundException', 'User does not exist.');
  return user;
}

/**
 * The attributes a write sets, checked against the pool's schema (`existing`: the user's attributes when
 * the user exists, so an immutable one may not change).
 */
export function toAttributes(
  pool: Pool,
  list: z.infer<typeof attributeList> | undefined,
  existing?: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { Name, Value } of list ?? []) out[Name] = Value ?? '';
  checkAttributeValues(pool, out, existing);
  if (out.email !== undefined && !EMAIL_PATTERN.test(out.email))
    throw invalidParameter('Invalid email address format.');
  return out;
}

/**
 * Builds a new user. When email is the username attribute, the given username must be an email, the
 * email becomes an attribute, and the username itself is the `sub` UUID (as in Cognito).
 */
export function newUser(
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
  const now = nowSeconds(ctx);
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

export function withPassword(pool: Pool, user: UserRow, password: string): UserRow {
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
      : checkPasswordPolicy(input.TemporaryPassword, pool.settings.passwordPolicy);
  let user = newUser(
    ctx,
    pool,
    input.Username,
    toAttributes(pool, input.UserAttributes),
    'FORCE_CHANGE_PASSWORD',
  );
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
  const password = checkPasswordPolicy(input.Password, pool.settings.passwordPolicy);
  ctx.store.updateUser({
    ...withPassword(pool, user, password),
    status: input.Permanent === true ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD',
    failed_logins: 0,
    locked_until: 0,
    updated_at: nowSeconds(ctx),
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
    ctx.store.updateUser({ ...user, enabled: enabled ? 1 : 0, updated_at: nowSeconds(ctx) });
    // "AdminDisableUser … revokes all access tokens for the user": enabling them again revives none.
    if (!enabled) signOutEverywhere(ctx, pool, user);
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
  const current = attributesOf(user);
  const attributes = { ...current, ...toAttributes(pool, input.UserAttributes, current) };
  ctx.store.updateUser({
    ...user,
    attributes: JSON.stringify(attributes),
    email: attributes.email ?? null,
    updated_at: nowSeconds(ctx),
  });
  return {};
}

/** AdminDeleteUserAttributes: removes attributes (custom ones as `custom:<name>`) from a user. */
export function adminDeleteUserAttributes(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(
    z.object({
      UserPoolId: z.string().min(1),
      Username: z.string().min(1),
      UserAttributeNames: z.array(z.string().min(1).max(32)).max(50),
    }),
    body,
  );
  const pool = requirePool(ctx.store, input.UserPoolId);
  const user = requireUser(ctx, pool, input.Username);
  checkAttributeDeletes(pool, input.UserAttributeNames);
  const attributes = attributesOf(user);
  for (const name of input.UserAttributeNames) delete attributes[name];
  ctx.store.updateUser({
    ...user,
    attributes: JSON.stringify(attributes),
    email: attributes.email ?? null,
    updated_at: nowSeconds(ctx),
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
  ctx.store.updateUser({ ...user, mfa: JSON.stringify(mfa), updated_at: nowSeconds(ctx) });
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

/** SetUserMFAPreference: the signed-in user's own MFA settings (Amplify `updateMFAPreference`). */
export async function setUserMFAPreference(ctx: Context, body: Record<string, unknown>): Promise<unknown> {
  const input = parseInput(z.object({ AccessToken: z.string().min(1), ...mfaInput }), body);
  const { user } = await userFromAccessToken(ctx, input.AccessToken);
  applyMfa(ctx, user, input);
  return {};
}
