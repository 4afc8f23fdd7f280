import {
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { request } from 'node:http';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { start, type LocalAws } from '../src/index';
import {
  ADMIN_KEYS,
  adminPrincipal,
  cognitoClient,
  errorName,
  PASSWORD,
  postJson,
  testConfig,
} from './helpers';

/**
 * Who may drive the server: browsers only from the app's origins, admin and SSM operations only with a
 * SigV4 signature of a known key, the outbox only for this machine's tools. All through real HTTP.
 */
const APP = 'http://localhost:3000';
const EVIL = 'https://evil.example';
const READER = {
  accessKeyId: 'AKIATESTREADER000001',
  secretAccessKey: 'reader-secret',
  arn: 'arn:aws:iam::000000000000:user/reader',
  policy: [{ actions: ['cognito-idp:ListUserPools', 'ssm:GetParameter'], resources: ['*'] }],
};
const OUTSIDER = {
  accessKeyId: 'AKIATESTOUTSIDER0001',
  secretAccessKey: 'outsider-secret',
  arn: 'arn:aws:iam::222222222222:user/outsider',
};

let server: LocalAws;
let poolId: string;
let clientId: string;

beforeAll(async () => {
  server = await start({
    config: {
      ...testConfig(),
      principals: [adminPrincipal(), READER, OUTSIDER],
      allowedOrigins: [APP],
    },
    log: () => undefined,
  });
  const cognito = cognitoClient(server.url);
  poolId = (await cognito.send(new ListUserPoolsCommand({ MaxResults: 1 }))).UserPools?.[0]?.Id ?? '';
  clientId =
    (await cognito.send(new ListUserPoolClientsCommand({ UserPoolId: poolId }))).UserPoolClients?.find(
      (c) => c.ClientName === 'web',
    )?.ClientId ?? '';
});
afterAll(async () => {
  await server.stop();
});

const corsHeadersOf = (res: Response): string[] =>
  [...res.headers.keys()].filter((name) => name.startsWith('access-control-'));

const preflight = (origin: string, requestHeaders = 'content-type,x-amz-target,x-amz-user-agent') =>
  fetch(`${server.url}/`, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': requestHeaders,
    },
  });

const signUpBody = (email: string) =>
  JSON.stringify({
    ClientId: clientId,
    Username: email,
    Password: PASSWORD,
    UserAttributes: [{ Name: 'email', Value: email }],
  });

async function userExists(email: string): Promise<boolean> {
  const { Users } = await cognitoClient(server.url).send(
    new ListUsersCommand({ UserPoolId: poolId, Filter: `email = "${email}"` }),
  );
  return (Users ?? []).length > 0;
}

describe('browsers: only the app origins', () => {
  it("answers the app's preflight with exactly its origin, Amplify's headers and a two-hour max-age", async () => {
    const res = await preflight(APP, 'content-type,x-amz-target,x-amz-user-agent,authorization,x-evil');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP);
    expect(res.headers.get('vary')).toBe('origin');
    expect(res.headers.get('access-control-max-age')).toBe('7200');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET,POST');
    // A fixed list, not an echo: `authorization` and made-up headers are not allowed.
    expect(res.headers.get('access-control-allow-headers')?.split(',')).toEqual([
      'content-type',
      'x-amz-target',
      'x-amz-user-agent',
      'amz-sdk-invocation-id',
      'amz-sdk-request',
      'cache-control',
    ]);
  });

  it('refuses a preflight from any other origin with 403 and no CORS headers', async () => {
    for (const origin of [EVIL, 'null', 'http://localhost:3001', 'http://127.0.0.1:3000']) {
      const res = await preflight(origin);
      expect(res.status, origin).toBe(403);
      expect(corsHeadersOf(res), origin).toEqual([]);
    }
  });

  it('refuses a "simple" cross-origin request (no preflight) before it does anything', async () => {
    const res = await fetch(`${server.url}/`, {
      method: 'POST',
      headers: {
        origin: EVIL,
        'content-type': 'text/plain',
        'x-amz-target': 'AWSCognitoIdentityProviderService.SignUp',
      },
      body: signUpBody('drive-by@example.com'),
    });
    expect(res.status).toBe(403);
    expect(corsHeadersOf(res)).toEqual([]);
    expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    expect(((await res.json()) as { __type: string }).__type).toBe('ForbiddenException');
    expect(await userExists('drive-by@example.com')).toBe(false);

    const jwks = await fetch(`${server.url}/${poolId}/.well-known/jwks.json`, { headers: { origin: EVIL } });
    expect(jwks.status).toBe(403);
  });

  it("serves the app's requests with its origin on answers and errors alike", async () => {
    const ok = await postJson(
      server.url,
      'AWSCognitoIdentityProviderService.SignUp',
      signUpBody('app@example.com'),
      null,
      { origin: APP },
    );
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(APP);
    expect(ok.headers.get('vary')).toBe('origin');
    const error = await postJson(
      server.url,
      'AWSCognitoIdentityProviderService.InitiateAuth',
      JSON.stringify({
        AuthFlow: 'USER_PASSWORD_AUTH',
        ClientId: clientId,
        AuthParameters: { USERNAME: 'x@example.com', PASSWORD: 'nope' },
      }),
      null,
      { origin: APP },
    );
    expect(error.status).toBe(400);
    expect(error.headers.get('access-control-allow-origin')).toBe(APP);
    expect(error.headers.get('access-control-expose-headers')).toContain('x-amzn-errortype');
  });

  it('serves SDK requests (no Origin) without CORS headers', async () => {
    const res = await fetch(`${server.url}/${poolId}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    expect(corsHeadersOf(res)).toEqual([]);
  });
});

describe('admin and SSM operations: SigV4 from a known key', () => {
  const ADMIN_GET = 'AWSCognitoIdentityProviderService.AdminGetUser';
  const getUserBody = () => JSON.stringify({ UserPoolId: poolId, Username: 'app@example.com' });

  it.each([
    ['AWSCognitoIdentityProviderService.AdminGetUser', () => getUserBody()],
    ['AWSCognitoIdentityProviderService.ListUsers', () => JSON.stringify({ UserPoolId: poolId })],
    ['AWSCognitoIdentityProviderService.ListUserPools', () => '{"MaxResults":5}'],
    ['AWSCognitoIdentityProviderService.CreateUserPool', () => '{"PoolName":"sneaky"}'],
    ['AmazonSSM.GetParameter', () => '{"Name":"/app/secret","WithDecryption":true}'],
    ['AmazonSSM.PutParameter', () => '{"Name":"/app/secret","Value":"x","Overwrite":true}'],
  ])('refuses %s unsigned with MissingAuthenticationTokenException (403)', async (target, body) => {
    const res = await postJson(server.url, target, body(), null);
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  it('refuses a wrong secret, an unknown key and a signature for another service', async () => {
    const wrongSecret = await postJson(server.url, ADMIN_GET, getUserBody(), {
      ...ADMIN_KEYS,
      secretAccessKey: 'guess',
    });
    expect(wrongSecret.status).toBe(400);
    expect(wrongSecret.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    const unknown = await postJson(server.url, ADMIN_GET, getUserBody(), {
      accessKeyId: 'AKIANOBODY0000000001',
      secretAccessKey: 'x',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
    // Signed for ssm, sent to a Cognito operation.
    const res = await postJson(server.url, 'AmazonSSM.GetParameter', getUserBody(), ADMIN_KEYS, {
      'x-amz-target': ADMIN_GET,
    });
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
  });

  it("refuses the official clients with dummy keys, accepts them with a principal's key", async () => {
    const dummy = { accessKeyId: 'local', secretAccessKey: 'local' };
    const options = { endpoint: server.url, region: 'us-east-1', maxAttempts: 1 };
    const cognito = new CognitoIdentityProviderClient({ ...options, credentials: dummy });
    expect(await errorName(cognito.send(new ListUserPoolsCommand({ MaxResults: 1 })))).toBe(
      'UnrecognizedClientException',
    );
    const ssm = new SSMClient({ ...options, credentials: { ...dummy } });
    expect(await errorName(ssm.send(new GetParameterCommand({ Name: '/app/plain' })))).toBe(
      'UnrecognizedClientException',
    );
    const admin = new SSMClient({ ...options, credentials: { ...ADMIN_KEYS } });
    expect((await admin.send(new GetParameterCommand({ Name: '/app/plain' }))).Parameter?.Value).toBe(
      'hello',
    );
  });

  it('holds a principal to its own policy, and a principal of another account to nothing', async () => {
    const options = { endpoint: server.url, region: 'us-east-1', maxAttempts: 1 };
    const reader = new CognitoIdentityProviderClient({ ...options, credentials: { ...READER } });
    expect((await reader.send(new ListUserPoolsCommand({ MaxResults: 5 }))).UserPools).toHaveLength(1);
    expect(
      await errorName(
        reader.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'app@example.com' })),
      ),
    ).toBe('AccessDeniedException');
    const readerSsm = new SSMClient({ ...options, credentials: { ...READER } });
    expect((await readerSsm.send(new GetParameterCommand({ Name: '/app/plain' }))).Parameter?.Value).toBe(
      'hello',
    );

    const outsider = new CognitoIdentityProviderClient({ ...options, credentials: { ...OUTSIDER } });
    expect(await errorName(outsider.send(new ListUserPoolsCommand({ MaxResults: 5 })))).toBe(
      'AccessDeniedException',
    );
  });

  it('leaves the public operations unsigned, as Cognito does', async () => {
    const res = await postJson(
      server.url,
      'AWSCognitoIdentityProviderService.SignUp',
      signUpBody('unsigned@example.com'),
      null,
    );
    expect(res.status).toBe(200);
    const anonymous = new CognitoIdentityProviderClient({
      endpoint: server.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await anonymous.send(
      new SignUpCommand({ ClientId: clientId, Username: 'sdk-anon@example.com', Password: PASSWORD }),
    );
    expect(await userExists('sdk-anon@example.com')).toBe(true);
  });
});

describe('the outbox', () => {
  /** A GET with a chosen Host header (fetch sets its own). */
  function get(
    path: string,
    headers: Record<string, string>,
  ): Promise<{ status: number; headers: string[] }> {
    const { hostname, port } = new URL(server.url);
    return new Promise((resolve, reject) => {
      const req = request({ hostname, port, path, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: Object.keys(res.headers) }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('is served to a local tool without an Origin', async () => {
    const res = await fetch(`${server.url}/_local/outbox`);
    expect(res.status).toBe(200);
    expect(corsHeadersOf(res)).toEqual([]);
    expect(Array.isArray(((await res.json()) as { messages: unknown[] }).messages)).toBe(true);
  });

  it('is refused to any request with an Origin, even the app, without CORS headers', async () => {
    for (const origin of [APP, EVIL, 'null']) {
      for (const method of ['GET', 'OPTIONS']) {
        const res = await fetch(`${server.url}/_local/outbox`, { method, headers: { origin } });
        expect(res.status, `${method} ${origin}`).toBe(403);
        expect(corsHeadersOf(res)).toEqual([]);
      }
    }
  });

  it('is refused when the Host is not a loopback name (a re-pointed DNS name)', async () => {
    const { port } = new URL(server.url);
    expect((await get('/_local/outbox', { host: `rebound.evil.example:${port}` })).status).toBe(403);
    expect((await get('/_local/outbox', { host: `localhost:${port}` })).status).toBe(200);
  });
});

describe('file modes', () => {
  const mode = (path: string): number => statSync(path).mode & 0o777;

  it('creates the data dir 0700 and the SQLite files 0600, whatever the umask', async () => {
    const root = mkdtempSync(join(tmpdir(), 'local-aws-modes-'));
    const dataDir = join(root, 'nested', 'state');
    const previous = process.umask(0);
    let aws: LocalAws | undefined;
    try {
      aws = await start({ dataDir, config: testConfig(), log: () => undefined });
      expect(mode(join(root, 'nested')).toString(8)).toBe('700');
      expect(mode(dataDir).toString(8)).toBe('700');
      for (const file of ['local-aws.sqlite', 'local-aws.sqlite-wal', 'local-aws.sqlite-shm'])
        expect(mode(join(dataDir, file)).toString(8), file).toBe('600');
    } finally {
      process.umask(previous);
      await aws?.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('narrows the modes of an existing data dir on start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'local-aws-modes-'));
    try {
      chmodSync(dataDir, 0o755);
      writeFileSync(join(dataDir, 'local-aws.sqlite'), '', { mode: 0o644 });
      chmodSync(join(dataDir, 'local-aws.sqlite'), 0o644);
      const aws = await start({ dataDir, config: testConfig(), log: () => undefined });
      await aws.stop();
      expect(mode(dataDir).toString(8)).toBe('700');
      expect(mode(join(dataDir, 'local-aws.sqlite')).toString(8)).toBe('600');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
