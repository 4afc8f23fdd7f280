import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { ssmSecret } from './aws';
import { TriggerError } from './errors';

const NAME = '/cognito-passkeys/corbado-api-secret';
const ssm = mockClient(SSMClient);

/** The real Powertools provider over a mocked SSM client, as the handler builds it. */
const secret = (maxAgeSeconds = 300) =>
  ssmSecret(NAME, maxAgeSeconds, new SSMProvider({ awsSdkV3Client: new SSMClient({ region: 'us-east-1' }) }));

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof TriggerError ? error.code : 'other';
  }
  return undefined;
}

describe('ssmSecret', () => {
  beforeEach(() => ssm.reset());

  it('reads the SecureString with decryption and caches it', async () => {
    ssm
      .on(GetParameterCommand)
      .resolves({ Parameter: { Name: NAME, Type: 'SecureString', Value: 's3cr3t' } });
    const source = secret();
    expect(await source.get()).toBe('s3cr3t');
    expect(await source.get()).toBe('s3cr3t');
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: NAME,
      WithDecryption: true,
    });
  });

  it('reads again when caching is off', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: NAME, Value: 'a' } });
    const source = secret(0);
    await source.get();
    await source.get();
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('answers secret_unavailable for a missing parameter', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));
    expect(await codeOf(secret().get())).toBe('secret_unavailable');
  });

  it('answers secret_unavailable for an empty parameter', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Name: NAME, Value: '' } });
    expect(await codeOf(secret().get())).toBe('secret_unavailable');
  });
});
