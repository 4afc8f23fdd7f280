import { createCorbadoBackend, type ConnectTokenType } from '@cognito-passkeys/corbado-backend';

/** The Backend API as the tests call it: through the project's own client, as the app and Lambdas do. */
export function backendClient(baseUrl: string, projectId: string, apiSecret: string) {
  const client = createCorbadoBackend({ baseUrl, projectId, apiSecret });
  return {
    createConnectToken(
      type: ConnectTokenType,
      data: { identifier: string; displayName?: string },
      maxLifetimeInSeconds?: number,
    ): Promise<string> {
      return client.createConnectToken(
        type,
        { identifier: data.identifier, displayName: data.displayName ?? '' },
        maxLifetimeInSeconds === undefined ? {} : { maxLifetimeInSeconds },
      );
    },
    verifySignedPasskeyData(signedPasskeyData: string, username: string) {
      return client.verifySignedPasskeyData({ signedPasskeyData, username });
    },
  };
}
