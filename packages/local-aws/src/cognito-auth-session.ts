import type { Context } from './context';
import type { Client, Pool } from './cognito-model';
import type { AuthenticationResult } from './cognito-tokens';
import { ServiceError, invalidParameter } from './errors';
import { newOpaque, nowSeconds, sha256 } from './ids';

// What the sign-in steps share: the state a Session carries between InitiateAuth and each
// RespondToAuthChallenge, and the single-use handling of Session tokens.

export interface SessionEntry {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata: string | null;
}

export type SessionState =
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

export interface AuthResponse {
  ChallengeName?: string;
  Session?: string;
  ChallengeParameters: Record<string, string>;
  AuthenticationResult?: AuthenticationResult;
}

export const INCORRECT = 'Incorrect username or password.';

export const notAuthorized = (message = INCORRECT): ServiceError =>
  new ServiceError('NotAuthorizedException', message);

export function requireFlow(client: Client, flow: string): void {
  if (!client.settings.explicitAuthFlows.includes(`ALLOW_${flow}` as never)) {
    throw invalidParameter(`${flow} flow not enabled for this client`);
  }
}

export function newSession(ctx: Context, pool: Pool, client: Client, state: SessionState): string {
  const token = newOpaque(144);
  ctx.store.purgeExpiredSessions(nowSeconds(ctx));
  ctx.store.putSession(
    sha256(token),
    pool.id,
    client.id,
    JSON.stringify(state),
    nowSeconds(ctx) + client.settings.authSessionValidity * 60,
  );
  return token;
}

/** Opens a Session; it is single-use, so the caller spends it with `ctx.store.deleteSession`. */
export function openSession(
  ctx: Context,
  client: Client,
  token: string | undefined,
): { hash: string; state: SessionState } {
  if (token === undefined || token === '') throw invalidParameter('Missing required parameter Session');
  const hash = sha256(token);
  const row = ctx.store.getSession(hash);
  if (row === undefined || row.client_id !== client.id) throw notAuthorized('Invalid session for the user.');
  if (row.expires_at <= nowSeconds(ctx)) {
    ctx.store.deleteSession(hash);
    throw notAuthorized('Invalid session for the user, session is expired.');
  }
  return { hash, state: JSON.parse(row.state) as SessionState };
}

export function spend(ctx: Context, hash: string): void {
  // Two concurrent answers to one Session: only the first may proceed.
  if (!ctx.store.deleteSession(hash)) throw notAuthorized('Invalid session for the user.');
}

export function requireParam(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw invalidParameter(`Missing required parameter ${name}`);
  return value;
}

/** One answer to RespondToAuthChallenge, after its Session was opened and its challenge name checked. */
export interface ChallengeAnswer<S extends SessionState> {
  ctx: Context;
  pool: Pool;
  client: Client;
  /** The Session's hash, to spend it or update its state. */
  hash: string;
  state: S;
  responses: Record<string, string>;
  clientMetadata: Record<string, string> | undefined;
}

export type StateOf<K extends SessionState['kind']> = Extract<SessionState, { kind: K }>;
