'use server';

import { createCorbadoBackend } from '@cognito-passkeys/corbado-backend';

import { serverConfig } from '@/lib/config';
import {
  createIdTokenVerifier,
  issueConnectToken,
  type ConnectTokenResult,
  type IdTokenVerifier,
} from '@/lib/connect-token';

let verifier: IdTokenVerifier | undefined;

/**
 * A connect token for the Corbado components, for the user the idToken proves. Accepts nothing but a
 * verified idToken of this pool and client; answers `{ ok: false, code }` otherwise.
 */
export async function getConnectToken(type: string, idToken: string): Promise<ConnectTokenResult> {
  const config = serverConfig();
  verifier ??= createIdTokenVerifier({
    userPoolId: config.COGNITO_USER_POOL_ID,
    clientId: config.COGNITO_CLIENT_ID,
    localJwksUrl: config.COGNITO_JWKS_URL,
  });
  const corbado = createCorbadoBackend({
    baseUrl: config.CORBADO_BACKEND_API_URL,
    projectId: config.CORBADO_PROJECT_ID,
    apiSecret: config.CORBADO_API_SECRET,
  });
  const result = await issueConnectToken({ type, idToken }, { verifyIdToken: verifier, corbado });
  if (!result.ok) console.warn(JSON.stringify({ action: 'getConnectToken', code: result.code }));
  return result;
}
