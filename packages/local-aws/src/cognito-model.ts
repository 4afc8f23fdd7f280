import type { ClientConfig, LambdaConfig } from './config';
import { ServiceError, invalidParameter } from './errors';
import type { SchemaAttribute } from './cognito-schema';
import type { ClientRow, PoolRow, Store, UserRow } from './store';

/** A pool's settings as stored (the config's fields, without the clients). */
export interface PoolSettings {
  region: string;
  usernameAttributes: ('email' | 'phone_number')[];
  aliasAttributes: ('email' | 'phone_number' | 'preferred_username')[];
  mfaConfiguration: 'OFF' | 'ON' | 'OPTIONAL';
  lambdaConfig: LambdaConfig;
  /** Absent in a data dir of an earlier layout: Cognito's default applies. */
  passwordPolicy?: PasswordPolicy;
  /** The custom attributes (`custom:<name>`) in Cognito's described form; absent = none. */
  customAttributes?: SchemaAttribute[];
  /**
   * LambdaConfig entries this server stores and describes but does not run (CustomMessage,
   * PreAuthentication, KMSKeyID, …), as UpdateUserPool set them.
   */
  otherLambdaConfig?: Record<string, unknown>;
  /**
   * The other UpdateUserPool fields as last set (DeletionProtection, VerificationMessageTemplate,
   * AdminCreateUserConfig, …): described back unchanged, not acted on.
   */
  described?: Record<string, unknown>;
  /** When UpdateUserPool or AddCustomAttributes last changed the pool (seconds). */
  lastModifiedAt?: number;
}

export interface PasswordPolicy {
  minLength: number;
  requireLowercase: boolean;
  requireUppercase: boolean;
  requireDigits: boolean;
  requireSymbols: boolean;
}

/** Cognito's default password policy: 8+ characters with upper, lower, digit and symbol. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minLength: 8,
  requireLowercase: true,
  requireUppercase: true,
  requireDigits: true,
  requireSymbols: true,
};
export type ClientSettings = Omit<ClientConfig, 'id' | 'name'>;

export interface Pool {
  id: string;
  name: string;
  createdAt: number;
  settings: PoolSettings;
}
export interface Client {
  id: string;
  poolId: string;
  name: string;
  createdAt: number;
  settings: ClientSettings;
}

export type MfaName = 'SMS_MFA' | 'SOFTWARE_TOKEN_MFA' | 'EMAIL_OTP' | 'WEB_AUTHN';
export type MfaSettings = Partial<Record<MfaName, { enabled: boolean; preferred: boolean }>>;

export const toPool = (row: PoolRow): Pool => ({
  id: row.id,
  name: row.name,
  createdAt: row.created_at,
  settings: JSON.parse(row.settings) as PoolSettings,
});
export const toClient = (row: ClientRow): Client => ({
  id: row.id,
  poolId: row.pool_id,
  name: row.name,
  createdAt: row.created_at,
  settings: JSON.parse(row.settings) as ClientSettings,
});

/** The part of the pool ID after `_`: SRP's "pool name". */
export const srpPoolName = (poolId: string): string => poolId.split('_')[1] ?? '';

export const issuerOf = (pool: Pool): string =>
  `https://cognito-idp.${pool.settings.region}.amazonaws.com/${pool.id}`;

export function requirePool(store: Store, poolId: unknown): Pool {
  if (typeof poolId !== 'string' || poolId === '') throw invalidParameter('UserPoolId is required.');
  const row = store.getPool(poolId);
  if (row === undefined)
    throw new ServiceError('ResourceNotFoundException', `User pool ${poolId} does not exist.`);
  return toPool(row);
}

export function requireClient(store: Store, clientId: unknown): { pool: Pool; client: Client } {
  if (typeof clientId !== 'string' || clientId === '') throw invalidParameter('ClientId is required.');
  const row = store.getClient(clientId);
  const poolRow = row === undefined ? undefined : store.getPool(row.pool_id);
  if (row === undefined || poolRow === undefined) {
    throw new ServiceError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  }
  return { pool: toPool(poolRow), client: toClient(row) };
}

export const attributesOf = (user: UserRow): Record<string, string> =>
  JSON.parse(user.attributes) as Record<string, string>;
export const mfaOf = (user: UserRow): MfaSettings => JSON.parse(user.mfa) as MfaSettings;

/** Sign-in by email works when email is the username attribute, or a verified alias. */
function emailSignIn(pool: Pool): boolean {
  return (
    pool.settings.usernameAttributes.includes('email') || pool.settings.aliasAttributes.includes('email')
  );
}

/**
 * Finds a user by what a caller typed: the username, the `sub` (which is the username when email is the
 * username attribute), or the email when email signs in (as username attribute, or a verified alias).
 */
export function findUser(store: Store, pool: Pool, name: string): UserRow | undefined {
  const byName = store.getUser(pool.id, name) ?? store.getUserBySub(pool.id, name);
  if (byName !== undefined) return byName;
  if (!emailSignIn(pool) || !name.includes('@')) return undefined;
  const candidates = store.getUsersByEmail(pool.id, name);
  if (pool.settings.usernameAttributes.includes('email')) return candidates[0];
  return candidates.find((u) => attributesOf(u).email_verified === 'true');
}

export function userAttributeList(user: UserRow): { Name: string; Value: string }[] {
  return Object.entries(attributesOf(user)).map(([Name, Value]) => ({ Name, Value }));
}

/** `a***@e***` as in CodeDeliveryDetails. */
export function maskEmail(email: string): string {
  const [local = '', domain = ''] = email.split('@');
  return `${local.slice(0, 1)}***@${domain.slice(0, 1)}***`;
}

export function mfaSummary(user: UserRow): { UserMFASettingList?: string[]; PreferredMfaSetting?: string } {
  const mfa = mfaOf(user);
  const enabled = (Object.keys(mfa) as MfaName[]).filter((k) => mfa[k]?.enabled);
  const preferred = enabled.find((k) => mfa[k]?.preferred);
  return {
    ...(enabled.length > 0 ? { UserMFASettingList: enabled } : {}),
    ...(preferred !== undefined ? { PreferredMfaSetting: preferred } : {}),
  };
}

/** The pool's password policy (Cognito's default unless the pool sets one). */
export function checkPasswordPolicy(
  password: unknown,
  policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY,
): string {
  if (typeof password !== 'string' || password.length === 0) throw invalidParameter('Password is required.');
  const problems: string[] = [];
  if (password.length < policy.minLength) problems.push('Password not long enough');
  if (password.length > 256) problems.push('Password too long');
  if (policy.requireLowercase && !/[a-z]/.test(password))
    problems.push('Password must have lowercase characters');
  if (policy.requireUppercase && !/[A-Z]/.test(password))
    problems.push('Password must have uppercase characters');
  if (policy.requireDigits && !/[0-9]/.test(password)) problems.push('Password must have numeric characters');
  if (policy.requireSymbols && !/[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+\- ]/.test(password))
    problems.push('Password must have symbol characters');
  if (problems.length > 0) {
    throw new ServiceError(
      'InvalidPasswordException',
      `Password did not conform with policy: ${problems[0]}`,
    );
  }
  return password;
}
