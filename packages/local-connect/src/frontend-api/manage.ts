import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import type { ServerDeps } from '../context';
import { RequestError } from '../errors';
import { readJson } from '../http';
import type { CredentialRow } from '../store';
import { aaguidDetails } from '../authenticator-names';
import { ceremonyInit, isoSeconds, requireConnectToken } from './shared';

const manageListSchema = z.object({ connectToken: z.string().min(1).max(256) });
const manageDeleteSchema = z.object({
  connectToken: z.string().min(1).max(256),
  credentialID: z.string().min(1).max(1024),
});

export function manageInit(deps: ServerDeps, req: IncomingMessage) {
  return ceremonyInit(deps, req, 'manageAllowed');
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
    aaguidDetails: aaguidDetails(c.aaguid),
    createdMs: c.createdMs,
    lastUsedMs: c.lastUsedMs,
    tags: [] as string[],
  };
}

export async function manageList(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, manageListSchema);
  // List tokens stay valid until they expire: CorbadoConnectPasskeyList reuses one after a delete or an add.
  const token = requireConnectToken(deps, body.connectToken, 'passkey-list');
  const user = deps.store.userByUsername(token.identifier);
  const passkeys = user ? deps.store.credentialsOfUser(user.id).map(toPasskey) : [];
  // `userID` is the WebAuthn user handle (base64url): 3.5.0 passes it with the credential IDs to
  // PublicKeyCredential.signalAllAcceptedCredentials, so the device drops passkeys deleted here.
  return { passkeys, rpID: deps.config.rp.id, userID: user?.webauthnUserId ?? '' };
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
