import { SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';

import { TriggerError } from './errors';

/**
 * Every AWS call ends well inside Cognito's 5 s trigger budget: one connection second, two for the answer,
 * one retry. No endpoint is set here, so `AWS_ENDPOINT_URL_SSM` can point the client elsewhere.
 */
export const AWS_CLIENT_CONFIG = {
  maxAttempts: 2,
  requestHandler: { connectionTimeout: 1000, requestTimeout: 2000 },
};

export function createSsmClient(): SSMClient {
  return new SSMClient(AWS_CLIENT_CONFIG);
}

/** A secret read at run time; the port the handlers depend on. */
export interface SecretSource {
  get(): Promise<string>;
}

/**
 * A SecureString parameter read with decryption through Powertools, cached for `maxAgeSeconds` per
 * container, so a rotated secret is picked up without a deploy.
 */
export function ssmSecret(
  parameterName: string,
  maxAgeSeconds: number,
  provider: Pick<SSMProvider, 'get'> = new SSMProvider({ awsSdkV3Client: createSsmClient() }),
): SecretSource {
  return {
    async get() {
      let value: unknown;
      try {
        value = await provider.get(parameterName, { decrypt: true, maxAge: maxAgeSeconds });
      } catch (cause) {
        throw new TriggerError('secret_unavailable', `the SSM parameter ${parameterName} could not be read`, {
          cause,
        });
      }
      if (typeof value !== 'string' || value.length === 0) {
        throw new TriggerError('secret_unavailable', `the SSM parameter ${parameterName} is empty`);
      }
      return value;
    },
  };
}
