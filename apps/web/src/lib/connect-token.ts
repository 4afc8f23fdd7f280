import { CognitoIdentityProviderClient, GetUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { CorbadoBackend } from '@cognito-passkeys/corbado-backend';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache, type JwksCache } from 'aws-jwt-verify/jwk';
import { z } from 'zod';

const jwt = z
  .string()
  .min(1)
  .max(16 * 1024);

/** The connect tokens the browser may ask for (never `passkey-login`, which needs no signed-in user). */
export const connectTokenRequestSchema = z.object({
  type: z.enum(['passkey-append', 'passkey-list', 'passkey-delete']),
  /** Both tokens of one Amplify session (`fetchAuthSession().tokens`). */
  idToken: jwt,
  accessToken: jwt,
});

export type ConnectTokenType = z.infer<typeof connectTokenRequestSchema>['type'];

/**
 * Why no connect token was minted. `reauthentication_required` and `session_revoked` ask the user to sign
 * in again; `cognito_unavailable` and `corbado_unavailable` are worth a retry.
 */
export type ConnectTokenErrorCode =
  /** The input is not a request this action serves. */
  | 'invalid_request'
  /** A token is forged, expired, of another pool or client, of the wrong use, or the two do not match. */
  | 'invalid_token'
  /** Adding or deleting a passkey needs a sign-in younger than `PASSKEY_REAUTH_MAX_AGE_SECONDS`. */
  | 'reauthentication_required'
  /** Cognito no longer accepts the session: signed out, revoked, user disabled or deleted. */
  | 'session_revoked'
  /** Cognito could not be asked about the session (so nothing is minted: fail closed). */
  | 'cognito_unavailable'
  | 'corbado_unavailable'
  /** The passkey mode (the kill switch) does not allow this token's type now. */
  | 'passkeys_disabled';

export type ConnectTokenResult = { ok: true; token: string } | { ok: false; code: ConnectTokenErrorCode };

/** The connect tokens that change a user's passkeys: these need a recent sign-in. */
const CHANGES_PASSKEYS: ReadonlySet<ConnectTokenType> = new Set(['passkey-append', 'passkey-delete']);

/** A session whose idToken and access token both verified and belong together. */
export interface VerifiedSession {
  /** `cognito:username`: the identifier passkeys are stored under at Corbado. */
  username: string;
  sub: string;
  /** What the passkey is labelled with on the device. */
  email: string;
  /** When the user last signed in (seconds); a refreshed idToken keeps the original sign-in's. */
  authTime: number;
}

export type SessionTokensVerifier = (tokens: {
  idToken: string;
  accessToken: string;
}) => Promise<VerifiedSession>;

/** Tokens that are well-formed and signed but do not make one session of this client. */
export class SessionTokensMismatchError extends Error {
  override readonly name = 'SessionTokensMismatchError';
}

/**
 * Verifies both tokens of a Cognito session offline with aws-jwt-verify (signature, issuer, expiry; the
 * idToken with `token_use = id` and `aud` = this client, the access token with `token_use = access` and
 * `client_id` = this client), then that they were issued together: the same `sub`, the same user name and
 * the same `origin_jti` (the sign-in both descend from). Both verifiers share one JWKS cache: aws-jwt-verify's
 * default (the pool's keys from its issuer URL) unless `jwksCache` is given.
 */
export function createSessionTokensVerifier(options: {
  userPoolId: string;
  clientId: string;
  /** Where the pool's signing keys come from; aws-jwt-verify's `SimpleJwksCache` by default. */
  jwksCache?: JwksCache | undefined;
}): SessionTokensVerifier {
  const jwksCache = options.jwksCache ?? new SimpleJwksCache();
  const idVerifier = CognitoJwtVerifier.create(
    { userPoolId: options.userPoolId, tokenUse: 'id', clientId: options.clientId },
    { jwksCache },
  );
  const accessVerifier = CognitoJwtVerifier.create(
    { userPoolId: options.userPoolId, tokenUse: 'access', clientId: options.clientId },
    { jwksCache },
  );
  return async ({ idToken, accessToken }) => {
    const id = await idVerifier.verify(idToken);
    const access = await accessVerifier.verify(accessToken);
    const username = id['cognito:username'];
    const { email, auth_time: authTime, origin_jti: originJti } = id;
    if (typeof username !== 'string' || typeof email !== 'string' || typeof authTime !== 'number')
      throw new SessionTokensMismatchError('the idToken lacks claims');
    if (access.sub !== id.sub || access.username !== username)
      throw new SessionTokensMismatchError('the tokens are of different users');
    if (typeof originJti !== 'string' || access.origin_jti !== originJti)
      throw new SessionTokensMismatchError('the tokens are of different sign-ins');
    return { username, sub: id.sub, email, authTime };
  };
}

/** Why Cognito's answer about a session was not a yes. */
export class SessionCheckError extends Error {
  override readonly name = 'SessionCheckError';
  constructor(
    readonly code: 'session_revoked' | 'cognito_unavailable',
    options?: { cause?: unknown },
  ) {
    super(code, options);
  }
}

/** Asks Cognito whether it still accepts an access token; resolves with the user it belongs to. */
export type SessionCheck = (accessToken: string) => Promise<{ username: string; sub: string }>;

/**
 * Cognito's answers to GetUser that mean the session is over (API reference, GetUser, Errors): a signed-out
 * or revoked token and a disabled user are `NotAuthorizedException` ("Access Token has been revoked",
 * "User is disabled."), a deleted user `UserNotFoundException`. Anything else (throttling, 5xx, network,
 * timeout) says nothing about the session.
 */
const SESSION_OVER = new Set([
  'NotAuthorizedException',
  'UserNotFoundException',
  'PasswordResetRequiredException',
  'UserNotConfirmedException',
]);

/** No HTTP answer at all (timed out, connection refused or reset): the SDK attached no status code. */
function unanswered(error: unknown): boolean {
  return (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === undefined;
}

/**
 * The session check against Cognito: `GetUser` with the access token (an unsigned public operation, so no
 * AWS credentials), each attempt within `timeoutMs`. A call that got no answer at all is tried once more
 * (a busy moment should not cost the user their passkey offer); any answer, a throttling or 5xx one
 * included, is final, so an outage never multiplies the calls. `endpoint` replaces the region's own.
 */
export function createCognitoSessionCheck(options: {
  region: string;
  endpoint?: string | undefined;
  /** @default 2000 */
  timeoutMs?: number;
}): SessionCheck {
  const timeoutMs = options.timeoutMs ?? 2000;
  const client = new CognitoIdentityProviderClient({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    // The SDK's own retries (three attempts with backoff) would outlast any sensible wait: the one retry
    // is below, and only for a call that got no answer.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
  });
  const getUser = (accessToken: string) =>
    client.send(new GetUserCommand({ AccessToken: accessToken }), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
  return async (accessToken) => {
    let answer;
    try {
      answer = await getUser(accessToken).catch((error: unknown) => {
        if (unanswered(error)) return getUser(accessToken);
        throw error;
      });
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      throw new SessionCheckError(SESSION_OVER.has(name) ? 'session_revoked' : 'cognito_unavailable', {
        cause: error,
      });
    }
    const sub = answer.UserAttributes?.find((attribute) => attribute.Name === 'sub')?.Value;
    if (!answer.Username || !sub) throw new SessionCheckError('cognito_unavailable');
    return { username: answer.Username, sub };
  };
}

/**
 * The Server Action's logic. Only a session Cognito still accepts gets a connect token, for its own user
 * (identifier = `cognito:username`, displayName = email); adding or deleting a passkey also needs a sign-in
 * younger than `reauthMaxAgeSeconds`, so a leaked or long-lived session cannot add an attacker's passkey.
 * Errors cross as codes only.
 */
export async function issueConnectToken(
  input: unknown,
  deps: {
    verifyTokens: SessionTokensVerifier;
    checkSession: SessionCheck;
    corbado: Pick<CorbadoBackend, 'createConnectToken'>;
    /** The oldest sign-in (seconds) that may add or delete a passkey. */
    reauthMaxAgeSeconds: number;
    /** Whether the passkey mode allows a token of this type now (the kill switch); asked first. */
    typeAllowed: (type: ConnectTokenType) => boolean | Promise<boolean>;
  },
): Promise<ConnectTokenResult> {
  const parsed = connectTokenRequestSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: 'invalid_request' };
  const { type, idToken, accessToken } = parsed.data;
  if (!(await deps.typeAllowed(type))) return { ok: false, code: 'passkeys_disabled' };

  let session: VerifiedSession;
  try {
    session = await deps.verifyTokens({ idToken, accessToken });
  } catch {
    return { ok: false, code: 'invalid_token' };
  }

  if (CHANGES_PASSKEYS.has(type) && Date.now() / 1000 - session.authTime > deps.reauthMaxAgeSeconds)
    return { ok: false, code: 'reauthentication_required' };

  // Offline verification cannot see a sign-out, a revoked token or a disabled user: Cognito can.
  try {
    const user = await deps.checkSession(accessToken);
    if (user.sub !== session.sub || user.username !== session.username)
      return { ok: false, code: 'session_revoked' };
  } catch (error) {
    return { ok: false, code: error instanceof SessionCheckError ? error.code : 'cognito_unavailable' };
  }

  try {
    const token = await deps.corbado.createConnectToken(type, {
      identifier: session.username,
      displayName: session.email,
    });
    return { ok: true, token };
  } catch {
    return { ok: false, code: 'corbado_unavailable' };
  }
}
