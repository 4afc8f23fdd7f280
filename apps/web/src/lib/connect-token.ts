import type { CorbadoBackend } from '@cognito-passkeys/corbado-backend';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { z } from 'zod';

import { fetchLocalJwks } from './local-stack';

/** The connect tokens the browser may ask for (never `passkey-login`, which needs no signed-in user). */
export const connectTokenRequestSchema = z.object({
  type: z.enum(['passkey-append', 'passkey-list', 'passkey-delete']),
  idToken: z
    .string()
    .min(1)
    .max(16 * 1024),
});

export type ConnectTokenErrorCode = 'invalid_request' | 'invalid_token' | 'corbado_unavailable';
export type ConnectTokenResult = { ok: true; token: string } | { ok: false; code: ConnectTokenErrorCode };

/** The signed-in user, as a verified Cognito idToken names them. */
export interface VerifiedIdentity {
  /** `cognito:username`: the identifier passkeys are stored under at Corbado. */
  username: string;
  /** What the passkey is labelled with on the device. */
  email: string;
}

export type IdTokenVerifier = (idToken: string) => Promise<VerifiedIdentity>;

/**
 * Verifies a Cognito idToken of this pool and client: signature, issuer, audience, expiry and
 * `token_use = id` (aws-jwt-verify). Locally the keys come from local-aws's JWKS.
 */
export function createIdTokenVerifier(options: {
  userPoolId: string;
  clientId: string;
  localJwksUrl?: string | undefined;
}): IdTokenVerifier {
  const verifier = CognitoJwtVerifier.create({
    userPoolId: options.userPoolId,
    tokenUse: 'id',
    clientId: options.clientId,
  });
  let jwksLoaded: Promise<void> | undefined;
  const { localJwksUrl } = options;
  return async (idToken) => {
    if (localJwksUrl) {
      jwksLoaded ??= fetchLocalJwks(localJwksUrl).then(
        (jwks) => verifier.cacheJwks(jwks as unknown as Parameters<typeof verifier.cacheJwks>[0]),
        (error: unknown) => {
          jwksLoaded = undefined;
          throw error;
        },
      );
      await jwksLoaded;
    }
    const payload = await verifier.verify(idToken);
    const username = payload['cognito:username'];
    const email = payload.email;
    if (typeof username !== 'string' || typeof email !== 'string')
      throw new Error('the idToken lacks claims');
    return { username, email };
  };
}

/**
 * The Server Action's logic: only a verified idToken of this pool gets a connect token, for its own user
 * (identifier = `cognito:username`, displayName = email). Errors cross as codes only.
 */
export async function issueConnectToken(
  input: unknown,
  deps: { verifyIdToken: IdTokenVerifier; corbado: Pick<CorbadoBackend, 'createConnectToken'> },
): Promise<ConnectTokenResult> {
  const parsed = connectTokenRequestSchema.safeParse(input);
  if (!parsed.success) return { ok: false, code: 'invalid_request' };

  let identity: VerifiedIdentity;
  try {
    identity = await deps.verifyIdToken(parsed.data.idToken);
  } catch {
    return { ok: false, code: 'invalid_token' };
  }
  try {
    const token = await deps.corbado.createConnectToken(parsed.data.type, {
      identifier: identity.username,
      displayName: identity.email,
    });
    return { ok: true, token };
  } catch {
    return { ok: false, code: 'corbado_unavailable' };
  }
}
