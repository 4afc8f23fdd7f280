import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { fileURLToPath } from 'node:url';
import type { LocalAwsConfig } from '../src/config';

export const HANDLERS = fileURLToPath(new URL('./handlers/custom-auth.ts', import.meta.url));

/** The test operator's long-term key: admin and SSM calls must be signed by a configured principal. */
export const ADMIN_KEYS = { accessKeyId: 'AKIATESTADMIN0000001', secretAccessKey: 'test-admin-secret' };
/** The operator as a principal of `accountId` (no policy: an administrator). */
export const adminPrincipal = (accountId = '000000000000') => ({
  ...ADMIN_KEYS,
  arn: `arn:aws:iam::${accountId}:user/test-admin`,
});

// The SDK annotates the credentials object it is given, so each client gets a copy.
const credentials = () => ({ ...ADMIN_KEYS });

export const cognitoClient = (url: string): CognitoIdentityProviderClient =>
  new CognitoIdentityProviderClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: credentials(),
    maxAttempts: 1,
  });
export const ssmClient = (url: string): SSMClient =>
  new SSMClient({ endpoint: url, region: 'us-east-1', credentials: credentials(), maxAttempts: 1 });

export const PASSWORD = 'Corr3ct-Horse!';

/** The name of the error a call fails with (the SDK's `name` is the service's `__type`), or 'no error'. */
export async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { name: string }).name;
  }
  return 'no error';
}

/** The project's pool shape: email as username, custom auth + SRP + refresh, existence errors hidden. */
export function testConfig(overrides: { define?: string; poolId?: string } = {}): LocalAwsConfig {
  return {
    functions: {
      define: { module: HANDLERS, export: 'define' },
      create: { module: HANDLERS, export: 'create' },
      verify: { module: HANDLERS, export: 'verify' },
      throwing: { module: HANDLERS, export: 'throwing' },
      slow: { module: HANDLERS, export: 'slow', timeoutSeconds: 0.5 },
    },
    userPools: [
      {
        ...(overrides.poolId !== undefined ? { id: overrides.poolId } : {}),
        name: 'app',
        usernameAttributes: ['email'],
        mfaConfiguration: 'OPTIONAL',
        lambdaConfig: {
          DefineAuthChallenge: overrides.define ?? 'define',
          CreateAuthChallenge: 'arn:aws:lambda:us-east-1:123456789012:function:create',
          VerifyAuthChallengeResponse: 'verify',
        },
        clients: [
          {
            name: 'web',
            explicitAuthFlows: [
              'ALLOW_CUSTOM_AUTH',
              'ALLOW_USER_SRP_AUTH',
              'ALLOW_REFRESH_TOKEN_AUTH',
              'ALLOW_USER_PASSWORD_AUTH',
            ],
            preventUserExistenceErrors: 'ENABLED',
          },
          {
            name: 'legacy',
            explicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
            preventUserExistenceErrors: 'LEGACY',
          },
        ],
      },
    ],
    parameters: [
      { name: '/app/plain', type: 'String', value: 'hello' },
      { name: '/app/secret', type: 'SecureString', value: 's3cr3t-value' },
    ],
    principals: [adminPrincipal()],
  };
}

export async function outbox(
  url: string,
  to?: string,
): Promise<{ to: string; kind: string; code: string }[]> {
  const res = await fetch(`${url}/_local/outbox${to === undefined ? '' : `?to=${encodeURIComponent(to)}`}`);
  return ((await res.json()) as { messages: { to: string; kind: string; code: string }[] }).messages;
}

/**
 * A raw JSON-protocol POST, SigV4-signed by the SDK's own signer for the target's service (as a client with
 * `keys` would sign it), for junk bodies the typed clients cannot send. `keys: null` = unsigned.
 */
export async function postJson(
  url: string,
  target: string | undefined,
  body: string,
  keys: { accessKeyId: string; secretAccessKey: string } | null = ADMIN_KEYS,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  const { host } = new URL(url);
  let headers: Record<string, string> = {
    host,
    'content-type': 'application/x-amz-json-1.1',
    ...(target !== undefined ? { 'x-amz-target': target } : {}),
    ...extraHeaders,
  };
  if (keys !== null) {
    const signer = new SignatureV4({
      credentials: keys,
      region: 'us-east-1',
      service: target?.startsWith('AmazonSSM.') === true ? 'ssm' : 'cognito-idp',
      sha256: Hash.bind(null, 'sha256'),
    });
    const signed = await signer.sign({
      method: 'POST',
      protocol: 'http:',
      hostname: host,
      path: '/',
      headers,
      body,
    });
    headers = signed.headers;
  }
  const { host: _host, ...sent } = headers;
  return fetch(`${url}/`, { method: 'POST', headers: sent, body });
}

/** The trigger events the test handlers (`handlers/custom-auth.ts`) recorded in this process, oldest first. */
export function triggerEvents(): Record<string, unknown>[] {
  return ((globalThis as { localAwsTriggerEvents?: unknown[] }).localAwsTriggerEvents ?? []) as Record<
    string,
    unknown
  >[];
}
