import {
  ConfirmSignUpCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  SignUpCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { manualClock } from '@cognito-passkeys/emulator-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type LocalAws } from '../src/index';
import { adminPrincipal, cognitoClient, errorName, outbox, PASSWORD } from './helpers';

// Expiry follows the clock given to `start`, not the machine's: codes and tokens expire when it is moved.
const clock = manualClock(new Date('2030-01-01T00:00:00Z'));
let server: LocalAws;
let cognito: CognitoIdentityProviderClient;
let clientId: string;

beforeAll(async () => {
  server = await start({
    log: () => undefined,
    now: clock,
    config: {
      userPools: [
        {
          name: 'clock',
          usernameAttributes: ['email'],
          clients: [
            { name: 'web', explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] },
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
  cognito.destroy();
  await server.stop();
});

async function signUp(email: string): Promise<string> {
  await cognito.send(new SignUpCommand({ ClientId: clientId, Username: email, Password: PASSWORD }));
  return (await outbox(server.url, email)).at(-1)?.code ?? '';
}

const confirm = (email: string, code: string) =>
  cognito.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: code }));

describe('the injected clock', () => {
  it('expires a sign-up code once the clock passes its 24 hours, and not before', async () => {
    const code = await signUp('late@example.com');
    clock.advance(24 * 3600 * 1000 - 1000);
    const onTime = await signUp('on-time@example.com');
    clock.advance(2000);
    expect(await errorName(confirm('late@example.com', code))).toBe('ExpiredCodeException');
    expect(await errorName(confirm('on-time@example.com', onTime))).toBe('no error');
  });

  it('stamps tokens with its time and refuses an access token once it has moved past the expiry', async () => {
    const email = 'tokens@example.com';
    await confirm(email, await signUp(email));
    const signedIn = await cognito.send(
      new InitiateAuthCommand({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: email, PASSWORD },
      }),
    );
    const accessToken = signedIn.AuthenticationResult?.AccessToken ?? '';
    const claims = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString()) as {
      iat: number;
    };
    expect(claims.iat).toBe(Math.floor(clock().getTime() / 1000));
    expect(await errorName(cognito.send(new GetUserCommand({ AccessToken: accessToken })))).toBe('no error');
    clock.advance(24 * 3600 * 1000);
    expect(await errorName(cognito.send(new GetUserCommand({ AccessToken: accessToken })))).toBe(
      'NotAuthorizedException',
    );
  });
});
