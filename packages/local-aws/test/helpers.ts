import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SSMClient } from '@aws-sdk/client-ssm';
import { fileURLToPath } from 'node:url';
import type { LocalAwsConfig } from '../src/config';

export const HANDLERS = fileURLToPath(new URL('./handlers/custom-auth.ts', import.meta.url));

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export const cognitoClient = (url: string): CognitoIdentityProviderClient =>
  new CognitoIdentityProviderClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
export const ssmClient = (url: string): SSMClient =>
  new SSMClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });

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
  };
}

export async function outbox(
  url: string,
  to?: string,
): Promise<{ to: string; kind: string; code: string }[]> {
  const res = await fetch(`${url}/_local/outbox${to === undefined ? '' : `?to=${encodeURIComponent(to)}`}`);
  return ((await res.json()) as { messages: { to: string; kind: string; code: string }[] }).messages;
}
