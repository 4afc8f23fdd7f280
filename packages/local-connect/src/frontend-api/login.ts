import {
  preLoginResultSchema,
  type ActionError as ActionErrorBody,
  type PreLoginEvent,
} from '@cognito-passkeys/corbado-actions/contract';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { ServerDeps } from '../context';
import { ActionError, RequestError } from '../errors';
import { readJson } from '../http';
import { newId } from '../ids';
import type { UserRow } from '../store';
import {
  authenticationOptions,
  parseAuthenticationResponse,
  signedChallenge,
  verifyAuthentication,
} from '../webauthn';
import {
  CONDITIONAL_UI_FLAG,
  clientGeneration,
  flags,
  initSchema,
  openProcess,
  passkeyOperation,
  requireConnectToken,
  requireProcess,
  type ClientGeneration,
} from './shared';

const loginStartSchema = z.object({
  identifier: z.string().max(255),
  source: z.string().max(32).optional(),
  loadedMs: z.number().optional(),
  loginConnectToken: z.string().max(256).optional(),
  // 3.x only; read nowhere, accepted so its requests validate.
  identifierHintAvailable: z.boolean().optional(),
  oneTapMeta: z.record(z.string(), z.unknown()).optional(),
});

const loginFinishSchema = z.object({
  isConditionalUI: z.boolean().default(false),
  assertionResponse: z
    .string()
    .min(1)
    .max(32 * 1024),
  loadedMs: z.number().optional(),
});

export async function loginInit(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, initSchema);
  const { process, newClientEnvHandle } = openProcess(deps, req, body);
  const currentFlags = flags(deps);
  let conditionalUIChallenge: string | undefined;
  if (currentFlags[CONDITIONAL_UI_FLAG] === 'true') {
    // The client keeps this challenge with its login data until expiresAt, so it lives as long as the process.
    const options = await authenticationOptions(deps.config, []);
    deps.store.putChallenge({
      id: newId('was'),
      processId: process.id,
      purpose: 'conditional-ui',
      challenge: options.challenge,
      userId: null,
      identifierValue: '',
      connectTokenId: null,
      expiresMs: process.expires * 1000,
    });
    conditionalUIChallenge = JSON.stringify({ publicKey: options });
  }
  return {
    token: process.id,
    expiresAt: process.expires,
    frontendApiUrl: deps.frontendApiUrl(),
    loginAllowed: true,
    ...(conditionalUIChallenge ? { conditionalUIChallenge } : {}),
    flags: currentFlags,
    ...(newClientEnvHandle ? { newClientEnvHandle } : {}),
  };
}

// --- pre-login and what login/start answers ---

/** What pre-login decided about a typed identifier. */
export type PreLoginOutcome =
  /** Continue with this username (the passkeys' `webauthnId`, the Cognito username). */
  | { kind: 'user'; username: string }
  /** A silent error (`return: false`) or a failed call: the quiet fallback to the password form. */
  | { kind: 'quiet' }
  /** A returned error (`return: true`): its code and message go to the page. */
  | { kind: 'returned'; error: ActionErrorBody };

/** Reads pre-login's result through the contract's schema; anything else is `action_bad_response`. */
export function readPreLoginResult(result: unknown): PreLoginOutcome {
  const parsed = preLoginResultSchema.safeParse(result);
  if (!parsed.success) {
    throw new ActionError('action_bad_response', 'pre-login returned a result outside the contract');
  }
  const body = parsed.data.body;
  if (!('error' in body)) return { kind: 'user', username: body.identifier };
  return body.error.return ? { kind: 'returned', error: body.error } : { kind: 'quiet' };
}

async function runPreLogin(deps: ServerDeps, identifier: string): Promise<PreLoginOutcome> {
  const preLogin = deps.actions.preLogin;
  if (!preLogin) return { kind: 'user', username: identifier };
  const event: PreLoginEvent = { identifier };
  let result: unknown;
  try {
    result = await preLogin.invoke(event);
  } catch (err) {
    if (!(err instanceof ActionError)) throw err;
    return { kind: 'quiet' }; // the runner logged the failure
  }
  let outcome: PreLoginOutcome;
  try {
    outcome = readPreLoginResult(result);
  } catch (err) {
    if (!(err instanceof ActionError)) throw err;
    deps.log({ level: 'warn', event: 'action_failed', action: 'pre-login', code: err.code });
    return { kind: 'quiet' };
  }
  if (outcome.kind !== 'user') {
    deps.log({
      level: 'info',
      event: 'pre_login_error',
      returned: outcome.kind === 'returned',
      ...(outcome.kind === 'returned' ? { code: outcome.error.code } : {}),
    });
  }
  return outcome;
}

/**
 * No assertion options and `initFallback`: 2.18.0 maps the empty options to NoPasskeyAvailableError and
 * 0.2.4 calls `onFallback(identifier, null)`; today's component reads `fallbackOperationError` and calls
 * `onFallback(identifier, error?.message ?? null)`.
 */
function quietFallback(identifier: string) {
  return { assertionOptions: '', isCDA: false, fallbackOperationError: { initFallback: true, identifier } };
}

/**
 * A returned action error, in the field each client generation reads.
 * - 2.x: `error: {code, message}` — ConnectService.loginStart turns `user_not_found` into
 *   ConnectUserNotFound (0.2.4 shows "There is no account registered with this email.") and any other
 *   code into ConnectCustomError(code, message) (0.2.4 falls back with `onFallback(identifier, null)`).
 * - 3.x: `fallbackOperationError: {initFallback, identifier, error: {code, message}}` — the component
 *   calls `onUnknownUser(identifier)` for `user_not_found` when given, shows `message` in the form when
 *   `initFallback` is false, else calls `onFallback(identifier, message)`. `user_not_found` keeps the
 *   form (the user may have mistyped); every other code hands over to the password form.
 */
function returnedError(generation: ClientGeneration, identifier: string, error: ActionErrorBody) {
  const body = {
    code: error.code,
    message: error.message ?? '',
    // Passed through for apps that read the raw answer; neither client generation reads it.
    ...(error.payload === undefined ? {} : { payload: error.payload }),
  };
  if (generation === 'v2') return { assertionOptions: '', isCDA: false, error: body };
  return {
    assertionOptions: '',
    isCDA: false,
    fallbackOperationError: { initFallback: error.code !== 'user_not_found', identifier, error: body },
  };
}

export async function loginStart(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, loginStartSchema);
  const process = requireProcess(deps, req);
  const identifier = body.identifier.trim();
  if (identifier.length === 0) {
    throw new RequestError('validation_error', 'identifier is empty', {
      validation: [{ field: 'identifier', message: 'required' }],
    });
  }

  let username: string;
  if (body.loginConnectToken) {
    const token = requireConnectToken(deps, body.loginConnectToken, 'passkey-login');
    if (!deps.store.consumeConnectToken(token.id)) {
      throw new RequestError('invalid_connect_token', 'not a valid passkey-login connect token');
    }
    username = token.identifier;
  } else {
    const outcome = await runPreLogin(deps, identifier);
    if (outcome.kind === 'quiet') return quietFallback(identifier);
    if (outcome.kind === 'returned') return returnedError(clientGeneration(req), identifier, outcome.error);
    username = outcome.username;
  }

  const user = deps.store.userByUsername(username);
  const credentials = user ? deps.store.credentialsOfUser(user.id) : [];
  if (!user || credentials.length === 0) return quietFallback(identifier);

  const options = await authenticationOptions(deps.config, credentials);
  deps.store.putChallenge({
    id: newId('was'),
    processId: process.id,
    purpose: 'login',
    challenge: options.challenge,
    userId: user.id,
    identifierValue: identifier,
    connectTokenId: null,
    expiresMs: deps.now().getTime() + deps.config.ceremonyTimeoutMs,
  });
  // 3.x types `fallbackOperationError` as always present; 2.x ignores it.
  return {
    assertionOptions: JSON.stringify({ publicKey: options }),
    isCDA: false,
    fallbackOperationError: { initFallback: false },
  };
}

// --- login/finish ---

const PASSKEY_DELETED_MESSAGE =
  'This passkey has been deleted and can no longer be used. Please use your password to log in and create a new one.';

export async function loginFinish(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, loginFinishSchema);
  const process = requireProcess(deps, req);
  const response = parseAuthenticationResponse(body.assertionResponse);

  // Taken before anything else is checked: a challenge is verified at most once, pass or fail.
  const challenge = deps.store.takeChallenge(
    process.id,
    body.isConditionalUI ? 'conditional-ui' : 'login',
    signedChallenge(response.response.clientDataJSON),
  );
  if (!challenge || challenge.expiresMs <= deps.now().getTime()) {
    throw new RequestError('invalid_challenge', 'no pending login challenge for this process');
  }

  const credential = deps.store.credentialByCredentialId(response.id);
  if (!credential) {
    deps.log({ level: 'info', event: 'login_unknown_credential', processId: process.id });
    // 2.18.0 reads a 404 on login/finish as ConnectConditionalUIPasskeyDeleted. 3.5.0 turns every non-2xx
    // into a generic error, and its types give login/finish a `fallbackOperationError`: that is where a
    // deleted passkey goes, so the component falls back with the message (and no session to complete).
    if (clientGeneration(req) === 'v2') {
      throw new RequestError('unknown_credential', 'this passkey is not registered');
    }
    return {
      session: '',
      signedPasskeyData: '',
      fallbackOperationError: {
        initFallback: true,
        identifier: challenge.identifierValue,
        error: { code: 'unknown_credential', message: PASSKEY_DELETED_MESSAGE },
      },
    };
  }
  const user = deps.store.userById(credential.userId) as UserRow;
  if (challenge.userId !== null && challenge.userId !== credential.userId) {
    throw new RequestError('credential_not_allowed', 'this passkey belongs to another user');
  }
  if (challenge.userId === null && response.response.userHandle !== user.webauthnUserId) {
    // Discoverable login: the user is found by the credential; the authenticator's user handle must agree.
    throw new RequestError('credential_not_allowed', 'the user handle does not match the passkey');
  }

  const info = await verifyAuthentication(deps.config, response, challenge.challenge, credential);
  const usedMs = deps.now().getTime();
  deps.store.recordCredentialUse(credential.id, info.newCounter, info.credentialBackedUp, usedMs);
  // The passkey is available in this browser profile now (made here, or synced to it): append/start
  // reads this to decide whether to offer another one here.
  if (process.clientEnvId) deps.store.recordCredentialSeen(credential.id, process.clientEnvId, usedMs);

  const jwt = await deps.signer.sign({
    userId: user.id,
    webauthnId: user.username,
    credential: credential.id.replace(/^pky-/, 'cre-'),
    challengeId: challenge.id,
    processId: process.id,
    isCUI: body.isConditionalUI,
  });
  deps.log({
    level: 'info',
    event: 'login_verified',
    userId: user.id,
    credential: credential.id,
    isCUI: body.isConditionalUI,
  });
  const identifierValue = challenge.identifierValue || user.displayName || user.username;
  return {
    passkeyOperation: passkeyOperation('verify', identifierValue, credential.aaguid),
    // 0.2.4-alpha.0 hands `session` to onComplete; newer clients read `signedPasskeyData`.
    session: jwt,
    signedPasskeyData: jwt,
  };
}
