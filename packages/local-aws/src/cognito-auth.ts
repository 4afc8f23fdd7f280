import { z } from 'zod';
import { parseInput, stringMap, type Context } from './context';
import { requireClient, userAttributeList, mfaSummary, type Pool } from './cognito-model';
import { refreshTokens, userFromAccessToken } from './cognito-tokens';
import { ServiceError, invalidParameter } from './errors';
import { nowSeconds, sha256 } from './ids';
import type { UserRow } from './store';
import { answerCustomChallenge, startCustomAuth } from './cognito-auth-custom';
import {
  afterPassword,
  answerEmailOtp,
  answerNewPassword,
  answerPasswordVerifier,
  checkPlainPassword,
  lookupForPassword,
  startSrp,
  verifyPasswordOrCount,
} from './cognito-auth-password';
import {
  notAuthorized,
  openSession,
  requireFlow,
  requireParam,
  type AuthResponse,
} from './cognito-auth-session';

// The Cognito sign-in operations: InitiateAuth starts a flow, RespondToAuthChallenge hands each answer to
// the step for its challenge (cognito-auth-password.ts, cognito-auth-custom.ts), and the token operations.

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
      verifyPasswordOrCount(ctx, user, () => checkPlainPassword(pool, user, password));
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
  const { hash, state } = openSession(ctx, client, input.Session);
  if (state.kind !== input.ChallengeName) {
    throw invalidParameter(`Invalid challenge name ${input.ChallengeName.slice(0, 64)} for this session.`);
  }
  const answer = {
    ctx,
    pool,
    client,
    hash,
    responses: input.ChallengeResponses ?? {},
    clientMetadata: input.ClientMetadata,
  };
  switch (state.kind) {
    case 'CUSTOM_CHALLENGE':
      return answerCustomChallenge({ ...answer, state });
    case 'PASSWORD_VERIFIER':
      return answerPasswordVerifier({ ...answer, state });
    case 'EMAIL_OTP':
      return answerEmailOtp({ ...answer, state });
    case 'NEW_PASSWORD_REQUIRED':
      return answerNewPassword({ ...answer, state });
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
  ctx.store.revokeRefreshToken(hash, row.origin_jti, nowSeconds(ctx));
  return {};
}

/** Signs a user out everywhere: every refresh token and the tokens they minted stop working. */
export function signOutEverywhere(ctx: Context, pool: Pool, user: UserRow): void {
  const rows = ctx.store.db
    .prepare(
      'SELECT token_hash, origin_jti FROM refresh_tokens WHERE pool_id = ? AND username = ? AND revoked = 0',
    )
    .all(pool.id, user.username) as { token_hash: string; origin_jti: string }[];
  const now = nowSeconds(ctx);
  for (const row of rows) ctx.store.revokeRefreshToken(row.token_hash, row.origin_jti, now);
  ctx.store.revokeAllRefreshTokens(pool.id, user.username);
}

export async function globalSignOut(ctx: Context, body: Record<string, unknown>): Promise<unknown> {
  const { pool, user } = await userFromAccessToken(ctx, body.AccessToken);
  signOutEverywhere(ctx, pool, user);
  return {};
}
