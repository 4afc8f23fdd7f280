import {
  AdminCreateUserCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  SignUpCommand,
  ListUserPoolsCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  ENV,
  USER_POOL,
  environmentFor,
  environmentValues,
  HANDLERS,
  localFunctions,
  localUserPool,
  type EnvKey,
} from '@cognito-passkeys/deployment';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchUserAttributes, signIn, signOut } from 'aws-amplify/auth';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, start, type LocalAws } from '../src/index';
import { ADMIN_KEYS, adminPrincipal, cognitoClient } from './helpers';

/**
 * The project's real custom-auth triggers, configured from the deployment definition (each function in its
 * own environment with exactly the keys it is given on AWS), run by local-aws for Amplify's
 * CUSTOM_WITHOUT_SRP sign-in. Their verify step reads the Corbado API secret from local-aws's SSM and calls a small stand-in of Corbado's
 * Backend API (`POST /v2/passkey/verifySignedData`) that accepts each issued signed-data value once.
 */
const PROJECT_ID = 'pro-1234567890';
const API_SECRET = 'corbado1_local-secret';
const SECRET_PARAMETER = '/passkeys/corbado-api-secret';
const POOL_ID = 'us-east-1_Passkeys1';

interface Issued {
  username: string;
  used: boolean;
}
const issued = new Map<string, Issued>();
let corbado: Server;
let corbadoUrl: string;
let server: LocalAws;
let username: string;

/** The environment values of this deployment: the definition's defaults with this test's servers. */
const values = (): Record<EnvKey, string> =>
  environmentValues({
    corbadoProjectId: PROJECT_ID,
    corbadoBackendApiUrl: corbadoUrl,
    corbadoApiSecretParameter: SECRET_PARAMETER,
  });

function issueSignedData(forUser: string): string {
  const value = `eyJhbGciOiJFUzI1NiJ9.${Buffer.from(JSON.stringify({ n: issued.size, forUser })).toString('base64url')}.c2ln`;
  issued.set(value, { username: forUser, used: false });
  return value;
}

beforeAll(async () => {
  corbado = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const expected = `Basic ${Buffer.from(`${PROJECT_ID}:${API_SECRET}`).toString('base64')}`;
      if (req.url !== '/v2/passkey/verifySignedData' || req.headers.authorization !== expected) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"type":"unauthorized"}}');
        return;
      }
      const body = JSON.parse(raw) as { signedPasskeyData: string; username: string };
      const entry = issued.get(body.signedPasskeyData);
      let verificationResult = 'invalid_signature';
      if (entry !== undefined && entry.used) verificationResult = 'invalid_challenge';
      else if (entry !== undefined && entry.username !== body.username) verificationResult = 'user_mismatch';
      else if (entry !== undefined) {
        entry.used = true;
        verificationResult = 'success';
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ verificationResult }));
    });
  });
  await new Promise<void>((resolve) => corbado.listen(0, '127.0.0.1', resolve));
  corbadoUrl = `http://127.0.0.1:${(corbado.address() as AddressInfo).port}`;

  server = await start({
    log: () => undefined,
    config: {
      functions: localFunctions(values(), { accessKeyId: ADMIN_KEYS.accessKeyId }),
      userPools: [localUserPool({ poolId: POOL_ID, poolName: 'passkeys', clientName: 'web' })],
      parameters: [{ name: SECRET_PARAMETER, type: 'SecureString', value: API_SECRET }],
      principals: [adminPrincipal()],
    },
  });
  // Nothing in this process's environment reaches the handlers: they see only what they are given.
  process.env[ENV.corbadoProjectId] = PROJECT_ID;

  const cognito = cognitoClient(server.url);
  const poolId = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 1 }))).UserPools?.[0]?.Id ?? '';
  const clientId =
    (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: poolId }))).UserPoolClients?.[0]
      ?.ClientId ?? '';
  const created = await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: 'pat@example.com',
      MessageAction: 'SUPPRESS',
    }),
  );
  username = created.User?.Username ?? '';
  Amplify.configure({
    Auth: { Cognito: { userPoolId: poolId, userPoolClientId: clientId, userPoolEndpoint: server.url } },
  });
});

afterAll(async () => {
  delete process.env[ENV.corbadoProjectId];
  await server.stop();
  await new Promise<void>((resolve) => corbado.close(() => resolve()));
});

describe('the project trigger handlers under Amplify CUSTOM_WITHOUT_SRP', () => {
  it('signs a FORCE_CHANGE_PASSWORD user in with a verified passkey answer, after a wrong one', async () => {
    const first = await signIn({
      username: 'pat@example.com',
      options: { authFlowType: 'CUSTOM_WITHOUT_SRP', clientMetadata: { ui: 'web' } },
    });
    expect(first.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');
    const info = (first.nextStep as { additionalInfo?: Record<string, string> }).additionalInfo;
    expect(info).toMatchObject({ type: 'PASSKEY', USERNAME: username });

    const wrong = await confirmSignIn({ challengeResponse: 'eyJhbGciOiJFUzI1NiJ9.e30.Zm9yZ2Vk' });
    expect(wrong.nextStep.signInStep).toBe('CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE');

    const done = await confirmSignIn({ challengeResponse: issueSignedData(username) });
    expect(done.nextStep.signInStep).toBe('DONE');
    expect((await fetchUserAttributes()).email).toBe('pat@example.com');
    await signOut();
  });

  it('refuses a replayed answer and fails after the attempt limit', async () => {
    const replay = issueSignedData(username);
    await signIn({ username: 'pat@example.com', options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
    expect((await confirmSignIn({ challengeResponse: replay })).nextStep.signInStep).toBe('DONE');
    await signOut();

    await signIn({ username: 'pat@example.com', options: { authFlowType: 'CUSTOM_WITHOUT_SRP' } });
    expect((await confirmSignIn({ challengeResponse: replay })).nextStep.signInStep).toBe(
      'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE',
    );
    expect((await confirmSignIn({ challengeResponse: replay })).nextStep.signInStep).toBe(
      'CONFIRM_SIGN_IN_WITH_CUSTOM_CHALLENGE',
    );
    let name = 'no error';
    try {
      await confirmSignIn({ challengeResponse: replay });
    } catch (err) {
      name = (err as { name: string }).name;
    }
    expect(name).toBe('NotAuthorizedException');
  });
});

describe('each function sees exactly the environment it is given', () => {
  it('fails the verify step when its function lacks a key, although this process has it', async () => {
    const functions = localFunctions(values(), { accessKeyId: ADMIN_KEYS.accessKeyId });
    const { [ENV.corbadoProjectId]: _omitted, ...partial } =
      functions['verify-auth-challenge-response'].environment;
    const lacking = await start({
      log: () => undefined,
      config: {
        functions: {
          ...functions,
          'verify-auth-challenge-response': {
            ...functions['verify-auth-challenge-response'],
            environment: partial,
          },
        },
        userPools: [localUserPool({ poolId: 'us-east-1_Lacking1', poolName: 'lacking', clientName: 'web' })],
        parameters: [{ name: SECRET_PARAMETER, type: 'SecureString', value: API_SECRET }],
        principals: [adminPrincipal()],
      },
    });
    const cognito = cognitoClient(lacking.url);
    try {
      expect(process.env[ENV.corbadoProjectId]).toBe(PROJECT_ID);
      const clientId =
        (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: 'us-east-1_Lacking1' })))
          .UserPoolClients?.[0]?.ClientId ?? '';
      await cognito.send(
        new AdminCreateUserCommand({
          UserPoolId: 'us-east-1_Lacking1',
          Username: 'sam@example.com',
          MessageAction: 'SUPPRESS',
        }),
      );
      const challenge = await cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'CUSTOM_AUTH',
          ClientId: clientId,
          AuthParameters: { USERNAME: 'sam@example.com' },
        }),
      );
      expect(challenge.ChallengeName).toBe('CUSTOM_CHALLENGE');
      const answer = cognito.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: challenge.Session,
          ChallengeResponses: {
            USERNAME: challenge.ChallengeParameters?.USERNAME ?? '',
            ANSWER: issueSignedData(challenge.ChallengeParameters?.USERNAME ?? ''),
          },
        }),
      );
      // The function cannot start (its config names the missing key), as a Lambda without it cannot.
      await expect(answer).rejects.toMatchObject({ name: 'UnexpectedLambdaException' });
    } finally {
      cognito.destroy();
      await lacking.stop();
    }
  });
});

describe('local-aws.example.json', () => {
  it('configures the functions, the pool and its client as the deployment definition does', () => {
    const example = loadConfigFile(new URL('../local-aws.example.json', import.meta.url).pathname);
    const values = environmentValues({ corbadoProjectId: 'pro-1', corbadoApiSecretParameter: 'p' });
    const shape = (
      functions: Record<string, { timeoutSeconds?: number; memoryMb: number; environment?: object }>,
    ) =>
      Object.fromEntries(
        Object.entries(functions).map(([name, fn]) => [
          name,
          {
            timeoutSeconds: fn.timeoutSeconds,
            memoryMb: fn.memoryMb,
            keys: Object.keys(fn.environment ?? {}).sort(),
          },
        ]),
      );
    expect(shape(example.functions)).toEqual(
      shape(
        Object.fromEntries(
          Object.entries(HANDLERS).map(([name, handler]) => [
            name,
            { ...handler, environment: environmentFor(name as keyof typeof HANDLERS, values) },
          ]),
        ),
      ),
    );
    const { id: _id, ...pool } = localUserPool({ poolName: 'cognito-passkeys', clientName: 'web' });
    expect(example.userPools[0]).toMatchObject(pool);
    expect(example.parameters.map((p) => p.name)).toContain(
      example.functions['verify-auth-challenge-response']?.environment?.[ENV.corbadoApiSecretParameter],
    );
  });
});

describe("the pool's password rules", () => {
  it('refuses a sign-up password one character short of the definition, and takes one at its length', async () => {
    const cognito = cognitoClient(server.url);
    try {
      const clientId =
        (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: POOL_ID }))).UserPoolClients?.[0]
          ?.ClientId ?? '';
      const ofLength = (n: number) => `Aa1!${'x'.repeat(n - 4)}`;
      const signUp = (email: string, password: string) =>
        cognito.send(
          new SignUpCommand({
            ClientId: clientId,
            Username: email,
            Password: password,
            UserAttributes: [{ Name: 'email', Value: email }],
          }),
        );
      const min = USER_POOL.passwordPolicy.minLength;
      await expect(signUp('short@example.com', ofLength(min - 1))).rejects.toMatchObject({
        name: 'InvalidPasswordException',
      });
      await expect(signUp('long@example.com', ofLength(min))).resolves.toMatchObject({
        UserConfirmed: false,
      });
    } finally {
      cognito.destroy();
    }
  });
});
