import {
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  CognitoIdentityProviderClient,
  InternalErrorException,
  InvalidParameterException,
  ResourceNotFoundException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { adminGetUser, memoryLog, USER_POOL_ID, USERNAME } from '../test/fixtures';
import type { MfaMethod, PostAppendConfig } from './config';
import { postAppendResultSchema } from './contract';
import { answerPostAppend } from './post-append';

const cognitoMock = mockClient(CognitoIdentityProviderClient);
const client = new CognitoIdentityProviderClient({ region: 'eu-central-1' });

const CONFIG: PostAppendConfig = {
  userPoolId: USER_POOL_ID,
  region: 'eu-central-1',
  assumeRoleArn: 'arn:aws:iam::123456789012:role/r',
  externalId: 'ext-id',
  deadlineMs: 2500,
  mfaMethod: 'EMAIL_OTP',
};

/** Runs post-append and checks the answer against the contract before the test looks at it. */
async function postAppend(event: unknown, mfaMethod: MfaMethod = 'EMAIL_OTP', log = memoryLog()) {
  const result = await answerPostAppend(event, { ...CONFIG, mfaMethod }, () => Promise.resolve(client), log);
  return postAppendResultSchema.parse(result);
}

const setCalls = () => cognitoMock.commandCalls(AdminSetUserMFAPreferenceCommand).map((c) => c.args[0].input);

beforeEach(() => cognitoMock.reset());

describe('post-append', () => {
  it.each<[MfaMethod, string]>([
    ['EMAIL_OTP', 'EmailMfaSettings'],
    ['SMS', 'SMSMfaSettings'],
  ])('turns %s on, as preferred, for a user without MFA', async (method, field) => {
    cognitoMock
      .on(AdminGetUserCommand, { UserPoolId: USER_POOL_ID, Username: USERNAME })
      .resolves(adminGetUser());
    cognitoMock.on(AdminSetUserMFAPreferenceCommand).resolves({ $metadata: {} });
    expect(await postAppend({ username: USERNAME }, method)).toEqual({
      statusCode: 200,
      body: { outcome: 'mfa_enabled' },
    });
    expect(setCalls()).toEqual([
      { UserPoolId: USER_POOL_ID, Username: USERNAME, [field]: { Enabled: true, PreferredMfa: true } },
    ]);
  });

  it('sets the preference on the username Cognito answered with', async () => {
    cognitoMock.on(AdminGetUserCommand).resolves(adminGetUser({ Username: 'canonical-name' }));
    cognitoMock.on(AdminSetUserMFAPreferenceCommand).resolves({ $metadata: {} });
    await postAppend({ username: 'Alias-Name' });
    expect(setCalls()[0]?.Username).toBe('canonical-name');
  });

  it.each([
    ['a method in UserMFASettingList', { UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] }],
    ['a preferred method', { PreferredMfaSetting: 'SMS_MFA' }],
    [
      'legacy SMS MFAOptions',
      { MFAOptions: [{ DeliveryMedium: 'SMS' as const, AttributeName: 'phone_number' }] },
    ],
  ])('leaves a user with %s alone', async (_name, extra) => {
    cognitoMock.on(AdminGetUserCommand).resolves(adminGetUser(extra));
    expect(await postAppend({ username: USERNAME })).toEqual({
      statusCode: 200,
      body: { outcome: 'mfa_already_set' },
    });
    expect(setCalls()).toHaveLength(0);
  });

  it('is idempotent: a second call after the first changes nothing', async () => {
    cognitoMock
      .on(AdminGetUserCommand)
      .resolvesOnce(adminGetUser())
      .resolves(adminGetUser({ UserMFASettingList: ['EMAIL_OTP'], PreferredMfaSetting: 'EMAIL_OTP' }));
    cognitoMock.on(AdminSetUserMFAPreferenceCommand).resolves({ $metadata: {} });
    expect((await postAppend({ username: USERNAME })).body).toEqual({ outcome: 'mfa_enabled' });
    expect((await postAppend({ username: USERNAME })).body).toEqual({ outcome: 'mfa_already_set' });
    expect(setCalls()).toHaveLength(1);
  });

  it.each([
    [
      'an unknown user',
      () =>
        cognitoMock
          .on(AdminGetUserCommand)
          .rejects(new UserNotFoundException({ message: 'User does not exist.', $metadata: {} })),
      'user_not_found',
      'UserNotFoundException',
    ],
    [
      'an unknown pool',
      () =>
        cognitoMock.on(AdminGetUserCommand).rejects(
          new ResourceNotFoundException({
            message: 'User pool eu-central-1_x does not exist.',
            $metadata: {},
          }),
        ),
      'user_pool_not_found',
      'ResourceNotFoundException',
    ],
    [
      'a Cognito failure',
      () =>
        cognitoMock
          .on(AdminGetUserCommand)
          .rejects(new InternalErrorException({ message: 'internal detail', $metadata: {} })),
      'cognito_unavailable',
      'InternalErrorException',
    ],
    [
      'a refused MFA method',
      () => {
        cognitoMock.on(AdminGetUserCommand).resolves(adminGetUser());
        cognitoMock.on(AdminSetUserMFAPreferenceCommand).rejects(
          new InvalidParameterException({
            message: 'User does not have delivery config set to turn on SMS_MFA',
            $metadata: {},
          }),
        );
      },
      'mfa_method_unavailable',
      'InvalidParameterException',
    ],
    [
      'a timeout while setting the preference',
      () => {
        cognitoMock.on(AdminGetUserCommand).resolves(adminGetUser());
        cognitoMock
          .on(AdminSetUserMFAPreferenceCommand)
          .rejects(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
      },
      'cognito_unavailable',
      'TimeoutError',
    ],
  ])('%s answers 500 with a code and nothing of the cause', async (_name, arrange, code, errorName) => {
    arrange();
    const log = memoryLog();
    const result = await postAppend({ username: USERNAME }, 'SMS', log);
    expect(result).toEqual({ statusCode: 500, body: { code } });
    expect(log.lines).toEqual([{ code, error: errorName }]);
  });

  it('answers 500 deadline_exceeded when the calls outrun the deadline', async () => {
    const log = memoryLog();
    const never = new Promise<never>(() => undefined);
    const result = await answerPostAppend(
      { username: USERNAME },
      { ...CONFIG, deadlineMs: 20 },
      () => never,
      log,
    );
    expect(postAppendResultSchema.parse(result)).toEqual({
      statusCode: 500,
      body: { code: 'deadline_exceeded' },
    });
    expect(log.lines).toEqual([{ code: 'deadline_exceeded', error: 'ActionError' }]);
  });

  it.each([
    ['no username', {}],
    ['an empty username', { username: '' }],
    ['a username with a space', { username: 'a b' }],
    ['a username longer than Cognito allows', { username: 'a'.repeat(129) }],
    ['null', null],
  ])('refuses an event with %s, without calling Cognito', async (_name, event) => {
    expect(await postAppend(event)).toEqual({ statusCode: 500, body: { code: 'invalid_event' } });
    expect(cognitoMock.calls()).toHaveLength(0);
  });
});
