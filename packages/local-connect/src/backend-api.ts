import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { nowSeconds, type ServerDeps } from './context';
import { RequestError } from './errors';
import { header, readJson } from './http';
import { newConnectTokenSecret, newId } from './ids';
import type { ConnectTokenRow } from './store';

const identifierSchema = z.string().min(1).max(255);

const createConnectTokenSchema = z
  .object({
    type: z.enum(['passkey-append', 'passkey-delete', 'passkey-list', 'passkey-login']),
    data: z.object({ identifier: identifierSchema, displayName: z.string().max(255).optional() }),
    maxLifetimeInSeconds: z.number().int().positive().optional(),
  })
  .refine((body) => body.type !== 'passkey-append' || Boolean(body.data.displayName), {
    message: 'displayName is required for passkey-append',
    path: ['data', 'displayName'],
  });

const verifySignedDataSchema = z.object({
  signedPasskeyData: z
    .string()
    .min(1)
    .max(16 * 1024),
  username: z.string().min(1).max(255),
});

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Constant-time check of `Basic base64(projectId:apiSecret)` or `Bearer <apiSecret>`. */
export function checkBackendAuth(req: IncomingMessage, projectId: string, apiSecret: string): void {
  const value = header(req, 'authorization') ?? '';
  const [scheme, credentials = ''] = value.split(' ', 2);
  let presented: string | undefined;
  if (scheme?.toLowerCase() === 'basic') {
    presented = Buffer.from(credentials, 'base64').toString('utf8');
  } else if (scheme?.toLowerCase() === 'bearer') {
    presented = `${projectId}:${credentials}`;
  }
  if (presented === undefined || !timingSafeEqual(digest(presented), digest(`${projectId}:${apiSecret}`))) {
    throw new RequestError('unauthorized', 'missing or invalid Backend API credentials');
  }
}

export function toConnectTokenRsp(token: ConnectTokenRow) {
  return {
    id: token.id,
    tokenType: token.type,
    data: { displayName: token.displayName, identifier: token.identifier },
    connectTokenStatus: token.status,
    secret: token.secret,
    expires: token.expires,
  };
}

/** `POST /v2/connectTokens`. */
export async function createConnectToken(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, createConnectTokenSchema);
  const { config } = deps;
  const lifetime = Math.min(
    body.maxLifetimeInSeconds ?? config.connectTokenLifetimeSeconds,
    config.maxConnectTokenLifetimeSeconds,
  );
  const token: ConnectTokenRow = {
    id: newId('ctk'),
    secret: newConnectTokenSecret(),
    type: body.type,
    identifier: body.data.identifier,
    displayName: body.data.displayName ?? '',
    expires: nowSeconds(deps) + lifetime,
    status: 'initial',
  };
  deps.store.insertConnectToken(token);
  deps.log({ level: 'info', event: 'connect_token_created', tokenId: token.id, type: token.type });
  return toConnectTokenRsp(token);
}

/** `POST /v2/passkey/verifySignedData` (also the plural path the concept page names). */
export async function verifySignedData(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, verifySignedDataSchema);
  const verificationResult = await deps.signer.verify(body.signedPasskeyData, body.username);
  deps.log({ level: 'info', event: 'signed_data_verified', verificationResult });
  return { verificationResult };
}
