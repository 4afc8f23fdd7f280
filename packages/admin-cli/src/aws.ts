// The AWS clients the commands use: SDK v3 with the default credential chain and region (`--region`
// overrides), endpoints from the SDK's own `AWS_ENDPOINT_URL_*` variables, and a timeout on every call.
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';

/** How long one AWS call may take, connection and answer included. */
export const CALL_TIMEOUT_MS = 10_000;

export interface AwsClients {
  cognito: CognitoIdentityProviderClient;
  ssm: SSMClient;
  sts: STSClient;
  destroy(): void;
}

export function awsClients(region: string | undefined): AwsClients {
  const common = {
    ...(region === undefined ? {} : { region }),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 5000, requestTimeout: CALL_TIMEOUT_MS },
  };
  const cognito = new CognitoIdentityProviderClient(common);
  const ssm = new SSMClient(common);
  const sts = new STSClient(common);
  return {
    cognito,
    ssm,
    sts,
    destroy() {
      cognito.destroy();
      ssm.destroy();
      sts.destroy();
    },
  };
}

/** The options of every `send`: the call is abandoned after `CALL_TIMEOUT_MS`. */
export const timeout = (): { abortSignal: AbortSignal } => ({
  abortSignal: AbortSignal.timeout(CALL_TIMEOUT_MS),
});

/** The error name AWS answered (`ResourceNotFoundException`, `ParameterNotFound`, …), if any. */
export function awsErrorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/**
 * One line about a failed call: the service's error name and message (AWS messages name resources, never
 * secret values), or the SDK's own reason (no region, no credentials, a timeout).
 */
export function describeAwsError(error: unknown): string {
  if (!(error instanceof Error)) return 'the call failed';
  if (error.name === 'TimeoutError' || error.name === 'AbortError')
    return `no answer within ${CALL_TIMEOUT_MS / 1000} s`;
  const message = error.message.split('\n')[0] ?? '';
  return message === '' || message === error.name ? error.name : `${error.name}: ${message}`;
}
