import { basicAuth } from './fixtures';

/** The Backend API calls the tests make, over plain HTTP as the app's server code does. */
export function backendClient(baseUrl: string, projectId: string, apiSecret: string) {
  const authorization = basicAuth(projectId, apiSecret);
  async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`Backend API ${path} answered ${res.status}: ${JSON.stringify(json.error)}`);
    return json;
  }
  return {
    async createConnectToken(
      type: 'passkey-append' | 'passkey-list' | 'passkey-delete' | 'passkey-login',
      data: { identifier: string; displayName?: string },
      maxLifetimeInSeconds?: number,
    ): Promise<string> {
      const body = await post('/v2/connectTokens', { type, data, maxLifetimeInSeconds });
      return body.secret as string;
    },
    async verifySignedPasskeyData(signedPasskeyData: string, username: string): Promise<string> {
      const body = await post('/v2/passkey/verifySignedData', { signedPasskeyData, username });
      return body.verificationResult as string;
    },
  };
}
