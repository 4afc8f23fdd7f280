import type { Context } from './context';
import { findUser, type Client, type Pool } from './cognito-model';
import { issueTokens, withStatus } from './cognito-tokens';
import { ServiceError } from './errors';
import type { UserRow } from './store';
import { envelope, hasTrigger, runTrigger } from './triggers';
import {
  newSession,
  notAuthorized,
  requireParam,
  spend,
  type AuthResponse,
  type ChallengeAnswer,
  type StateOf,
} from './cognito-auth-session';

// CUSTOM_AUTH: the Define, Create and Verify triggers decide every round, with the event shapes of the
// Cognito developer guide (custom authentication challenge Lambda triggers).

export async function startCustomAuth(
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
  const state: StateOf<'CUSTOM_CHALLENGE'> = {
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
  state: StateOf<'CUSTOM_CHALLENGE'>,
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

/** CUSTOM_CHALLENGE: Verify judges the answer, then Define decides the next round. */
export async function answerCustomChallenge({
  ctx,
  pool,
  client,
  hash,
  state,
  responses,
  clientMetadata,
}: ChallengeAnswer<StateOf<'CUSTOM_CHALLENGE'>>): Promise<AuthResponse> {
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
    ...(client.settings.preventUserExistenceErrors === 'ENABLED' ? { userNotFound: state.userNotFound } : {}),
    ...(clientMetadata !== undefined ? { clientMetadata: clientMetadata } : {}),
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
  return customRound(ctx, pool, client, user, next, clientMetadata);
}
