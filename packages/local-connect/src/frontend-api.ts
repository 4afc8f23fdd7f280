import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { callPostAppend, callPreLogin, type ActionTarget } from './actions';
import { nowSeconds, type ServerDeps } from './context';
import { ActionError, RequestError } from './errors';
import { header, readJson } from './http';
import { newId, randomToken } from './ids';
import type { ConnectTokenRow, ConnectTokenType, CredentialRow, ProcessRow, UserRow } from './store';
import {
  authenticationOptions,
  parseAuthenticationResponse,
  parseRegistrationResponse,
  registrationOptions,
  signedChallenge,
  verifyAuthentication,
  verifyRegistration,
} from './webauthn';

// Request and response fields follow @corbado/web-core 2.18.0 dist/api/v2/api.d.ts (the client that
// @corbado/connect-react 0.2.4-alpha.0 runs); fields newer clients read are added where harmless.

export const CONDITIONAL_UI_FLAG = 'conditional-ui-allowed';

const initSchema = z.object({
  clientInformation: z.record(z.string(), z.unknown()).optional(),
  flags: z.record(z.string(), z.string()).optional(),
  invitationToken: z.string().max(1024).optional(),
});

const loginStartSchema = z.object({
  identifier: z.string().max(255),
  source: z.string().max(32).optional(),
  loadedMs: z.number().optional(),
  loginConnectToken: z.string().max(256).optional(),
});

const loginFinishSchema = z.object({
  isConditionalUI: z.boolean().default(false),
  assertionResponse: z
    .string()
    .min(1)
    .max(32 * 1024),
  loadedMs: z.number().optional(),
});

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

const manageListSchema = z.object({ connectToken: z.string().min(1).max(256) });
const manageDeleteSchema = z.object({
  connectToken: z.string().min(1).max(256),
  credentialID: z.string().min(1).max(1024),
});
const eventSchema = z.object({
  eventType: z.string().max(128),
  message: z.string().max(4096).optional(),
  challenge: z.string().max(4096).optional(),
});
const processClearSchema = z.object({ processId: z.string().max(128).optional() });

function flags(deps: ServerDeps): Record<string, string> {
  return { [CONDITIONAL_UI_FLAG]: 'true', ...deps.config.flags };
}

function identifierType(value: string): 'email' | 'phone' | 'username' {
  if (value.includes('@')) return 'email';
  if (/^\+?[0-9 ()-]{6,}$/.test(value)) return 'phone';
  return 'username';
}

const AAGUID_DETAILS = { name: 'Passkey', iconLight: '', iconDark: '' };

function passkeyOperation(operationType: 'append' | 'verify', identifierValue: string) {
  return {
    operationType,
    identifierValue,
    identifierType: identifierType(identifierValue),
    ceremonyType: 'local' as const,
    aaguidDetails: AAGUID_DETAILS,
  };
}

/** Reuses the live process named by `x-corbado-process-id`, or opens a new one; each init extends it. */
function openProcess(deps: ServerDeps, req: IncomingMessage): ProcessRow {
  const expires = nowSeconds(deps) + deps.config.processLifetimeSeconds;
  const id = header(req, 'x-corbado-process-id');
  const existing = id ? deps.store.processById(id) : undefined;
  if (existing && existing.expires > nowSeconds(deps)) {
    deps.store.extendProcess(existing.id, expires);
    return { id: existing.id, expires };
  }
  const process = { id: randomToken(15), expires };
  deps.store.insertProcess(process);
  return process;
}

/** The live process a start/finish call belongs to; its challenges are bound to it. */
function requireProcess(deps: ServerDeps, req: IncomingMessage): ProcessRow {
  const id = header(req, 'x-corbado-process-id');
  const process = id ? deps.store.processById(id) : undefined;
  if (!process || process.expires <= nowSeconds(deps)) {
    throw new RequestError('invalid_process', 'no live process for x-corbado-process-id; call an init first');
  }
  return process;
}

/** A connect token of the given type that is neither expired nor (unless reusable) consumed. */
function requireConnectToken(deps: ServerDeps, secret: string, type: ConnectTokenType): ConnectTokenRow {
  const token = deps.store.connectTokenBySecret(secret);
  const reusable = type === 'passkey-list';
  if (
    !token ||
    token.type !== type ||
    token.expires <= nowSeconds(deps) ||
    (!reusable && token.status === 'consumed')
  ) {
    throw new RequestError('invalid_connect_token', `not a valid ${type} connect token`);
  }
  return token;
}

function actionTarget(deps: ServerDeps, url: string | undefined): ActionTarget | undefined {
  const actions = deps.config.actions;
  if (!actions || !url) return undefined;
  return { url, secret: actions.secret, timeoutMs: actions.timeoutMs };
}

function sourceOf(req: IncomingMessage): { os: string; browser: string } {
  const ua = header(req, 'user-agent') ?? '';
  const os = /Android/.test(ua)
    ? 'Android'
    : /iPhone|iPad/.test(ua)
      ? 'iOS'
      : /Mac OS X/.test(ua)
        ? 'macOS'
        : /Windows/.test(ua)
          ? 'Windows'
          : /Linux/.test(ua)
            ? 'Linux'
            : 'Unknown';
  const browser = /Edg\//.test(ua)
    ? 'Edge'
    : /Chrom(e|ium)\//.test(ua)
      ? 'Chrome'
      : /Firefox\//.test(ua)
        ? 'Firefox'
        : /Safari\//.test(ua)
          ? 'Safari'
          : 'Unknown';
  return { os, browser };
}

/** Dates as date-fns parses them (`new Date(value)`): ISO 8601 in UTC, seconds precision. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function toPasskey(c: CredentialRow) {
  return {
    id: c.id,
    credentialID: c.credentialId,
    attestationType: c.attestationType,
    transport: c.transports,
    backupEligible: c.backupEligible,
    backupState: c.backupState,
    authenticatorAAGUID: c.aaguid,
    sourceOS: c.sourceOs,
    sourceBrowser: c.sourceBrowser,
    lastUsed: isoSeconds(c.lastUsedMs),
    created: isoSeconds(c.createdMs),
    status: 'active' as const,
    aaguidDetails: AAGUID_DETAILS,
    createdMs: c.createdMs,
    lastUsedMs: c.lastUsedMs,
    tags: [] as string[],
  };
}

// --- init ---

export async function loginInit(deps: ServerDeps, req: IncomingMessage) {
  await readJson(req, initSchema);
  const process = openProcess(deps, req);
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
  };
}

export async function appendInit(deps: ServerDeps, req: IncomingMessage) {
  await readJson(req, initSchema);
  const process = openProcess(deps, req);
  return {
    processID: process.id,
    expiresAt: process.expires,
    frontendApiUrl: deps.frontendApiUrl(),
    appendAllowed: true,
    flags: flags(deps),
  };
}

export async function manageInit(deps: ServerDeps, req: IncomingMessage) {
  await readJson(req, initSchema);
  const process = openProcess(deps, req);
  return {
    processID: process.id,
    expiresAt: process.expires,
    frontendApiUrl: deps.frontendApiUrl(),
    manageAllowed: true,
    flags: flags(deps),
  };
}

// --- login ---

/** The fallback answer: no assertion options, so the client falls back (0.2.4: onFallback(identifier, null)). */
function loginFallback(identifier: string, code?: string) {
  return {
    assertionOptions: '',
    isCDA: false,
    fallbackOperationError: {
      initFallback: true,
      identifier,
      ...(code ? { error: { code, message: 'passkey login is not available right now' } } : {}),
    },
  };
}

/** Resolves the typed identifier to the username passkeys are stored under (the pre-login action). */
async function resolveUsername(
  deps: ServerDeps,
  identifier: string,
): Promise<{ username: string } | { failed: string }> {
  const target = actionTarget(deps, deps.config.actions?.preLoginUrl);
  if (!target) return { username: identifier };
  try {
    const answer = await callPreLogin(target, { identifier });
    if (answer.outcome === 'not_found') {
      throw new RequestError('user_not_found', 'there is no account registered with this identifier');
    }
    return { username: answer.username };
  } catch (err) {
    if (err instanceof ActionError) {
      deps.log({ level: 'warn', event: 'pre_login_failed', code: err.code });
      return { failed: err.code };
    }
    throw err;
  }
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
    const resolved = await resolveUsername(deps, identifier);
    if ('failed' in resolved) return loginFallback(identifier, resolved.failed);
    username = resolved.username;
  }

  const user = deps.store.userByUsername(username);
  const credentials = user ? deps.store.credentialsOfUser(user.id) : [];
  if (!user || credentials.length === 0) return loginFallback(identifier);

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
  return { assertionOptions: JSON.stringify({ publicKey: options }), isCDA: false };
}

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
    throw new RequestError('unknown_credential', 'this passkey is not registered');
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
  deps.store.recordCredentialUse(
    credential.id,
    info.newCounter,
    info.credentialBackedUp,
    deps.now().getTime(),
  );

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
    passkeyOperation: passkeyOperation('verify', identifierValue),
    // 0.2.4-alpha.0 hands `session` to onComplete; newer clients read `signedPasskeyData`.
    session: jwt,
    signedPasskeyData: jwt,
  };
}

// --- append ---

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

export async function appendStart(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, appendStartSchema);
  const process = requireProcess(deps, req);
  const token = requireConnectToken(deps, body.appendTokenValue, 'passkey-append');
  const user = userForAppend(deps, token);
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
  const source = sourceOf(req);
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
    return true;
  })();
  if (!stored) throw new RequestError('invalid_connect_token', 'the append token is no longer valid');
  deps.log({ level: 'info', event: 'passkey_appended', userId: user.id, credential: credential.id });

  await runPostAppend(deps, user.username, credential.credentialId);
  return { passkeyOperation: passkeyOperation('append', challenge.identifierValue) };
}

/**
 * Calls post-append after the passkey is stored. Its failure is logged and does not undo the passkey:
 * the user did create it on their device, and removing it here would leave a passkey the server no
 * longer knows. The action is idempotent (it only turns MFA on when none is set), so it can be re-run.
 */
async function runPostAppend(deps: ServerDeps, username: string, credentialId: string): Promise<void> {
  const target = actionTarget(deps, deps.config.actions?.postAppendUrl);
  if (!target) return;
  try {
    const answer = await callPostAppend(target, { username, credentialId });
    deps.log({ level: 'info', event: 'post_append_done', outcome: answer.outcome });
  } catch (err) {
    if (!(err instanceof ActionError)) throw err;
    deps.log({ level: 'warn', event: 'post_append_failed', code: err.code });
  }
}

// --- manage ---

export async function manageList(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, manageListSchema);
  // List tokens stay valid until they expire: CorbadoConnectPasskeyList reuses one after a delete or an add.
  const token = requireConnectToken(deps, body.connectToken, 'passkey-list');
  const user = deps.store.userByUsername(token.identifier);
  const passkeys = user ? deps.store.credentialsOfUser(user.id).map(toPasskey) : [];
  return { passkeys, rpID: deps.config.rp.id, userID: user?.id ?? '' };
}

export async function manageDelete(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, manageDeleteSchema);
  const token = requireConnectToken(deps, body.connectToken, 'passkey-delete');
  const user = deps.store.userByUsername(token.identifier);
  const deleted = deps.store.db.transaction(() => {
    if (!user) return undefined;
    const removed = deps.store.deleteCredentialOfUser(user.id, body.credentialID);
    if (removed && !deps.store.consumeConnectToken(token.id)) {
      throw new RequestError('invalid_connect_token', 'not a valid passkey-delete connect token');
    }
    return removed;
  })();
  if (!deleted) throw new RequestError('passkey_not_found', 'no such passkey for this user');
  deps.log({ level: 'info', event: 'passkey_deleted', credential: deleted.id });
  return { credentialID: body.credentialID };
}

// --- misc ---

export async function recordEvent(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, eventSchema);
  deps.log({ level: 'info', event: 'client_event', eventType: body.eventType });
  return {};
}

export async function processClear(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, processClearSchema);
  const processId = body.processId ?? header(req, 'x-corbado-process-id') ?? '';
  if (processId) deps.store.deleteProcess(processId);
  return { processId };
}
