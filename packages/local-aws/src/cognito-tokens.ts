import { randomUUID } from 'node:crypto';
import type { Context } from './context';
import { attributesOf, issuerOf, toClient, toPool, type Client, type Pool } from './cognito-model';
import { ServiceError } from './errors';
import { newOpaque, nowSeconds, sha256 } from './ids';
import type { UserRow } from './store';
import { envelope, hasTrigger, runTrigger } from './triggers';

export interface AuthenticationResult {
  AccessToken: string;
  ExpiresIn: number;
  TokenType: 'Bearer';
  IdToken: string;
  RefreshToken?: string;
}

/** Attributes that become ID token claims; `*_verified` are booleans there (strings everywhere else). */
function idClaimsOf(attributes: Record<string, string>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'email_verified' || name === 'phone_number_verified') claims[name] = value === 'true';
    else claims[name] = value;
  }
  return claims;
}

/**
 * Issues ID and access tokens (and a new opaque refresh token for a sign-in). A refresh reuses the
 * refresh token's `origin_jti` and `auth_time`, so revoking it also revokes the tokens it minted.
 */
export async function issueTokens(
  ctx: Context,
  pool: Pool,
  client: Client,
  user: UserRow,
  refresh?: { originJti: string; authTime: number },
): Promise<AuthenticationResult> {
  const now = nowSeconds(ctx);
  const originJti = refresh?.originJti ?? randomUUID();
  const authTime = refresh?.authTime ?? now;
  const eventId = randomUUID();
  const iss = issuerOf(pool);
  const validity = client.settings.tokenValidity;
  let idClaims: Record<string, unknown> = idClaimsOf(attributesOf(user));

  if (hasTrigger(pool, 'PreTokenGeneration')) {
    const answered = await runTrigger(
      ctx,
      pool,
      'PreTokenGeneration',
      envelope(
        pool,
        client,
        refresh === undefined ? 'TokenGeneration_Authentication' : 'TokenGeneration_RefreshTokens',
        user.username,
        {
          userAttributes: withStatus(user),
          groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
        },
        { claimsOverrideDetails: null },
      ),
    );
    const details = answered.response.claimsOverrideDetails as
      { claimsToAddOrOverride?: Record<string, unknown>; claimsToSuppress?: string[] } | null | undefined;
    const protectedClaims = new Set([
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'token_use',
      'cognito:username',
      'auth_time',
      'jti',
      'origin_jti',
      'event_id',
    ]);
    for (const [k, v] of Object.entries(details?.claimsToAddOrOverride ?? {}))
      if (!protectedClaims.has(k)) idClaims[k] = v;
    for (const k of details?.claimsToSuppress ?? []) if (!protectedClaims.has(k)) delete idClaims[k];
  }

  idClaims = {
    ...idClaims,
    sub: user.sub,
    iss,
    'cognito:username': user.username,
    origin_jti: originJti,
    aud: client.id,
    event_id: eventId,
    token_use: 'id',
    auth_time: authTime,
    iat: now,
    exp: now + validity.idToken,
    jti: randomUUID(),
  };
  const accessClaims = {
    sub: user.sub,
    iss,
    client_id: client.id,
    origin_jti: originJti,
    event_id: eventId,
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: authTime,
    iat: now,
    exp: now + validity.accessToken,
    jti: randomUUID(),
    username: user.username,
  };
  const result: AuthenticationResult = {
    AccessToken: await ctx.signer.sign(accessClaims),
    ExpiresIn: validity.accessToken,
    TokenType: 'Bearer',
    IdToken: await ctx.signer.sign(idClaims),
  };
  if (refresh === undefined) {
    const token = newOpaque(128);
    ctx.store.putRefreshToken({
      token_hash: sha256(token),
      pool_id: pool.id,
      client_id: client.id,
      username: user.username,
      origin_jti: originJti,
      auth_time: authTime,
      issued_at: now,
      expires_at: now + validity.refreshToken,
      revoked: 0,
    });
    result.RefreshToken = token;
  }
  return result;
}

/** userAttributes as triggers see them: with `cognito:user_status`, and the email alias when in use. */
export function withStatus(user: UserRow, pool?: Pool): Record<string, string> {
  const attributes = attributesOf(user);
  const out: Record<string, string> = { ...attributes, 'cognito:user_status': user.status };
  if (
    pool?.settings.aliasAttributes.includes('email') &&
    attributes.email !== undefined &&
    attributes.email_verified === 'true'
  ) {
    out['cognito:email_alias'] = attributes.email;
  }
  return out;
}

/** Tokens from a refresh token (REFRESH_TOKEN_AUTH and GetTokensFromRefreshToken). */
export async function refreshTokens(
  ctx: Context,
  pool: Pool,
  client: Client,
  token: unknown,
): Promise<AuthenticationResult> {
  if (typeof token !== 'string' || token === '')
    throw new ServiceError('InvalidParameterException', 'Missing required parameter REFRESH_TOKEN');
  const row = ctx.store.getRefreshToken(sha256(token));
  if (row === undefined || row.client_id !== client.id)
    throw new ServiceError('NotAuthorizedException', 'Invalid Refresh Token');
  if (row.revoked) throw new ServiceError('NotAuthorizedException', 'Refresh Token has been revoked');
  if (row.expires_at <= nowSeconds(ctx))
    throw new ServiceError('NotAuthorizedException', 'Refresh Token has expired');
  const user = ctx.store.getUser(pool.id, row.username);
  if (user === undefined) throw new ServiceError('NotAuthorizedException', 'Invalid Refresh Token');
  if (!user.enabled) throw new ServiceError('NotAuthorizedException', 'User is disabled.');
  return issueTokens(ctx, pool, client, user, { originJti: row.origin_jti, authTime: row.auth_time });
}

/** Validates an access token as GetUser / GlobalSignOut do, and returns its user. */
export async function userFromAccessToken(
  ctx: Context,
  token: unknown,
): Promise<{ pool: Pool; client: Client; user: UserRow }> {
  if (typeof token !== 'string' || token === '')
    throw new ServiceError('InvalidParameterException', 'AccessToken is required.');
  const parts = token.split('.');
  let unverified: { iss?: unknown } = {};
  try {
    unverified = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8')) as { iss?: unknown };
  } catch {
    throw new ServiceError('NotAuthorizedException', 'Invalid Access Token');
  }
  const poolId = typeof unverified.iss === 'string' ? unverified.iss.split('/').pop() : undefined;
  const poolRow = poolId === undefined ? undefined : ctx.store.getPool(poolId);
  if (poolRow === undefined || poolId === undefined)
    throw new ServiceError('NotAuthorizedException', 'Invalid Access Token');
  const pool = toPool(poolRow);
  const claims = await ctx.signer.verify(token, issuerOf(pool), ctx.now());
  if (claims === undefined) {
    const exp = (unverified as { exp?: unknown }).exp;
    if (typeof exp === 'number' && exp <= nowSeconds(ctx))
      throw new ServiceError('NotAuthorizedException', 'Access Token has expired');
    throw new ServiceError('NotAuthorizedException', 'Invalid Access Token');
  }
  if (claims.token_use !== 'access') throw new ServiceError('NotAuthorizedException', 'Invalid Access Token');
  if (typeof claims.origin_jti === 'string' && ctx.store.isOriginRevoked(claims.origin_jti)) {
    throw new ServiceError('NotAuthorizedException', 'Access Token has been revoked');
  }
  const user = typeof claims.username === 'string' ? ctx.store.getUser(pool.id, claims.username) : undefined;
  if (user === undefined) throw new ServiceError('NotAuthorizedException', 'Access Token has been revoked');
  if (!user.enabled) throw new ServiceError('NotAuthorizedException', 'User is disabled.');
  const clientRow = typeof claims.client_id === 'string' ? ctx.store.getClient(claims.client_id) : undefined;
  if (clientRow === undefined || clientRow.pool_id !== pool.id)
    throw new ServiceError('NotAuthorizedException', 'Invalid Access Token');
  return { pool, client: toClient(clientRow), user };
}
