import {
  AdminCreateUserCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { confirmSignIn, fetchUserAttributes, signIn, signOut } from 'aws-amplify/auth';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type LocalAws } from '../src/index';
import { ADMIN_KEYS, adminPrincipal, cognitoClient } from './helpers';

/**
 * The project's real custom-auth triggers, run by local-aws for Amplify's CUSTOM_WITHOUT_SRP sign-in. Their
 * verify step reads the Corbado API secret from local-aws's SSM and calls a small stand-in of Corbado's
 * Backend API (`POST /v2/passkey/verifySignedData`) that accepts each issued signed-data value once.
 */
const PROJECT_ID = 'pro-1234567890';
const API_SECRET = 'corbado1_local-secret';
const HANDLERS = '@cognito-passkeys/cognito-triggers/handlers';
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
      functions: {
        define: { module: `${HANDLERS}/define-auth-challenge` },
        create: { module: `${HANDLERS}/create-auth-challenge` },
        verify: { module: `${HANDLERS}/verify-auth-challenge-response` },
      },
      userPools: [
        {
          id: POOL_ID,
          name: 'passkeys',
          usernameAttributes: ['email'],
          lambdaConfig: {
            DefineAuthChallenge: 'define',
            CreateAuthChallenge: 'create',
            VerifyAuthChallengeResponse: 'verify',
          },
          clients: [
            {
              name: 'web',
              explicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
            },
          ],
        },
      ],
      parameters: [{ name: '/passkeys/corbado-api-secret', type: 'SecureString', value: API_SECRET }],
      principals: [adminPrincipal()],
    },
  });
  // The handlers read their environment at cold start, i.e. at the first sign-in, after start().
  Object.assign(process.env, {
    CORBADO_PROJECT_ID: PROJECT_ID,
    CORBADO_BACKEND_API_URL: corbadoUrl,
    CORBADO_API_SECRET_PARAMETER: '/passkeys/corbado-api-secret',
    AWS_ENDPOINT_URL_SSM: server.url,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: server.url,
    USER_POOL_ID: POOL_ID,
    AWS_REGION: 'us-east-1',
    // The handlers' SSM reads are signed, as with their execution role's keys in AWS.
    AWS_ACCESS_KEY_ID: ADMIN_KEYS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: ADMIN_KEYS.secretAccessKey,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  });

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
