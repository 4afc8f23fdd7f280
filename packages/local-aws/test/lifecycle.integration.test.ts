import {
  ConfirmSignUpCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { decodeJwt } from 'jose';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type LocalAws } from '../src/index';
import { adminPrincipal, cognitoClient, errorName, outbox, PASSWORD } from './helpers';

const LIFECYCLE = fileURLToPath(new URL('./handlers/lifecycle.ts', import.meta.url));

let server: LocalAws;
let cognito: CognitoIdentityProviderClient;
let clientId: string;

beforeAll(async () => {
  server = await start({
    log: () => undefined,
    config: {
      functions: {
        preSignUp: { module: LIFECYCLE, export: 'preSignUp' },
        postConfirmation: { module: LIFECYCLE, export: 'postConfirmation' },
        preToken: { module: LIFECYCLE, export: 'preToken' },
      },
      userPools: [
        {
          name: 'lifecycle',
          usernameAttributes: ['email'],
          lambdaConfig: {
            PreSignUp: 'preSignUp',
            PostConfirmation: 'postConfirmation',
            PreTokenGeneration: 'preToken',
          },
          clients: [
            {
              name: 'web',
              explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
              preventUserExistenceErrors: 'LEGACY',
            },
          ],
        },
      ],
      principals: [adminPrincipal()],
    },
  });
  cognito = cognitoClient(server.url);
  const poolId = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 1 }))).UserPools?.[0]?.Id ?? '';
  clientId =
    (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: poolId }))).UserPoolClients?.[0]
      ?.ClientId ?? '';
});
afterAll(async () => {
  await server.stop();
});

const passwordSignIn = (email: string, password = PASSWORD) =>
  cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: email, PASSWORD: password },
    }),
  );

describe('sign-up and token triggers', () => {
  it('confirms with the outbox code, counts wrong codes and runs PostConfirmation', async () => {
    const signedUp = await cognito.send(
      new SignUpCommand({ ClientId: clientId, Username: 'new@example.com', Password: PASSWORD }),
    );
    expect(signedUp.UserConfirmed).toBe(false);
    expect(signedUp.CodeDeliveryDetails).toEqual({
      Destination: 'n***@e***',
      DeliveryMedium: 'EMAIL',
      AttributeName: 'email',
    });
    expect(await errorName(passwordSignIn('new@example.com'))).toBe('UserNotConfirmedException');
    await cognito.send(
      new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'new@example.com' }),
    );
    const codes = (await outbox(server.url, 'new@example.com')).map((m) => m.code);
    expect(codes).toHaveLength(2);
    const latest = codes.at(-1) ?? '';
    const wrong = latest === '000000' ? '000001' : '000000';
    expect(
      await errorName(
        cognito.send(
          new ConfirmSignUpCommand({
            ClientId: clientId,
            Username: 'new@example.com',
            ConfirmationCode: wrong,
          }),
        ),
      ),
    ).toBe('CodeMismatchException');
    await cognito.send(
      new ConfirmSignUpCommand({ ClientId: clientId, Username: 'new@example.com', ConfirmationCode: latest }),
    );
    expect((globalThis as { localAwsConfirmedUsers?: string[] }).localAwsConfirmedUsers).toEqual([
      signedUp.UserSub,
    ]);
    expect((await passwordSignIn('new@example.com')).AuthenticationResult?.IdToken).toBeDefined();
    expect(
      await errorName(
        cognito.send(
          new SignUpCommand({ ClientId: clientId, Username: 'new@example.com', Password: PASSWORD }),
        ),
      ),
    ).toBe('UsernameExistsException');
  });

  it('limits confirmation attempts', async () => {
    await cognito.send(
      new SignUpCommand({ ClientId: clientId, Username: 'guess@example.com', Password: PASSWORD }),
    );
    const code = (await outbox(server.url, 'guess@example.com'))[0]?.code ?? '';
    const wrong = code === '111111' ? '222222' : '111111';
    const confirm = (c: string) =>
      cognito.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: 'guess@example.com', ConfirmationCode: c }),
      );
    for (let i = 0; i < 5; i++) expect(await errorName(confirm(wrong))).toBe('CodeMismatchException');
    expect(await errorName(confirm(code))).toBe('LimitExceededException');
  });

  it('lets PreSignUp auto-confirm or refuse, and PreTokenGeneration shape the ID token', async () => {
    const auto = await cognito.send(
      new SignUpCommand({ ClientId: clientId, Username: 'me@auto.example.com', Password: PASSWORD }),
    );
    expect(auto.UserConfirmed).toBe(true);
    const tokens = (await passwordSignIn('me@auto.example.com')).AuthenticationResult;
    const claims = decodeJwt(tokens?.IdToken ?? '');
    expect(claims['custom:tier']).toBe('gold');
    expect(claims.sub).toBe(auto.UserSub);
    expect(claims).not.toHaveProperty('email');
    expect(
      await errorName(
        cognito.send(
          new SignUpCommand({ ClientId: clientId, Username: 'blocked@example.com', Password: PASSWORD }),
        ),
      ),
    ).toBe('UserLambdaValidationException');
    expect(
      await errorName(
        cognito.send(
          new SignUpCommand({ ClientId: clientId, Username: 'weak@example.com', Password: 'weak' }),
        ),
      ),
    ).toBe('InvalidPasswordException');
    expect(
      await errorName(
        cognito.send(new SignUpCommand({ ClientId: clientId, Username: 'not-an-email', Password: PASSWORD })),
      ),
    ).toBe('InvalidParameterException');
  });
});
