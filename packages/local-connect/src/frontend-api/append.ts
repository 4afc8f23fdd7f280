import { postAppendResultSchema, type PostAppendEvent } from '@cognito-passkeys/corbado-actions/contract';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { passkeySource } from '../authenticator-names';
import { nowSeconds, type ServerDeps } from '../context';
import { ActionError, RequestError } from '../errors';
import { header, readJson } from '../http';
import { newId, randomToken } from '../ids';
import type { ConnectTokenRow, CredentialRow, ProcessRow, UserRow } from '../store';
import {
  parseRegistrationResponse,
  registrationOptions,
  signedChallenge,
  verifyRegistration,
} from '../webauthn';
import { ceremonyInit, passkeyOperation, requireConnectToken, requireProcess } from './shared';

const appendStartSchema = z.object({
  appendTokenValue: z.string().min(1).max(256),
  forcePasskeyAppend: z.boolean().optional(),
  loadedMs: z.number().optional(),
});

const appendFinishSchema = z.object({
  attestationResponse: z
    .string()
    .min(1)
    .max(48 * 1024),
  completionType: z.string().max(32).optional(),
});

export function appendInit(deps: ServerDeps, req: IncomingMessage) {
  return ceremonyInit(deps, req, 'appendAllowed');
}

function userForAppend(deps: ServerDeps, token: ConnectTokenRow): UserRow {
  const existing = deps.store.userByUsername(token.identifier);
  if (existing) {
    if (token.displayName && token.displayName !== existing.displayName) {
      deps.store.updateUserDisplayName(existing.id, token.displayName);
      return { ...existing, displayName: token.displayName };
    }
    return existing;
  }
  const user: UserRow = {
    id: newId('usr'),
    username: token.identifier,
    displayName: token.displayName,
    webauthnUserId: randomToken(32),
    createdMs: deps.now().getTime(),
  };
  return deps.store.insertUser(user);
}

/** Why append/start offers no passkey to this user in this process, if it offers none. */
function appendSkipReason(
  deps: ServerDeps,
  user: UserRow,
  process: ProcessRow,
  forced: boolean,
): 'passkey_on_device' | 'has_passkey' | undefined {
  if (forced) return undefined;
  switch (deps.config.skipAppendWhen) {
    case 'never':
      return undefined;
    case 'any-passkey':
      return deps.store.credentialsOfUser(user.id).length > 0 ? 'has_passkey' : undefined;
    case 'passkey-on-device':
      return process.clientEnvId && deps.store.userHasCredentialSeenIn(user.id, process.clientEnvId)
        ? 'passkey_on_device'
        : undefined;
  }
}

/** The answer both client generations read as "no passkey to create here" (0.2.4: DeniedByPasskeyIntel). */
const NO_APPEND = {
  attestationOptions: '',
  variant: 'default',
  isRestrictedBrowser: false,
  autoAppend: false,
  conditionalAppend: false,
} as const;

export async function appendStart(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, appendStartSchema);
  const process = requireProcess(deps, req);
  const token = requireConnectToken(deps, body.appendTokenValue, 'passkey-append');
  const user = userForAppend(deps, token);
  const skip = appendSkipReason(deps, user, process, body.forcePasskeyAppend === true);
  if (skip) {
    // The token stays unused: the app may offer the append again elsewhere with it.
    deps.log({ level: 'info', event: 'append_skipped', userId: user.id, reason: skip });
    return NO_APPEND;
  }
  const options = await registrationOptions(deps.config, user, deps.store.credentialsOfUser(user.id));
  deps.store.putChallenge({
    id: newId('was'),
    processId: process.id,
    purpose: 'append',
    challenge: options.challenge,
    userId: user.id,
    identifierValue: user.displayName || user.username,
    connectTokenId: token.id,
    expiresMs: deps.now().getTime() + deps.config.ceremonyTimeoutMs,
  });
  return {
    attestationOptions: JSON.stringify({ publicKey: options }),
    variant: 'default',
    isRestrictedBrowser: false,
    autoAppend: false,
    conditionalAppend: false,
  };
}

export async function appendFinish(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, appendFinishSchema);
  const process = requireProcess(deps, req);
  const response = parseRegistrationResponse(body.attestationResponse);

  const challenge = deps.store.takeChallenge(
    process.id,
    'append',
    signedChallenge(response.response.clientDataJSON),
  );
  if (!challenge || challenge.expiresMs <= deps.now().getTime() || !challenge.userId) {
    throw new RequestError('invalid_challenge', 'no pending append challenge for this process');
  }
  const token = challenge.connectTokenId ? deps.store.connectTokenById(challenge.connectTokenId) : undefined;
  if (!token || token.status === 'consumed' || token.expires <= nowSeconds(deps)) {
    throw new RequestError('invalid_connect_token', 'the append token is no longer valid');
  }
  const user = deps.store.userById(challenge.userId) as UserRow;

  const info = await verifyRegistration(deps.config, response, challenge.challenge);
  if (deps.store.credentialByCredentialId(info.credential.id)) {
    throw new RequestError('credential_exists', 'this passkey is already registered');
  }
  const source = passkeySource(header(req, 'user-agent'));
  const nowMs = deps.now().getTime();
  const credential: CredentialRow = {
    id: newId('pky'),
    userId: user.id,
    credentialId: info.credential.id,
    publicKey: info.credential.publicKey,
    counter: info.credential.counter,
    transports: info.credential.transports ?? response.response.transports ?? [],
    aaguid: info.aaguid,
    attestationType: info.fmt,
    // The BE and BS flags of the registration's authenticator data (WebAuthn §6.1): may it sync, has it.
    backupEligible: info.credentialDeviceType === 'multiDevice',
    backupState: info.credentialBackedUp,
    sourceOs: source.os,
    sourceBrowser: source.browser,
    createdMs: nowMs,
    lastUsedMs: nowMs,
  };
  const stored = deps.store.db.transaction(() => {
    if (!deps.store.consumeConnectToken(token.id)) return false;
    deps.store.insertCredential(credential);
    if (process.clientEnvId) deps.store.recordCredentialSeen(credential.id, process.clientEnvId, nowMs);
    return true;
  })();
  if (!stored) throw new RequestError('invalid_connect_token', 'the append token is no longer valid');
  deps.log({ level: 'info', event: 'passkey_appended', userId: user.id, credential: credential.id });

  await runPostAppend(deps, user.username);
  return { passkeyOperation: passkeyOperation('append', challenge.identifierValue, credential.aaguid) };
}

/**
 * post-append runs after the passkey is stored and before append/finish answers: Corbado's docs call it a
 * synchronous post-registration hook, so its effect (MFA turned on) is in place when the page continues.
 * Its failure (a 500 result, a throw, a timeout, an off-contract result) is logged and does not fail
 * the append: the passkey already lives on the user's device, and removing it here would leave one the
 * server no longer knows. The script is idempotent (it only sets MFA when none is set), so a later
 * append or an operator can run it again.
 */
async function runPostAppend(deps: ServerDeps, username: string): Promise<void> {
  const postAppend = deps.actions.postAppend;
  if (!postAppend) return;
  const event: PostAppendEvent = { username };
  try {
    const parsed = postAppendResultSchema.safeParse(await postAppend.invoke(event));
    if (!parsed.success) {
      throw new ActionError('action_bad_response', 'post-append returned a result outside the contract');
    }
    if (parsed.data.statusCode === 200) {
      deps.log({ level: 'info', event: 'post_append_done' });
    } else {
      deps.log({
        level: 'warn',
        event: 'post_append_failed',
        code: parsed.data.body.code ?? 'untyped',
      });
    }
  } catch (err) {
    if (!(err instanceof ActionError)) throw err;
    deps.log({ level: 'warn', event: 'post_append_failed', code: err.code });
  }
}
