import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context } from './context';
import {
  attributesOf,
  checkPasswordPolicy,
  findUser,
  maskEmail,
  mfaOf,
  srpPoolName,
  type Client,
  type Pool,
} from './cognito-model';
import { issueTokens } from './cognito-tokens';
import { ServiceError, invalidParameter } from './errors';
import { newCode, newOpaque, nowSeconds } from './ids';
import { sendMessage } from './outbox';
import {
  checkPassword,
  claimSignature,
  createServerEphemeral,
  createVerifier,
  parseA,
  serverKey,
} from './srp';
import type { UserRow } from './store';
import {
  INCORRECT,
  newSession,
  notAuthorized,
  requireParam,
  spend,
  type AuthResponse,
  type ChallengeAnswer,
  type SessionState,
  type StateOf,
} from './cognito-auth-session';

// Sign-in with a password (USER_PASSWORD_AUTH and SRP), and what may follow it: a forced new password
// and an emailed one-time code.

/** Wrong answers to one EMAIL_OTP challenge before its session is spent. */
const MAX_OTP_ATTEMPTS = 3;
/** Consecutive wrong passwords before sign-in is locked (Cognito: 5), and the first lock in seconds. */
const MAX_PASSWORD_FAILURES = 5;
const FIRST_LOCK_SECONDS = 30;
const OTP_VALIDITY_SECONDS = 300;

/** Unknown users: NotAuthorized under PreventUserExistenceErrors, UserNotFound otherwise. */
export function lookupForPassword(ctx: Context, pool: Pool, client: Client, username: string): UserRow {
  const user = findUser(ctx.store, pool, username);
  if (user === undefined) {
    if (client.settings.preventUserExistenceErrors === 'ENABLED') throw notAuthorized();
    throw new ServiceError('UserNotFoundException', 'User does not exist.');
  }
  if (!user.enabled) throw notAuthorized('User is disabled.');
  return user;
}

export function verifyPasswordOrCount(ctx: Context, user: UserRow, check: () => boolean): void {
  const now = nowSeconds(ctx);
  if (user.locked_until > now) throw notAuthorized('Password attempts exceeded');
  if (check()) {
    if (user.failed_logins !== 0)
      ctx.store.updateUser({ ...user, failed_logins: 0, locked_until: 0, updated_at: now });
    user.failed_logins = 0;
    return;
  }
  const failures = user.failed_logins + 1;
  const lockedUntil =
    failures >= MAX_PASSWORD_FAILURES
      ? now + Math.min(900, FIRST_LOCK_SECONDS * 2 ** (failures - MAX_PASSWORD_FAILURES))
      : 0;
  ctx.store.updateUser({ ...user, failed_logins: failures, locked_until: lockedUntil });
  throw notAuthorized(failures >= MAX_PASSWORD_FAILURES ? 'Password attempts exceeded' : INCORRECT);
}

/** After a correct password: confirmation, a forced new password, then email MFA, then tokens. */
export async function afterPassword(
  ctx: Context,
  pool: Pool,
  client: Client,
  user: UserRow,
): Promise<AuthResponse> {
  if (user.status === 'UNCONFIRMED')
    throw new ServiceError('UserNotConfirmedException', 'User is not confirmed.');
  if (user.status === 'RESET_REQUIRED')
    throw new ServiceError('PasswordResetRequiredException', 'Password reset required for the user');
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    const attributes = attributesOf(user);
    const { sub: _sub, email_verified: _verified, ...editable } = attributes;
    return {
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: newSession(ctx, pool, client, { kind: 'NEW_PASSWORD_REQUIRED', username: user.username }),
      ChallengeParameters: {
        USER_ID_FOR_SRP: user.username,
        requiredAttributes: '[]',
        userAttributes: JSON.stringify(editable),
      },
    };
  }
  return mfaOrTokens(ctx, pool, client, user);
}

async function mfaOrTokens(ctx: Context, pool: Pool, client: Client, user: UserRow): Promise<AuthResponse> {
  const email = attributesOf(user).email;
  if (
    pool.settings.mfaConfiguration !== 'OFF' &&
    mfaOf(user).EMAIL_OTP?.enabled === true &&
    email !== undefined
  ) {
    const code = newCode();
    ctx.store.putCode(pool.id, user.username, 'EMAIL_OTP', code, nowSeconds(ctx) + OTP_VALIDITY_SECONDS);
    sendMessage(ctx, {
      to: email,
      kind: 'mfa',
      code,
      subject: 'Your sign-in code',
      body: `Your authentication code is ${code}.`,
    });
    return {
      ChallengeName: 'EMAIL_OTP',
      Session: newSession(ctx, pool, client, { kind: 'EMAIL_OTP', username: user.username, attempts: 0 }),
      ChallengeParameters: {
        CODE_DELIVERY_DELIVERY_MEDIUM: 'EMAIL',
        CODE_DELIVERY_DESTINATION: maskEmail(email),
        USER_ID_FOR_SRP: user.username,
      },
    };
  }
  return { ChallengeParameters: {}, AuthenticationResult: await issueTokens(ctx, pool, client, user) };
}

export function startSrp(
  ctx: Context,
  pool: Pool,
  client: Client,
  username: string,
  srpA: string,
): AuthResponse {
  const A = parseA(srpA);
  if (A === undefined) throw invalidParameter('Invalid SRP_A');
  let user = findUser(ctx.store, pool, username);
  if (user !== undefined && !user.enabled) throw notAuthorized('User is disabled.');
  if (user === undefined && client.settings.preventUserExistenceErrors !== 'ENABLED') {
    throw new ServiceError('UserNotFoundException', 'User does not exist.');
  }
  if (user?.srp_verifier === null || user?.srp_salt === null) user = undefined;
  // Unknown users get a challenge that no password can answer, so the caller cannot tell them apart.
  const fake = createVerifier(srpPoolName(pool.id), username, newOpaque(32));
  const salt = user?.srp_salt ?? fake.salt;
  const verifier = user?.srp_verifier ?? fake.verifier;
  const userId = user?.username ?? username;
  const { b, B } = createServerEphemeral(verifier);
  const secretBlock = randomBytes(512).toString('base64');
  const state: SessionState = {
    kind: 'PASSWORD_VERIFIER',
    username: userId,
    userNotFound: user === undefined,
    A: A.toString(16),
    b,
    B,
    secretBlock,
    verifier,
  };
  return {
    ChallengeName: 'PASSWORD_VERIFIER',
    Session: newSession(ctx, pool, client, state),
    ChallengeParameters: {
      SALT: salt,
      SECRET_BLOCK: secretBlock,
      SRP_B: B,
      USERNAME: userId,
      USER_ID_FOR_SRP: userId,
    },
  };
}

/** USER_PASSWORD_AUTH: the password checked against the stored SRP verifier. */
export function checkPlainPassword(pool: Pool, user: UserRow, password: string): boolean {
  return user.srp_salt !== null && user.srp_verifier !== null
    ? checkPassword(srpPoolName(pool.id), user.username, password, {
        salt: user.srp_salt,
        verifier: user.srp_verifier,
      })
    : false;
}

/** PASSWORD_VERIFIER: the client's SRP claim, signed with the session key. */
export async function answerPasswordVerifier({
  ctx,
  pool,
  client,
  hash,
  state,
  responses,
}: ChallengeAnswer<StateOf<'PASSWORD_VERIFIER'>>): Promise<AuthResponse> {
  spend(ctx, hash);
  const secretBlock = requireParam(responses, 'PASSWORD_CLAIM_SECRET_BLOCK');
  const timestamp = requireParam(responses, 'TIMESTAMP');
  const signature = requireParam(responses, 'PASSWORD_CLAIM_SIGNATURE');
  // The session key is computed before the user is looked at: an unknown user's answer (checked
  // against the fake verifier) costs the same exponentiations as a known user's.
  const A = parseA(state.A);
  const key = A === undefined ? undefined : serverKey(A, state.B, state.b, state.verifier);
  const user = state.userNotFound ? undefined : ctx.store.getUser(pool.id, state.username);
  if (user === undefined) throw notAuthorized();
  verifyPasswordOrCount(ctx, user, () => {
    if (secretBlock !== state.secretBlock) return false;
    if (key === undefined) return false;
    const expected = claimSignature(
      key,
      srpPoolName(pool.id),
      state.username,
      Buffer.from(secretBlock, 'base64'),
      timestamp,
    );
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return afterPassword(ctx, pool, client, user);
}

/** EMAIL_OTP: the emailed code, with a few attempts per Session. */
export async function answerEmailOtp({
  ctx,
  pool,
  client,
  hash,
  state,
  responses,
}: ChallengeAnswer<StateOf<'EMAIL_OTP'>>): Promise<AuthResponse> {
  const code = requireParam(responses, 'EMAIL_OTP_CODE');
  const user = ctx.store.getUser(pool.id, state.username);
  const stored = ctx.store.getCode(pool.id, state.username, 'EMAIL_OTP');
  if (user === undefined || stored === undefined) {
    spend(ctx, hash);
    throw notAuthorized('Invalid session for the user.');
  }
  const given = Buffer.from(code);
  const ok =
    stored.expires_at > nowSeconds(ctx) &&
    given.length === stored.code.length &&
    timingSafeEqual(given, Buffer.from(stored.code));
  if (!ok) {
    const attempts = state.attempts + 1;
    if (attempts >= MAX_OTP_ATTEMPTS) {
      ctx.store.deleteSession(hash);
      ctx.store.deleteCode(pool.id, state.username, 'EMAIL_OTP');
    } else {
      ctx.store.updateSessionState(hash, JSON.stringify({ ...state, attempts }));
    }
    throw new ServiceError('CodeMismatchException', 'Invalid code or auth state for the user.');
  }
  spend(ctx, hash);
  ctx.store.deleteCode(pool.id, state.username, 'EMAIL_OTP');
  return { ChallengeParameters: {}, AuthenticationResult: await issueTokens(ctx, pool, client, user) };
}

/** NEW_PASSWORD_REQUIRED: the user's own password replaces the temporary one. */
export async function answerNewPassword({
  ctx,
  pool,
  client,
  hash,
  state,
  responses,
}: ChallengeAnswer<StateOf<'NEW_PASSWORD_REQUIRED'>>): Promise<AuthResponse> {
  const password = checkPasswordPolicy(requireParam(responses, 'NEW_PASSWORD'), pool.settings.passwordPolicy);
  spend(ctx, hash);
  const user = ctx.store.getUser(pool.id, state.username);
  if (user === undefined) throw notAuthorized();
  const { salt, verifier } = createVerifier(srpPoolName(pool.id), user.username, password);
  const updated = {
    ...user,
    srp_salt: salt,
    srp_verifier: verifier,
    status: 'CONFIRMED',
    updated_at: nowSeconds(ctx),
  };
  ctx.store.updateUser(updated);
  return mfaOrTokens(ctx, pool, client, updated);
}
