import {
  AdminGetUserCommand,
  AdminSetUserMFAPreferenceCommand,
  CognitoIdentityProviderClient,
  InternalErrorException,
  ListUsersCommand,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';

import { EMAIL, functionUrlEvent, USER_POOL_ID, USERNAME } from '../../test/fixtures/events';
import { createActionHandler } from './function-url';
import { ensureMfaAfterAppend, postAppendRequestSchema } from './post-append';
import { preLoginRequestSchema, resolveUsername } from './pre-login';

const SECRET = 'action-secret-0123456789abcdef';
const cognitoMock = mockClient(CognitoIdentityProviderClient);
const cognito = new CognitoIdentityProviderClient({ region: 'us-east-1' });
const context = {} as Context;
const noop = () => undefined;

const notFound = () => new UserNotFoundException({ message: 'User does not exist.', $metadata: {} });
const internal = () => new InternalErrorException({ message: 'arn:aws:… internal detail', $metadata: {} });

/** AdminGetUser answers as Cognito does (API reference), for a confirmed user with email as username. */
const confirmedUser = (extra: Record<string, unknown> = {}) => ({
  Username: USERNAME,
  UserAttributes: [
    { Name: 'sub', Value: USERNAME },
    { Name: 'email', Value: EMAIL },
    { Name: 'email_verified', Value: 'true' },
  ],
  Enabled: true,
  UserStatus: 'CONFIRMED' as const,
  $metadata: {},
  ...extra,
});

function logger() {
  const lines: unknown[] = [];
  const push = (message: string, extra?: unknown) => void lines.push({ message, extra });
  return { lines, info: push, warn: push, error: push };
}

function preLogin(log = logger()) {
  return createActionHandler({
    name: 'pre-login',
    schema: preLoginRequestSchema,
    secret: { get: () => Promise.resolve(SECRET) },
    logger: log,
    run: ({ identifier }) => resolveUsername(cognito, USER_POOL_ID, identifier),
  });
}

function postAppend(method: 'EMAIL_OTP' | 'NONE' = 'EMAIL_OTP') {
  return createActionHandler({
    name: 'post-append',
    schema: postAppendRequestSchema,
    secret: { get: () => Promise.resolve(SECRET) },
    logger: logger(),
    run: ({ username }) => ensureMfaAfterAppend(cognito, USER_POOL_ID, username, method),
  });
}

async function call(
  handler: ReturnType<typeof preLogin>,
  body: unknown,
  options: Parameters<typeof functionUrlEvent>[1] = {},
) {
  const result = (await handler(
    functionUrlEvent(typeof body === 'string' ? body : JSON.stringify(body), {
      authorization: `Bearer ${SECRET}`,
      ...options,
    }),
    context,
    noop,
  )) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, body: JSON.parse(String(result.body)) as unknown };
}

beforeEach(() => cognitoMock.reset());

describe('pre-login', () => {
  it('finds the user by email with AdminGetUser (email as username or alias)', async () => {
    cognitoMock
      .on(AdminGetUserCommand, { UserPoolId: USER_POOL_ID, Username: EMAIL })
      .resolves(confirmedUser());
    expect(await call(preLogin(), { identifier: EMAIL })).toEqual({
      status: 200,
      body: { outcome: 'found', username: USERNAME },
    });
    expect(cognitoMock.commandCalls(ListUsersCommand)).toHaveLength(0);
  });

  it('falls back to ListUsers with an email filter where email is a plain attribute', async () => {
    cognitoMock.on(AdminGetUserCommand).rejects(notFound());
    cognitoMock
      .on(ListUsersCommand)
      .resolves({ Users: [{ Username: 'alice', Enabled: true, UserStatus: 'CONFIRMED' }], $metadata: {} });
    expect(await call(preLogin(), { identifier: EMAIL })).toEqual({
      status: 200,
      body: { outcome: 'found', username: 'alice' },
    });
    expect(cognitoMock.commandCalls(ListUsersCommand)[0]?.args[0].input).toEqual({
      UserPoolId: USER_POOL_ID,
      Filter: `email = "${EMAIL}"`,
      Limit: 2,
    });
  });

  it('answers not_found for an unknown email', async () => {
    cognitoMock.on(AdminGetUserCommand).rejects(notFound());
    cognitoMock.on(ListUsersCommand).resolves({ Users: [], $metadata: {} });
    expect(await call(preLogin(), { identifier: 'nobody@example.com' })).toEqual({
      status: 200,
      body: { outcome: 'not_found' },
    });
  });

  it('answers not_found when two users share the email', async () => {
    cognitoMock.on(AdminGetUserCommand).rejects(notFound());
    cognitoMock.on(ListUsersCommand).resolves({
      Users: [
        { Username: 'a', Enabled: true, UserStatus: 'CONFIRMED' },
        { Username: 'b', Enabled: true, UserStatus: 'CONFIRMED' },
      ],
      $metadata: {},
    });
    expect((await call(preLogin(), { identifier: EMAIL })).body).toEqual({ outcome: 'not_found' });
  });

  it.each([
    ['disabled', { Enabled: false }],
    ['unconfirmed', { UserStatus: 'UNCONFIRMED' }],
  ])('answers not_found for a %s user', async (_name, extra) => {
    cognitoMock.on(AdminGetUserCommand).resolves(confirmedUser(extra));
    expect((await call(preLogin(), { identifier: EMAIL })).body).toEqual({ outcome: 'not_found' });
  });

  it('answers 503 without AWS detail when Cognito fails', async () => {
    cognitoMock.on(AdminGetUserCommand).rejects(internal());
    const log = logger();
    const result = await call(preLogin(log), { identifier: EMAIL });
    expect(result).toEqual({ status: 503, body: { error: { code: 'upstream_unavailable' } } });
    expect(JSON.stringify(log.lines)).not.toContain('internal detail');
  });

  it.each([
    ['a quote', 'a"b@example.com'],
    ['a backslash', 'a\\b@example.com'],
    ['a newline', 'a\nb@example.com'],
    ['an implausible email', 'a@b'],
    ['nothing', ''],
    ['a number', 42],
  ])('refuses an identifier with %s before calling Cognito', async (_name, identifier) => {
    const result = await call(preLogin(), { identifier });
    expect(result).toEqual({ status: 400, body: { error: { code: 'bad_request' } } });
    expect(cognitoMock.calls()).toHaveLength(0);
  });
});

describe('the Function URL boundary', () => {
  it.each([
    ['no authorization', undefined],
    ['a wrong secret', 'Bearer wrong-secret'],
    ['a Basic scheme', `Basic ${SECRET}`],
    ['the secret with a suffix', `Bearer ${SECRET}x`],
  ])('answers 401 to %s', async (_name, authorization) => {
    const event = functionUrlEvent(JSON.stringify({ identifier: EMAIL }));
    if (authorization) event.headers.authorization = authorization;
    const result = (await preLogin()(event, context, noop)) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(401);
    expect(JSON.parse(String(result.body))).toEqual({ error: { code: 'unauthorized' } });
    expect(cognitoMock.calls()).toHaveLength(0);
  });

  it('answers 405 to a GET', async () => {
    expect((await call(preLogin(), { identifier: EMAIL }, { method: 'GET' })).status).toBe(405);
  });

  it('answers 400 to malformed JSON', async () => {
    expect(await call(preLogin(), '{"identifier":')).toEqual({
      status: 400,
      body: { error: { code: 'bad_request' } },
    });
  });

  it('answers 413 to an oversized body', async () => {
    expect((await call(preLogin(), { identifier: 'a'.repeat(10_000) })).status).toBe(413);
  });

  it('reads a base64-encoded body', async () => {
    cognitoMock.on(AdminGetUserCommand).resolves(confirmedUser());
    const body = Buffer.from(JSON.stringify({ identifier: EMAIL })).toString('base64');
    expect((await call(preLogin(), body, { isBase64Encoded: true })).body).toEqual({
      outcome: 'found',
      username: USERNAME,
    });
  });

  it('answers 503 when the shared secret cannot be read', async () => {
    const handler = createActionHandler({
      name: 'pre-login',
      schema: preLoginRequestSchema,
      secret: { get: () => Promise.reject(new Error('AccessDenied')) },
      logger: logger(),
      run: () => Promise.resolve({ outcome: 'not_found' }),
    });
    expect((await call(handler, { identifier: EMAIL })).status).toBe(503);
  });
});

describe('post-append', () => {
  it('turns email MFA on for a user without MFA', async () => {
    cognitoMock.on(AdminGetUserCommand).resolves(confirmedUser());
    cognitoMock.on(AdminSetUserMFAPreferenceCommand).resolves({ $metadata: {} });
    expect(await call(postAppend(), { username: USERNAME, credentialId: 'AbC-_1' })).toEqual({
      status: 200,
      body: { outcome: 'mfa_enabled', method: 'EMAIL_OTP' },
    });
    expect(cognitoMock.commandCalls(AdminSetUserMFAPreferenceCommand)[0]?.args[0].input).toEqual({
      UserPoolId: USER_POOL_ID,
      Username: USERNAME,
      EmailMfaSettings: { Enabled: true, PreferredMfa: true },
    });
  });

  it('leaves a user with MFA alone (idempotent)', async () => {
    cognitoMock
      .on(AdminGetUserCommand)
      .resolves(confirmedUser({ UserMFASettingList: ['EMAIL_OTP'], PreferredMfaSetting: 'EMAIL_OTP' }));
    expect((await call(postAppend(), { username: USERNAME })).body).toEqual({ outcome: 'mfa_already_set' });
    expect(cognitoMock.commandCalls(AdminSetUserMFAPreferenceCommand)).toHaveLength(0);
  });

  it('changes nothing when the configured method is NONE', async () => {
    cognitoMock.on(AdminGetUserCommand).resolves(confirmedUser());
    expect((await call(postAppend('NONE'), { username: USERNAME })).body).toEqual({ outcome: 'unchanged' });
    expect(cognitoMock.commandCalls(AdminSetUserMFAPreferenceCommand)).toHaveLength(0);
  });

  it('answers not_found for an unknown user', async () => {
    cognitoMock.on(AdminGetUserCommand).rejects(notFound());
    expect((await call(postAppend(), { username: 'ghost' })).body).toEqual({ outcome: 'not_found' });
  });

  it('answers 503 when setting the preference fails', async () => {
    cognitoMock.on(AdminGetUserCommand).resolves(confirmedUser());
    cognitoMock.on(AdminSetUserMFAPreferenceCommand).rejects(internal());
    expect(await call(postAppend(), { username: USERNAME })).toEqual({
      status: 503,
      body: { error: { code: 'upstream_unavailable' } },
    });
  });

  it('refuses a missing username', async () => {
    expect((await call(postAppend(), { credentialId: 'x' })).status).toBe(400);
  });
});
