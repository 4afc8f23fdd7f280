import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  InternalErrorException,
  ListUsersCommand,
  NotAuthorizedException,
  UserNotFoundException,
  type UserStatusType,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { adminGetUser, EMAIL, listedUser, memoryLog, USER_POOL_ID, USERNAME } from '../test/fixtures';
import type { PreLoginConfig } from './config';
import { preLoginResultSchema, type PreLoginResult } from './contract';
import { ActionError } from './errors';
import { normaliseIdentifier, translateIdentifier, USER_NOT_FOUND_MESSAGE } from './pre-login';

const cognitoMock = mockClient(CognitoIdentityProviderClient);
const client = new CognitoIdentityProviderClient({ region: 'eu-central-1' });

const CONFIG: PreLoginConfig = {
  userPoolId: USER_POOL_ID,
  region: 'eu-central-1',
  assumeRoleArn: 'arn:aws:iam::123456789012:role/r',
  externalId: 'ext-id',
  deadlineMs: 2500,
  revealUnknownUser: false,
};

const notFound = () => new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });

/** Runs pre-login and checks the answer against the contract before the test looks at it. */
async function preLogin(event: unknown, config: Partial<PreLoginConfig> = {}, log = memoryLog()) {
  const result: PreLoginResult = await translateIdentifier(
    event,
    { ...CONFIG, ...config },
    () => Promise.resolve(client),
    log,
  );
  return preLoginResultSchema.parse(result);
}

const silent = (code: string) => ({
  statusCode: 200,
  body: { identifier: '', error: { return: false, code } },
});

beforeEach(() => cognitoMock.reset());

describe('pre-login: the status table, user found by AdminGetUser', () => {
  it('answers the Cognito username for a confirmed, enabled user', async () => {
    cognitoMock
      .on(AdminGetUserCommand, { UserPoolId: USER_POOL_ID, Username: EMAIL })
      .resolves(adminGetUser());
    expect(await preLogin({ identifier: EMAIL })).toEqual({
      statusCode: 200,
      body: { identifier: USERNAME },
    });
    expect(cognitoMock.commandCalls(ListUsersCommand)).toHaveLength(0);
  });

  it.each<[string, Parameters<typeof adminGetUser>[0], ReturnType<typeof silent> | 'reset']>([
    ['disabled', { Enabled: false }, silent('account_disabled')],
    [
      'disabled even while RESET_REQUIRED',
      { Enabled: false, UserStatus: 'RESET_REQUIRED' },
      silent('account_disabled'),
    ],
    ['FORCE_CHANGE_PASSWORD', { UserStatus: 'FORCE_CHANGE_PASSWORD' }, silent('force_change_password')],
    ['RESET_REQUIRED', { UserStatus: 'RESET_REQUIRED' }, 'reset'],
    ['UNCONFIRMED', { UserStatus: 'UNCONFIRMED' }, silent('untyped')],
    ['EXTERNAL_PROVIDER', { UserStatus: 'EXTERNAL_PROVIDER' }, silent('untyped')],
    ['COMPROMISED', { UserStatus: 'COMPROMISED' }, silent('untyped')],
    ['UNKNOWN', { UserStatus: 'UNKNOWN' }, silent('untyped')],
    ['a status Cognito may add later', { UserStatus: 'SOMETHING_NEW' as UserStatusType }, silent('untyped')],
    ['without a status', { UserStatus: undefined }, silent('untyped')],
    ['confirmed but without a username', { Username: undefined }, silent('untyped')],
  ])('a %s user', async (_name, extra, expected) => {
    cognitoMock.on(AdminGetUserCommand).resolves(adminGetUser(extra));
    const result = await preLogin({ identifier: EMAIL });
    expect(result).toEqual(
      expected === 'reset'
        ? {
            statusCode: 200,
            body: { identifier: '', error: { return: true, code: 'reset_required', payload: EMAIL } },
          }
        : expected,
    );
  });
});

describe('pre-login: ListUsers when AdminGetUser finds nobody', () => {
  beforeEach(() => cognitoMock.on(AdminGetUserCommand).rejects(notFound()));

  it('searches the email attribute with an exact filter', async () => {
    cognitoMock.on(ListUsersCommand).resolves({ Users: [listedUser('alice', 'true')], $metadata: {} });
    expect(await preLogin({ identifier: EMAIL })).toEqual({ statusCode: 200, body: { identifier: 'alice' } });
    expect(cognitoMock.commandCalls(ListUsersCommand)[0]?.args[0].input).toEqual({
      UserPoolId: USER_POOL_ID,
      Filter: `email = "${EMAIL}"`,
      Limit: 60,
      AttributesToGet: ['email_verified'],
    });
  });

  it('applies the status table to the user it finds', async () => {
    cognitoMock.on(ListUsersCommand).resolves({
      Users: [listedUser('alice', 'true', { UserStatus: 'FORCE_CHANGE_PASSWORD' })],
      $metadata: {},
    });
    expect(await preLogin({ identifier: EMAIL })).toEqual(silent('force_change_password'));
  });

  it('ignores users whose email is not verified', async () => {
    cognitoMock.on(ListUsersCommand).resolves({
      Users: [
        listedUser('mallory', 'false'),
        listedUser('eve', 'TRUE'),
        { Username: 'bob', Enabled: true, UserStatus: 'CONFIRMED' },
      ],
      $metadata: {},
    });
    expect(await preLogin({ identifier: EMAIL })).toEqual(silent('user_not_found'));
  });

  it('takes the one verified user among unverified ones', async () => {
    cognitoMock.on(ListUsersCommand).resolves({
      Users: [listedUser('mallory', 'false'), listedUser('alice', 'true')],
      $metadata: {},
    });
    expect(await preLogin({ identifier: EMAIL })).toEqual({ statusCode: 200, body: { identifier: 'alice' } });
  });

  it('treats two verified users with the same email as nobody', async () => {
    cognitoMock.on(ListUsersCommand).resolves({
      Users: [listedUser('alice', 'true'), listedUser('alice2', 'true')],
      $metadata: {},
    });
    expect(await preLogin({ identifier: EMAIL })).toEqual(silent('user_not_found'));
  });

  it('treats more than a page of matches as nobody', async () => {
    cognitoMock.on(ListUsersCommand).resolves({
      Users: [listedUser('alice', 'true')],
      PaginationToken: 'next',
      $metadata: {},
    });
    expect(await preLogin({ identifier: EMAIL })).toEqual(silent('user_not_found'));
  });

  it('does not search emails for an identifier without @', async () => {
    expect(await preLogin({ identifier: 'alice' })).toEqual(silent('user_not_found'));
    expect(cognitoMock.commandCalls(ListUsersCommand)).toHaveLength(0);
  });

  it('goes straight to ListUsers for an email longer than a Cognito username', async () => {
    const long = `${'a'.repeat(130)}@example.com`;
    cognitoMock.on(ListUsersCommand).resolves({ Users: [listedUser('alice', 'true')], $metadata: {} });
    expect(await preLogin({ identifier: long })).toEqual({ statusCode: 200, body: { identifier: 'alice' } });
    expect(cognitoMock.commandCalls(AdminGetUserCommand)).toHaveLength(0);
  });
});

describe('pre-login: an unknown user', () => {
  beforeEach(() => {
    cognitoMock.on(AdminGetUserCommand).rejects(notFound());
    cognitoMock.on(ListUsersCommand).resolves({ Users: [], $metadata: {} });
  });

  it('is a silent user_not_found by default', async () => {
    expect(await preLogin({ identifier: 'nobody@example.com' })).toEqual(silent('user_not_found'));
  });

  it('is returned with the guide message when REVEAL_UNKNOWN_USER is true', async () => {
    expect(await preLogin({ identifier: 'nobody@example.com' }, { revealUnknownUser: true })).toEqual({
      statusCode: 200,
      body: {
        identifier: '',
        error: { return: true, code: 'user_not_found', message: USER_NOT_FOUND_MESSAGE },
      },
    });
  });
});

describe('pre-login: identifiers', () => {
  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['a quote', 'a"b@example.com'],
    ['a quote that would close the filter', 'x" or email ^= "'],
    ['a backslash', 'a\\b@example.com'],
    ['a newline', 'a\nb@example.com'],
    ['a NUL', 'a\u0000b@example.com'],
    ['a zero-width space', 'a\u200bb@example.com'],
    ['a space inside', 'alice @example.com'],
    ['a tab inside', 'alice\t@example.com'],
    ['255 characters', `${'a'.repeat(243)}@example.com`],
  ])('refuses %s silently, without calling Cognito', async (_name, identifier) => {
    expect(await preLogin({ identifier })).toEqual(silent('invalid_identifier'));
    expect(cognitoMock.calls()).toHaveLength(0);
  });

  it.each([
    ['no identifier', {}],
    ['a number', { identifier: 42 }],
    ['null', null],
    ['a string', 'alice@example.com'],
  ])('refuses an event with %s', async (_name, event) => {
    expect(await preLogin(event)).toEqual(silent('invalid_identifier'));
    expect(cognitoMock.calls()).toHaveLength(0);
  });

  it('trims the identifier and keeps its case', async () => {
    cognitoMock.on(AdminGetUserCommand).resolves(adminGetUser({ Username: 'Alice' }));
    await preLogin({ identifier: '  Alice@Example.com\n' });
    expect(cognitoMock.commandCalls(AdminGetUserCommand)[0]?.args[0].input.Username).toBe(
      'Alice@Example.com',
    );
  });

  it('accepts 254 characters, non-ASCII letters and the punctuation emails use', () => {
    expect(normaliseIdentifier(`${'a'.repeat(242)}@example.com`)).toHaveLength(254);
    expect(normaliseIdentifier('jürgen.o+tag@exämple.de')).toBe('jürgen.o+tag@exämple.de');
    expect(normaliseIdentifier("o'brien_1-x@example.co.uk")).toBe("o'brien_1-x@example.co.uk");
  });

  it('accepts extra fields Corbado may send', async () => {
    cognitoMock.on(AdminGetUserCommand).resolves(adminGetUser());
    expect(await preLogin({ identifier: EMAIL, projectId: 'pro-1', clientInfo: {} })).toEqual({
      statusCode: 200,
      body: { identifier: USERNAME },
    });
  });
});

describe('pre-login: failures', () => {
  it.each([
    [
      'Cognito fails',
      () =>
        cognitoMock
          .on(AdminGetUserCommand)
          .rejects(new InternalErrorException({ message: 'arn:aws:cognito-idp:… detail', $metadata: {} })),
      'cognito_unavailable',
      'InternalErrorException',
    ],
    [
      'the role may not call Cognito',
      () =>
        cognitoMock
          .on(AdminGetUserCommand)
          .rejects(new NotAuthorizedException({ message: 'not authorized', $metadata: {} })),
      'access_denied',
      'NotAuthorizedException',
    ],
    [
      'ListUsers times out',
      () => {
        cognitoMock.on(AdminGetUserCommand).rejects(notFound());
        cognitoMock
          .on(ListUsersCommand)
          .rejects(Object.assign(new Error('socket timed out after 2000 ms'), { name: 'TimeoutError' }));
      },
      'cognito_unavailable',
      'TimeoutError',
    ],
  ])(
    '%s: a silent untyped, and the code and error name in the log',
    async (_name, arrange, code, errorName) => {
      arrange();
      const log = memoryLog();
      expect(await preLogin({ identifier: EMAIL }, {}, log)).toEqual(silent('untyped'));
      expect(log.lines).toEqual([{ outcome: 'untyped', code, error: errorName }]);
      expect(JSON.stringify(log.lines)).not.toContain('detail');
    },
  );

  it('answers a silent untyped when the credentials cannot be had', async () => {
    const log = memoryLog();
    const result = await translateIdentifier(
      { identifier: EMAIL },
      CONFIG,
      () =>
        Promise.reject(
          new ActionError('access_denied', 'STS refused', {
            cause: Object.assign(new Error('x'), { name: 'AccessDenied' }),
          }),
        ),
      log,
    );
    expect(preLoginResultSchema.parse(result)).toEqual(silent('untyped'));
    expect(log.lines).toEqual([{ outcome: 'untyped', code: 'access_denied', error: 'AccessDenied' }]);
  });

  it('answers a silent untyped when STS and Cognito together outrun the deadline', async () => {
    const log = memoryLog();
    const never = new Promise<never>(() => undefined);
    const result = await translateIdentifier(
      { identifier: EMAIL },
      { ...CONFIG, deadlineMs: 20 },
      () => never,
      log,
    );
    expect(preLoginResultSchema.parse(result)).toEqual(silent('untyped'));
    expect(log.lines).toEqual([{ outcome: 'untyped', code: 'deadline_exceeded', error: 'ActionError' }]);
  });

  it('logs no identifier', async () => {
    cognitoMock.on(AdminGetUserCommand).resolves(adminGetUser());
    const log = memoryLog();
    await preLogin({ identifier: EMAIL }, {}, log);
    expect(log.lines).toEqual([{ outcome: 'found' }]);
  });
});
