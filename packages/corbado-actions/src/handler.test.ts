// The handlers as Corbado runs them: configuration from the environment at module load, the real STS and
// Cognito clients, pointed by AWS_ENDPOINT_URL_* at a local endpoint that records what they send.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  actionEnv,
  assumeRoleXml,
  cognitoJson,
  startAwsServer,
  stsErrorXml,
  type Answer,
  type RecordedRequest,
} from '../test/aws-server';
import { adminGetUser, EXTERNAL_ID, ROLE_ARN, USERNAME } from '../test/fixtures';
import { postAppendResultSchema, preLoginResultSchema } from './contract';
import { ACTION_ROLE_MAX_SESSION_SECONDS, ACTION_ROLE_SESSION_NAME } from './role-policy';

let answers: Record<string, (request: RecordedRequest) => Answer>;
let server: Awaited<ReturnType<typeof startAwsServer>>;

beforeAll(async () => {
  server = await startAwsServer((request) => {
    const answer = answers[request.action];
    return answer
      ? answer(request)
      : cognitoJson({ __type: 'InternalErrorException', message: 'unexpected' }, 500);
  });
});
afterAll(() => server.stop());

const { Username, Enabled, UserStatus, UserAttributes } = adminGetUser();
const COGNITO_USER = { Username, Enabled, UserStatus, UserAttributes };

beforeEach(() => {
  server.requests.length = 0;
  answers = {
    'sts:AssumeRole': () => assumeRoleXml('ASIAROLECREDENTIALS1'),
    'cognito-idp:AdminGetUser': () => cognitoJson(COGNITO_USER),
    'cognito-idp:AdminSetUserMFAPreference': () => cognitoJson({}),
  };
  vi.resetModules();
  // Only the variables given below: nothing from the machine's own AWS setup.
  for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) vi.stubEnv(key, undefined);
  for (const key of [
    'USER_POOL_ID',
    'ASSUME_ROLE_ARN',
    'EXTERNAL_ID',
    'REGION',
    'REVEAL_UNKNOWN_USER',
    'POST_APPEND_MFA_METHOD',
  ])
    vi.stubEnv(key, undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function stubEnv(env: Record<string, string>) {
  for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);
}

/** Console lines the action wrote, parsed (each must be one JSON object). */
function captureConsole() {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
  vi.spyOn(console, 'error').mockImplementation((line: unknown) => void lines.push(String(line)));
  return { lines, parsed: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const calls = (action: string) => server.requests.filter((r) => r.action === action);
const credentialOf = (request: RecordedRequest | undefined) =>
  /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\//.exec(String(request?.headers.authorization))?.slice(1);

describe('pre-login handler', () => {
  it('assumes the role with the external ID, then asks Cognito with the role credentials', async () => {
    stubEnv(actionEnv(server.url));
    captureConsole();
    const { handler } = await import('./pre-login');
    const result = preLoginResultSchema.parse(await handler({ identifier: 'alice@example.com' }));
    expect(result).toEqual({ statusCode: 200, body: { identifier: USERNAME } });

    const [assume] = calls('sts:AssumeRole');
    expect(assume?.input).toMatchObject({
      RoleArn: ROLE_ARN,
      ExternalId: EXTERNAL_ID,
      RoleSessionName: ACTION_ROLE_SESSION_NAME,
      DurationSeconds: String(ACTION_ROLE_MAX_SESSION_SECONDS),
    });
    expect(credentialOf(assume)).toEqual(['AKIACORBADORUNTIME01', 'eu-central-1', 'sts']);
    const [get] = calls('cognito-idp:AdminGetUser');
    expect(get?.input).toEqual({ UserPoolId: 'eu-central-1_Abc123XYZ', Username: 'alice@example.com' });
    expect(credentialOf(get)).toEqual(['ASIAROLECREDENTIALS1', 'eu-central-1', 'cognito-idp']);
    expect(get?.headers['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLESESSIONTOKEN');
  });

  it('assumes the role once for many calls', async () => {
    stubEnv(actionEnv(server.url));
    captureConsole();
    const { handler } = await import('./pre-login');
    await Promise.all([handler({ identifier: 'a@example.com' }), handler({ identifier: 'b@example.com' })]);
    await handler({ identifier: 'c@example.com' });
    expect(calls('sts:AssumeRole')).toHaveLength(1);
    expect(calls('cognito-idp:AdminGetUser')).toHaveLength(3);
  });

  it('calls the region REGION names, and otherwise the pool region, never AWS_REGION', async () => {
    stubEnv(actionEnv(server.url, { AWS_REGION: 'us-west-2' }));
    captureConsole();
    await (await import('./pre-login')).handler({ identifier: 'alice@example.com' });
    expect(credentialOf(calls('cognito-idp:AdminGetUser')[0])?.[1]).toBe('eu-central-1');

    vi.resetModules();
    server.requests.length = 0;
    stubEnv({ REGION: 'eu-west-1' });
    await (await import('./pre-login')).handler({ identifier: 'alice@example.com' });
    expect(credentialOf(calls('sts:AssumeRole')[0])?.[1]).toBe('eu-west-1');
    expect(credentialOf(calls('cognito-idp:AdminGetUser')[0])?.[1]).toBe('eu-west-1');
  });

  it('answers a silent untyped when STS refuses the role, and logs the code, not the message', async () => {
    answers['sts:AssumeRole'] = () => stsErrorXml(403, 'AccessDenied');
    stubEnv(actionEnv(server.url));
    const log = captureConsole();
    const { handler } = await import('./pre-login');
    expect(preLoginResultSchema.parse(await handler({ identifier: 'alice@example.com' }))).toEqual({
      statusCode: 200,
      body: { identifier: '', error: { return: false, code: 'untyped' } },
    });
    expect(log.parsed()).toEqual([
      {
        action: 'pre-login',
        level: 'error',
        outcome: 'untyped',
        code: 'access_denied',
        error: 'AccessDenied',
      },
    ]);
    expect(calls('cognito-idp:AdminGetUser')).toHaveLength(0);
  });

  it('assumes the role again after a failure', async () => {
    let first = true;
    answers['sts:AssumeRole'] = () => {
      if (!first) return assumeRoleXml('ASIAROLECREDENTIALS2');
      first = false;
      return stsErrorXml(403, 'AccessDenied');
    };
    stubEnv(actionEnv(server.url));
    captureConsole();
    const { handler } = await import('./pre-login');
    await handler({ identifier: 'alice@example.com' });
    expect(await handler({ identifier: 'alice@example.com' })).toEqual({
      statusCode: 200,
      body: { identifier: USERNAME },
    });
    expect(calls('sts:AssumeRole')).toHaveLength(2);
  });

  it.each([
    ['nothing set', {}],
    ['a bad pool ID', { USER_POOL_ID: 'Abc123' }],
    ['a bad role ARN', { ASSUME_ROLE_ARN: 'arn:aws:iam::123:user/x' }],
    ['an external ID with a space', { EXTERNAL_ID: 'not allowed here' }],
    ['a bad REVEAL_UNKNOWN_USER', { REVEAL_UNKNOWN_USER: 'yes' }],
    ['a bad REGION', { REGION: 'Frankfurt' }],
  ])(
    'with %s, answers a silent untyped and logs config_invalid with the names only',
    async (_name, override) => {
      const env = _name === 'nothing set' ? {} : { ...actionEnv(server.url), ...override };
      stubEnv(env);
      const log = captureConsole();
      const { handler } = await import('./pre-login');
      expect(preLoginResultSchema.parse(await handler({ identifier: 'alice@example.com' }))).toEqual({
        statusCode: 200,
        body: { identifier: '', error: { return: false, code: 'untyped' } },
      });
      const [line, ...more] = log.parsed();
      expect(more).toEqual([]);
      expect(line).toMatchObject({ action: 'pre-login', level: 'error', code: 'config_invalid' });
      expect((line?.invalidKeys as string[]).length).toBeGreaterThan(0);
      for (const value of Object.values(override)) expect(log.lines.join('\n')).not.toContain(value);
      expect(server.requests).toHaveLength(0);
    },
  );
});

describe('post-append handler', () => {
  it.each([
    ['unset', 'EmailMfaSettings'],
    ['EMAIL_OTP', 'EmailMfaSettings'],
    ['SMS', 'SMSMfaSettings'],
  ])('with POST_APPEND_MFA_METHOD %s sets %s through the role', async (method, field) => {
    stubEnv(actionEnv(server.url, method === 'unset' ? {} : { POST_APPEND_MFA_METHOD: method }));
    captureConsole();
    const { handler } = await import('./post-append');
    expect(postAppendResultSchema.parse(await handler({ username: USERNAME }))).toEqual({
      statusCode: 200,
      body: { outcome: 'mfa_enabled' },
    });
    const [set] = calls('cognito-idp:AdminSetUserMFAPreference');
    expect(set?.input).toEqual({
      UserPoolId: 'eu-central-1_Abc123XYZ',
      Username: USERNAME,
      [field]: { Enabled: true, PreferredMfa: true },
    });
    expect(credentialOf(set)?.[0]).toBe('ASIAROLECREDENTIALS1');
  });

  it('answers 500 user_not_found for a user Cognito does not know', async () => {
    answers['cognito-idp:AdminGetUser'] = () =>
      cognitoJson({ __type: 'UserNotFoundException', message: 'User does not exist.' }, 400);
    stubEnv(actionEnv(server.url));
    const log = captureConsole();
    const { handler } = await import('./post-append');
    expect(await handler({ username: 'ghost' })).toEqual({
      statusCode: 500,
      body: { code: 'user_not_found' },
    });
    expect(log.parsed()).toEqual([
      { action: 'post-append', level: 'error', code: 'user_not_found', error: 'UserNotFoundException' },
    ]);
  });

  it.each([
    ['nothing set', {}],
    ['SOFTWARE_TOKEN, which an action cannot turn on', { POST_APPEND_MFA_METHOD: 'SOFTWARE_TOKEN' }],
  ])('with %s, answers 500 config_invalid', async (name, override) => {
    stubEnv(name === 'nothing set' ? {} : { ...actionEnv(server.url), ...override });
    const log = captureConsole();
    const { handler } = await import('./post-append');
    expect(postAppendResultSchema.parse(await handler({ username: USERNAME }))).toEqual({
      statusCode: 500,
      body: { code: 'config_invalid' },
    });
    expect(log.parsed()).toEqual([expect.objectContaining({ code: 'config_invalid' })]);
    expect(server.requests).toHaveLength(0);
  });
});
