import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { start } from '../src/index';
import { PASSWORD, cognitoClient, ssmClient, testConfig } from './helpers';

const dataDir = mkdtempSync(join(tmpdir(), 'local-aws-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function ids(url: string): Promise<{ poolId: string; clientId: string }> {
  const cognito = cognitoClient(url);
  const poolId = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 10 }))).UserPools?.[0]?.Id ?? '';
  const clientId =
    (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: poolId }))).UserPoolClients?.find(
      (c) => c.ClientName === 'web',
    )?.ClientId ?? '';
  return { poolId, clientId };
}

describe('restart with the same data dir', () => {
  it('keeps pools, clients, users, passwords, tokens, keys and parameters', async () => {
    const first = await start({ dataDir, config: testConfig(), log: () => undefined });
    const before = await ids(first.url);
    const cognito = cognitoClient(first.url);
    const created = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: before.poolId,
        Username: 'keep@example.com',
        MessageAction: 'SUPPRESS',
      }),
    );
    await cognito.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: before.poolId,
        Username: created.User?.Username,
        Password: PASSWORD,
        Permanent: true,
      }),
    );
    const tokens = (
      await cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: before.clientId,
          AuthParameters: { USERNAME: 'keep@example.com', PASSWORD },
        }),
      )
    ).AuthenticationResult;
    await ssmClient(first.url).send(new PutParameterCommand({ Name: '/kept', Type: 'String', Value: 'yes' }));
    const jwksBefore = await (await fetch(`${first.url}/${before.poolId}/.well-known/jwks.json`)).json();
    await first.stop();

    const second = await start({ dataDir, config: testConfig(), log: () => undefined });
    try {
      expect(await ids(second.url)).toEqual(before);
      const again = cognitoClient(second.url);
      expect((await again.send(new ListUserPoolsCommand({ MaxResults: 10 }))).UserPools).toHaveLength(1);
      expect(await (await fetch(`${second.url}/${before.poolId}/.well-known/jwks.json`)).json()).toEqual(
        jwksBefore,
      );
      expect((await again.send(new GetUserCommand({ AccessToken: tokens?.AccessToken }))).Username).toBe(
        created.User?.Username,
      );
      const refreshed = await again.send(
        new GetTokensFromRefreshTokenCommand({
          ClientId: before.clientId,
          RefreshToken: tokens?.RefreshToken,
        }),
      );
      expect(refreshed.AuthenticationResult?.IdToken).toBeDefined();
      const signIn = await again.send(
        new InitiateAuthCommand({
          AuthFlow: 'USER_PASSWORD_AUTH',
          ClientId: before.clientId,
          AuthParameters: { USERNAME: 'keep@example.com', PASSWORD },
        }),
      );
      expect(signIn.AuthenticationResult?.AccessToken).toBeDefined();
      expect(
        (await ssmClient(second.url).send(new GetParameterCommand({ Name: '/kept' }))).Parameter?.Value,
      ).toBe('yes');
      expect(
        (
          await ssmClient(second.url).send(
            new GetParameterCommand({ Name: '/app/secret', WithDecryption: true }),
          )
        ).Parameter?.Version,
      ).toBe(1);
    } finally {
      await second.stop();
    }
  });
});

describe('seeded parameters across a restart', () => {
  it('rewrites a parameter at every start, but one with overwrite: false only when it is missing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'local-aws-'));
    const config = {
      ...testConfig(),
      parameters: [
        { name: '/seeded/always', type: 'String' as const, value: 'seed' },
        { name: '/seeded/once', type: 'String' as const, value: 'seed', overwrite: false },
      ],
    };
    try {
      const first = await start({ dataDir: dir, config, log: () => undefined });
      const ssm = ssmClient(first.url);
      for (const Name of ['/seeded/always', '/seeded/once']) {
        expect((await ssm.send(new GetParameterCommand({ Name }))).Parameter?.Value).toBe('seed');
        await ssm.send(new PutParameterCommand({ Name, Value: 'changed', Overwrite: true }));
      }
      await first.stop();
      const second = await start({ dataDir: dir, config, log: () => undefined });
      try {
        const again = ssmClient(second.url);
        const value = async (Name: string) =>
          (await again.send(new GetParameterCommand({ Name }))).Parameter?.Value;
        expect(await value('/seeded/always')).toBe('seed');
        expect(await value('/seeded/once')).toBe('changed');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
