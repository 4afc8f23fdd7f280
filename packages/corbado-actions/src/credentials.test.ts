import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { AssumeRoleCommand, STSClient, STSServiceException } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { assumeRoleAnswer, EXTERNAL_ID, ROLE_ARN } from '../test/fixtures';
import {
  assumeRoleCredentials,
  cognitoClientFrom,
  CREDENTIALS_REFRESH_MARGIN_MS,
  type RoleCredentials,
} from './credentials';
import { ActionError } from './errors';
import { ACTION_ROLE_MAX_SESSION_SECONDS, ACTION_ROLE_SESSION_NAME } from './role-policy';

const stsMock = mockClient(STSClient);
const sts = new STSClient({ region: 'eu-central-1' });

const T0 = Date.parse('2025-06-01T12:00:00Z');
const HOUR = 3600 * 1000;

/** A credential source on a clock the test moves. */
function source() {
  const clock = { now: T0 };
  const credentials = assumeRoleCredentials({
    sts,
    roleArn: ROLE_ARN,
    externalId: EXTERNAL_ID,
    now: () => clock.now,
  });
  return { clock, credentials };
}

const denied = () =>
  new STSServiceException({
    name: 'AccessDenied',
    $fault: 'client',
    message: 'User: arn:aws:sts::999999999999:assumed-role/x is not authorized to perform: sts:AssumeRole',
    $metadata: { httpStatusCode: 403 },
  });

const assumeCalls = () => stsMock.commandCalls(AssumeRoleCommand);

beforeEach(() => stsMock.reset());

describe('assumeRoleCredentials', () => {
  it('assumes the role with the external ID, the session name and the longest session', async () => {
    stsMock.on(AssumeRoleCommand).resolves(assumeRoleAnswer(new Date(T0 + HOUR)));
    const { credentials } = source();
    expect(await credentials.get()).toEqual({
      accessKeyId: 'ASIAEXAMPLEKEY000001',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      sessionToken: 'FwoGZXIvYXdzEXAMPLESESSIONTOKEN',
      expiration: new Date(T0 + HOUR),
    });
    expect(assumeCalls().map((c) => c.args[0].input)).toEqual([
      {
        RoleArn: ROLE_ARN,
        RoleSessionName: ACTION_ROLE_SESSION_NAME,
        DurationSeconds: ACTION_ROLE_MAX_SESSION_SECONDS,
        ExternalId: EXTERNAL_ID,
      },
    ]);
  });

  it('reuses the credentials until five minutes before they expire', async () => {
    stsMock.on(AssumeRoleCommand).resolves(assumeRoleAnswer(new Date(T0 + HOUR)));
    const { clock, credentials } = source();
    const first = await credentials.get();
    clock.now = T0 + HOUR - CREDENTIALS_REFRESH_MARGIN_MS - 1;
    expect(await credentials.get()).toBe(first);
    expect(assumeCalls()).toHaveLength(1);
  });

  it('renews them within five minutes of their expiry', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .resolvesOnce(assumeRoleAnswer(new Date(T0 + HOUR), 'ASIAFIRST'))
      .resolves(assumeRoleAnswer(new Date(T0 + 2 * HOUR), 'ASIASECOND'));
    const { clock, credentials } = source();
    await credentials.get();
    clock.now = T0 + HOUR - CREDENTIALS_REFRESH_MARGIN_MS;
    expect((await credentials.get()).accessKeyId).toBe('ASIASECOND');
    expect(assumeCalls()).toHaveLength(2);
  });

  it('shares one AssumeRole among concurrent callers', async () => {
    stsMock.on(AssumeRoleCommand).resolves(assumeRoleAnswer(new Date(T0 + HOUR)));
    const { credentials } = source();
    const answers = await Promise.all([credentials.get(), credentials.get(), credentials.get()]);
    expect(new Set(answers).size).toBe(1);
    expect(assumeCalls()).toHaveLength(1);
  });

  it('does not cache a failure: the next call assumes the role again', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejectsOnce(Object.assign(new Error('connect ETIMEDOUT'), { name: 'TimeoutError' }))
      .resolves(assumeRoleAnswer(new Date(T0 + HOUR)));
    const { credentials } = source();
    await expect(credentials.get()).rejects.toMatchObject({ code: 'role_unavailable' });
    expect((await credentials.get()).accessKeyId).toBe('ASIAEXAMPLEKEY000001');
    expect(assumeCalls()).toHaveLength(2);
  });

  it('shares a failure among concurrent callers, then tries again', async () => {
    stsMock
      .on(AssumeRoleCommand)
      .rejectsOnce(denied())
      .resolves(assumeRoleAnswer(new Date(T0 + HOUR)));
    const { credentials } = source();
    const results = await Promise.allSettled([credentials.get(), credentials.get()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(assumeCalls()).toHaveLength(1);
    await expect(credentials.get()).resolves.toMatchObject({ accessKeyId: 'ASIAEXAMPLEKEY000001' });
  });

  it('calls a refusal access_denied and keeps the cause for the log', async () => {
    stsMock.on(AssumeRoleCommand).rejects(denied());
    const error: unknown = await source()
      .credentials.get()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect(error).toMatchObject({ code: 'access_denied', cause: { name: 'AccessDenied' } });
  });

  it.each([
    ['no credentials', { $metadata: {} }],
    [
      'no session token',
      {
        Credentials: { ...assumeRoleAnswer(new Date(T0 + HOUR)).Credentials, SessionToken: undefined },
        $metadata: {},
      },
    ],
    [
      'no expiry',
      {
        Credentials: { ...assumeRoleAnswer(new Date(T0 + HOUR)).Credentials, Expiration: undefined },
        $metadata: {},
      },
    ],
  ])('calls an answer with %s role_unavailable', async (_name, answer) => {
    stsMock.on(AssumeRoleCommand).resolves(answer);
    await expect(source().credentials.get()).rejects.toMatchObject({ code: 'role_unavailable' });
  });
});

describe('cognitoClientFrom', () => {
  function fakeSource(): { set(c: RoleCredentials): void; get(): Promise<RoleCredentials> } {
    let current: RoleCredentials = {
      accessKeyId: 'A',
      secretAccessKey: 's',
      sessionToken: 't',
      expiration: new Date(T0 + HOUR),
    };
    return { set: (c) => void (current = c), get: () => Promise.resolve(current) };
  }

  it('keeps one client while the credentials stay the same, and builds a new one when they change', async () => {
    const credentials = fakeSource();
    const built: RoleCredentials[] = [];
    const cognito = cognitoClientFrom(credentials, 'eu-central-1', (c) => {
      built.push(c);
      return new CognitoIdentityProviderClient({ region: 'eu-central-1', credentials: c });
    });
    const first = await cognito();
    expect(await cognito()).toBe(first);
    credentials.set({
      accessKeyId: 'B',
      secretAccessKey: 's',
      sessionToken: 't',
      expiration: new Date(T0 + 2 * HOUR),
    });
    expect(await cognito()).not.toBe(first);
    expect(built.map((c) => c.accessKeyId)).toEqual(['A', 'B']);
  });

  it('signs the default client with the role credentials in the configured region', async () => {
    const cognito = (await cognitoClientFrom(
      fakeSource(),
      'eu-central-1',
    )()) as CognitoIdentityProviderClient;
    expect(await cognito.config.region()).toBe('eu-central-1');
    expect(await cognito.config.credentials()).toMatchObject({ accessKeyId: 'A', sessionToken: 't' });
    expect(cognito.config.maxAttempts).toBeDefined();
    expect(await cognito.config.maxAttempts()).toBe(2);
  });
});
