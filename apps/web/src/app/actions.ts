'use server';

import { createCorbadoBackend } from '@cognito-passkeys/corbado-backend';

import { serverConfig, type ServerConfig } from '@/lib/config';
import {
  createCognitoSessionCheck,
  createSessionTokensVerifier,
  issueConnectToken,
  type ConnectTokenResult,
  type SessionCheck,
  type SessionTokensVerifier,
} from '@/lib/connect-token';
import { localServerOverrides, localStackConfig, type LocalStackConfig } from '@/lib/local-stack';
import { connectTokenAllowed, currentPasskeyMode } from '@/lib/passkey-mode';

/** The verifier (with its JWKS cache) and the Cognito client, made once per configuration. */
let cognito: { key: string; verifyTokens: SessionTokensVerifier; checkSession: SessionCheck } | undefined;

function cognitoFor(config: ServerConfig, local: LocalStackConfig) {
  const key = JSON.stringify([config.COGNITO_USER_POOL_ID, config.COGNITO_CLIENT_ID, local]);
  if (cognito?.key !== key) {
    const overrides = localServerOverrides(local);
    cognito = {
      key,
      verifyTokens: createSessionTokensVerifier({
        userPoolId: config.COGNITO_USER_POOL_ID,
        clientId: config.COGNITO_CLIENT_ID,
        jwksCache: overrides.jwksCache,
      }),
      checkSession: createCognitoSessionCheck({
        // A pool ID starts with its region (`us-east-1_…`).
        region: config.COGNITO_USER_POOL_ID.split('_')[0]!,
        endpoint: overrides.cognitoEndpoint,
      }),
    };
  }
  return cognito;
}

/**
 * A connect token for the Corbado components, for the user the session proves: both tokens of one Amplify
 * session, which Cognito must still accept (and, to add or delete a passkey, from a recent sign-in).
 * Answers `{ ok: false, code }` otherwise.
 */
export async function getConnectToken(
  type: string,
  tokens: { idToken: string; accessToken: string },
): Promise<ConnectTokenResult> {
  const config = serverConfig();
  const { verifyTokens, checkSession } = cognitoFor(config, localStackConfig());
  const corbado = createCorbadoBackend({
    baseUrl: config.CORBADO_BACKEND_API_URL,
    projectId: config.CORBADO_PROJECT_ID,
    apiSecret: config.CORBADO_API_SECRET,
  });
  // A Server Action's arguments are whatever the caller posted: the schema in issueConnectToken checks them.
  const { idToken, accessToken } = (typeof tokens === 'object' && tokens !== null ? tokens : {}) as Partial<
    typeof tokens
  >;
  const result = await issueConnectToken(
    { type, idToken, accessToken },
    {
      verifyTokens,
      checkSession,
      corbado,
      reauthMaxAgeSeconds: config.PASSKEY_REAUTH_MAX_AGE_SECONDS,
      typeAllowed: async (type) => connectTokenAllowed(type, await currentPasskeyMode(config)),
    },
  );
  if (!result.ok) console.warn(JSON.stringify({ action: 'getConnectToken', code: result.code }));
  return result;
}
