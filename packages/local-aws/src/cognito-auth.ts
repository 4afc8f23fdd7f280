import { randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { parseInput, stringMap, type Context } from './context';
import {
  attributesOf,
  checkPasswordPolicy,
  findUser,
  maskEmail,
  mfaOf,
  requireClient,
  srpPoolName,
  userAttributeList,
  mfaSummary,
  type Client,
  type Pool,
} from './cognito-model';
import {
  issueTokens,
  refreshTokens,
  userFromAccessToken,
  withStatus,
  type AuthenticationResult,
} from './cognito-tokens';
import { ServiceError, invalidParameter } from './errors';
import { newCode, newOpaque, nowSeconds, sha256 } from './ids';
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
import { envelope, hasTrigger, runTrigger } from './triggers';

interface SessionEntry {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata: string | null;
}

type SessionState =
  | {
      kind: 'CUSTOM_CHALLENGE';
      username: string;
      userNotFound: boolean;
      session: SessionEntry[];
      privateParams: Record<string, string>;
      challengeMetadata: string | null;
    }
  | {
      kind: 'PASSWORD_VERIFIER';
      username: string;
      userNotFound: boolean;
      A: string;
      b: string;
      B: string;
      secretBlock: string;
      verifier: string;
    }
  | { kind: 'EMAIL_OTP'; username: string; attempts: number }
  | { kind: 'NEW_PASSWORD_REQUIRED'; username: string };

interface AuthResponse {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters: Record<string, string>;
  AuthenticationResult?: AuthenticationResult;
}

const INCORRECT = 'Incorrect username or password.';
/** Wrong answers to one EMAIL_OTP challenge before its session is spent. */
const MAX_OTP_ATTEMPTS = 3;
/** Consecutive wrong passwords before sign-in is locked (Cognito: 5), and the first lock in seconds. */
const MAX_PASSWORD_FAILURES = 5;
const FIRST_LOCK_SECONDS = 30;
const OTP_VALIDITY_SECONDS = 300;

const notAuthorized = (message = INCORRECT): ServiceError =>
  new ServiceError('NotAuthorizedException', message);

function requireFlow(client: Client, flow: string): void {
  if (!client.settings.explicitAuthFlows.includes(`ALLOW_${flow}` as never)) {
    throw invalidParameter(`${flow} flow not enabled for this client`);
  }
}

function newSession(ctx: Context, pool: Pool, client: Client, state: SessionState): string {
  const token = newOpaque(144);
  ctx.store.purgeExpiredSessions(nowSeconds());
  ctx.store.putSession(
    sha256(token),
    pool.id,
    client.id,
    JSON.stringify(state),
    nowSeconds() + client.settings.authSessionValidity * 60,
  );
  return token;
}

/** Opens a Session; it is single-use, so the caller spends it with `ctx.store.deleteSession`. */
function openSession(
  ctx: Context,
  client: Client,
  token: string | undefined,
): { hash: string; state: SessionState } {
  if (token === undefined || token === '') throw invalidParameter('Missing required parameter Session');
  const hash = sha256(token);
  const row = ctx.store.getSession(hash);
  if (row === undefined || row.client_id !== client.id) throw notAuthorized('Invalid session for the user.');
  if (row.expires_at <= nowSeconds()) {
    ctx.store.deleteSession(hash);
    throw notAuthorized('Invalid session for the user, session is expired.');
  }
  return { hash, state: JSON.parse(row.state) as SessionState };
}

function spend(ctx: Context, hash: string): void {
  // Two concurrent answers to one Session: only the first may proceed.
  if (!ctx.store.deleteSession(hash)) throw notAuthorized('Invalid session for the user.');
}

const initiateSchema = z.object({
  AuthFlow: z.string(),
  ClientId: z.string().min(1),
  AuthParameters: stringMap.optional(),
  ClientMetadata: stringMap.optional(),
});

export async function initiateAuth(ctx: Context, body: Record<string, unknown>): Promise<AuthResponse> {
  const input = parseInput(initiateSchema, body);
  const { pool, client } = requireClient(ctx.store, input.ClientId);
  const params = input.AuthParameters ?? {};
  switch (input.AuthFlow) {
    case 'CUSTOM_AUTH': {
      requireFlow(client, 'CUSTOM_AUTH');
      if (params.SRP_A !== undefined || params.CHALLENGE_NAME !== undefined) {
        throw new ServiceError(
          'UnsupportedOperationException',
          'CUSTOM_AUTH with SRP_A is not supported by local-aws.',
        );
      }
      return startCustomAuth(ctx, pool, client, requireParam(params, 'USERNAME'));
    }
    case 'USER_PASSWORD_AUTH': {
      requireFlow(client, 'USER_PASSWORD_AUTH');
      const user = lookupForPassword(ctx, pool, client, requireParam(params, 'USERNAME'));
      const password = requireParam(params, 'PASSWORD');
      verifyPasswordOrCount(ctx, user, () =>
        user.srp_salt !== null && user.srp_verifier !== null
          ? checkPassword(srpPoolName(pool.id), user.username, password, {
              salt: user.srp_salt,
              verifier: user.srp_verifier,
            })
          : false,
      );
      return afterPassword(ctx, pool, client, user);
    }
    case 'USER_SRP_AUTH':
      requireFlow(client, 'USER_SRP_AUTH');
      return startSrp(ctx, pool, client, requireParam(params, 'USERNAME'), requireParam(params, 'SRP_A'));
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return {
        ChallengeParameters: {},
        AuthenticationResult: await refreshTokens(ctx, pool, client, params.REFRESH_TOKEN),
      };
    case 'USER_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
    case 'ADMIN_USER_PASSWORD_AUTH':
      throw invalidParameter(`${input.AuthFlow} flow not enabled for this client`);
    default:
      throw invalidParameter(
        `1 validation error detected: Value '${input.AuthFlow.slice(0, 64)}' at 'authFlow' failed to satisfy constraint`,
      );
  }
}

function requireParam(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw invalidParameter(`Missing required parameter ${name}`);
  return value;
}

/** Unknown users: NotAuthorized under PreventUserExistenceErrors, UserNotFound otherwise. */
function lookupForPassword(ctx: Context, pool: Pool, client: Client, username: string): UserRow {
  const user = findUser(ctx.store, pool, username);
  if (user === undefined) {
    if (client.settings.preventUserExistenceErrors === 'ENABLED') throw notAuthorized();
    throw new ServiceError('UserNotFoundException', 'User does not exist.');
  }
  if (!user.enabled) throw notAuthorized('User is disabled.');
  return user;
}

function verifyPasswordOrCount(ctx: Context, user: UserRow, check: () => boolean): void {
  const now = nowSeconds();
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
async function afterPassword(ctx: Context, pool: Pool, client: Client, user: UserRow): Promise<AuthResponse> {
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
    ctx.store.putCode(pool.id, user.username, 'EMAIL_OTP', code, nowSeconds() + OTP_VALIDITY_SECONDS);
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

function startSrp(ctx: Context, pool: Pool, client: Client, username: string, srpA: string): AuthResponse {
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

async function startCustomAuth(
  ctx: Context,
  pool: Pool,
  client: Client,
  username: string,
): Promise<AuthResponse> {
  if (!hasTrigger(pool, 'DefineAuthChallenge')) {
    throw new ServiceError(
      'InvalidUserPoolConfigurationException',
      'DefineAuthChallenge trigger is not configured.',
    );
  }
  const user = findUser(ctx.store, pool, username);
  if (user === undefined && client.settings.preventUserExistenceErrors !== 'ENABLED') {
    throw new ServiceError('UserNotFoundException', 'User does not exist.');
  }
  if (user !== undefined) {
    if (!user.enabled) throw notAuthorized('User is disabled.');
    // FORCE_CHANGE_PASSWORD users may sign in with custom auth; unconfirmed ones may not.
    if (user.status === 'UNCONFIRMED')
      throw new ServiceError('UserNotConfirmedException', 'User is not confirmed.');
  }
  const state: Extract<SessionState, { kind: 'CUSTOM_CHALLENGE' }> = {
    kind: 'CUSTOM_CHALLENGE',
    username: user?.username ?? username,
    userNotFound: user === undefined,
    session: [],
    privateParams: {},
    challengeMetadata: null,
  };
  // InitiateAuth's ClientMetadata is not passed to Define/Create (API reference, InitiateAuth ClientMetadata).
  return customRound(ctx, pool, client, user, state, undefined);
}

async function customRound(
  ctx: Context,
  pool: Pool,
  client: Client,
  user: UserRow | undefined,
  state: Extract<SessionState, { kind: 'CUSTOM_CHALLENGE' }>,
  clientMetadata: Record<string, string> | undefined,
): Promise<AuthResponse> {
  const common = {
    userAttributes: user === undefined ? {} : withStatus(user, pool),
    ...(client.settings.preventUserExistenceErrors === 'ENABLED' ? { userNotFound: state.userNotFound } : {}),
    ...(clientMetadata !== undefined ? { clientMetadata } : {}),
  };
  const defined = await runTrigger(
    ctx,
    pool,
    'DefineAuthChallenge',
    envelope(
      pool,
      client,
      'DefineAuthChallenge_Authentication',
      state.username,
      { ...common, session: state.session },
      {},
    ),
  );
  const decision = defined.response as {
    challengeName?: unknown;
    issueTokens?: unknown;
    failAuthentication?: unknown;
  };
  if (decision.failAuthentication === true) throw notAuthorized();
  if (decision.issueTokens === true) {
    if (user === undefined) throw notAuthorized();
    return { ChallengeParameters: {}, AuthenticationResult: await issueTokens(ctx, pool, client, user) };
  }
  if (decision.challengeName !== 'CUSTOM_CHALLENGE') {
    throw new ServiceError(
      'InvalidLambdaResponseException',
      'Invalid lambda response from DefineAuthChallenge.',
    );
  }
  const created = await runTrigger(
    ctx,
    pool,
    'CreateAuthChallenge',
    envelope(
      pool,
      client,
      'CreateAuthChallenge_Authentication',
      state.username,
      { ...common, challengeName: 'CUSTOM_CHALLENGE', session: state.session },
      {},
    ),
  );
  const response = created.response as {
    publicChallengeParameters?: unknown;
    privateChallengeParameters?: unknown;
    challengeMetadata?: unknown;
  };
  const next: typeof state = {
    ...state,
    privateParams: stringValues(response.privateChallengeParameters),
    challengeMetadata: typeof response.challengeMetadata === 'string' ? response.challengeMetadata : null,
  };
  return {
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: newSession(ctx, pool, client, next),
    ChallengeParameters: { ...stringValues(response.publicChallengeParameters), USERNAME: state.username },
  };
}

function stringValues(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined && v !== null) out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}

const respondSchema = z.object({
  ClientId: z.string().min(1),
  ChallengeName: z.string().min(1),
  Session: z.string().optional(),
  ChallengeResponses: stringMap.optional(),
  ClientMetadata: stringMap.optional(),
});

export async function respondToAuthChallenge(
  ctx: Context,
  body: Record<string, unknown>,
): Promise<AuthResponse> {
  const input = parseInput(respondSchema, body);
  const { pool, client } = requireClient(ctx.store, input.ClientId);
  const responses = input.ChallengeResponses ?? {};
  const { hash, state } = openSession(ctx, client, input.Session);
  if (state.kind !== input.ChallengeName) {
    throw invalidParameter(`Invalid challenge name ${input.ChallengeName.slice(0, 64)} for this session.`);
  }
  switch (state.kind) {
    case 'CUSTOM_CHALLENGE': {
      const answer = requireParam(responses, 'ANSWER');
      const named = requireParam(responses, 'USERNAME');
      spend(ctx, hash);
      const user = state.userNotFound ? undefined : ctx.store.getUser(pool.id, state.username);
      if (!state.userNotFound && user === undefined) throw notAuthorized();
      // The answer must name the user the Session belongs to (by username, sub or email).
      const namedUser = named === state.username ? user : findUser(ctx.store, pool, named);
      if (state.userNotFound ? named !== state.username : namedUser?.username !== user?.username)
        throw notAuthorized();
      const common = {
        userAttributes: user === undefined ? {} : withStatus(user, pool),
        ...(client.settings.preventUserExistenceErrors === 'ENABLED'
          ? { userNotFound: state.userNotFound }
          : {}),
        ...(input.ClientMetadata !== undefined ? { clientMetadata: input.ClientMetadata } : {}),
      };
      const verified = await runTrigger(
        ctx,
        pool,
        'VerifyAuthChallengeResponse',
        envelope(
          pool,
          client,
          'VerifyAuthChallengeResponse_Authentication',
          state.username,
          { ...common, privateChallengeParameters: state.privateParams, challengeAnswer: answer },
          {},
        ),
      );
      const answerCorrect = (verified.response as { answerCorrect?: unknown }).answerCorrect === true;
      const next = {
        ...state,
        session: [
          ...state.session,
          {
            challengeName: 'CUSTOM_CHALLENGE',
            challengeResult: answerCorrect,
            challengeMetadata: state.challengeMetadata,
          },
        ],
      };
      return customRound(ctx, pool, client, user, next, input.ClientMetadata);
    }
    case 'PASSWORD_VERIFIER': {
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
    case 'EMAIL_OTP': {
      const code = requireParam(responses, 'EMAIL_OTP_CODE');
      const user = ctx.store.getUser(pool.id, state.username);
      const stored = ctx.store.getCode(pool.id, state.username, 'EMAIL_OTP');
      if (user === undefined || stored === undefined) {
        spend(ctx, hash);
        throw notAuthorized('Invalid session for the user.');
      }
      const given = Buffer.from(code);
      const ok =
        stored.expires_at > nowSeconds() &&
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
    case 'NEW_PASSWORD_REQUIRED': {
      const password = checkPasswordPolicy(requireParam(responses, 'NEW_PASSWORD'));
      spend(ctx, hash);
      const user = ctx.store.getUser(pool.id, state.username);
      if (user === undefined) throw notAuthorized();
      const { salt, verifier } = createVerifier(srpPoolName(pool.id), user.username, password);
      const updated = {
        ...user,
        srp_salt: salt,
        srp_verifier: verifier,
        status: 'CONFIRMED',
        updated_at: nowSeconds(),
      };
      ctx.store.updateUser(updated);
      return mfaOrTokens(ctx, pool, client, updated);
    }
  }
}

export async function getTokensFromRefreshToken(
  ctx: Context,
  body: Record<string, unknown>,
): Promise<unknown> {
  const input = parseInput(z.object({ ClientId: z.string().min(1), RefreshToken: z.string().min(1) }), body);
  const { pool, client } = requireClient(ctx.store, input.ClientId);
  return { AuthenticationResult: await refreshTokens(ctx, pool, client, input.RefreshToken) };
}

export async function getUser(ctx: Context, body: Record<string, unknown>): Promise<unknown> {
  const { user } = await userFromAccessToken(ctx, body.AccessToken);
  return { Username: user.username, UserAttributes: userAttributeList(user), ...mfaSummary(user) };
}

export function revokeToken(ctx: Context, body: Record<string, unknown>): unknown {
  const input = parseInput(z.object({ Token: z.string().min(1), ClientId: z.string().min(1) }), body);
  const { client } = requireClient(ctx.store, input.ClientId);
  const hash = sha256(input.Token);
  const row = ctx.store.getRefreshToken(hash);
  if (row === undefined) {
    if (input.Token.split('.').length === 3)
      throw new ServiceError('UnsupportedOperationException', 'Only refresh tokens can be revoked.');
    return {};
  }
  if (row.client_id !== client.id) throw notAuthorized('Invalid client for this token.');
  ctx.store.revokeRefreshToken(hash, row.origin_jti, nowSeconds());
  return {};
}

/** Signs a user out everywhere: every refresh token and the tokens they minted stop working. */
export function signOutEverywhere(ctx: Context, pool: Pool, user: UserRow): void {
  const rows = ctx.store.db
    .prepare(
      'SELECT token_hash, origin_jti FROM refresh_tokens WHERE pool_id = ? AND username = ? AND revoked = 0',
    )
    .all(pool.id, user.username) as { token_hash: string; origin_jti: string }[];
  const now = nowSeconds();
  for (const row of rows) ctx.store.revokeRefreshToken(row.token_hash, row.origin_jti, now);
  ctx.store.revokeAllRefreshTokens(pool.id, user.username);
}

export async function globalSignOut(ctx: Context, body: Record<string, unknown>): Promise<unknown> {
  const { pool, user } = await userFromAccessToken(ctx, body.AccessToken);
  signOutEverywhere(ctx, pool, user);
  return {};
}
