import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { PasskeyMode } from '@cognito-passkeys/deployment/operations';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

import {
  createCognitoSessionCheck,
  createSessionTokensVerifier,
  issueConnectToken,
  type SessionCheck,
  type SessionTokensVerifier,
} from './connect-token';
import { localJwksCache } from './local-stack';
import { connectTokenAllowed } from './passkey-mode';

const POOL = 'us-east-1_LocalPasskeys';
const OTHER_POOL = 'us-east-1_SomeoneElse';
const CLIENT = 'localpasskeysweb0000000001';
const ISSUER = (pool: string) => `https://cognito-idp.us-east-1.amazonaws.com/${pool}`;
const USERNAME = '70b11697-7a1b-40e1-bf10-ad4dde02f230';
const OTHER_USERNAME = '0f4e3c52-5d0e-4a57-9a3c-0c7f0e1f9b11';
const EMAIL = 'alice@example.com';
const MAX_AGE = 900;
const now = () => Math.floor(Date.now() / 1000);

let key: CryptoKey;
let publicKey: CryptoKey;
let otherKey: CryptoKey;
let jwk: JWK;
let jwksUrl: string;
const jwksServer = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
});

/**
 * A stand-in for Cognito's GetUser (JSON 1.1 protocol, `X-Amz-Target`): it verifies the access token with
 * the pool's key and answers as Cognito does (API reference, GetUser): the user, or NotAuthorizedException
 * for a revoked sign-in ("Access Token has been revoked") or a disabled user, UserNotFoundException for a
 * deleted one. `mode` switches it to a 503 answer or to never answering.
 */
const cognito = {
  revokedOrigins: new Set<string>(),
  disabled: new Set<string>(),
  deleted: new Set<string>(),
  mode: 'ok' as 'ok' | 'unavailable' | 'hang',
  calls: 0,
};
let cognitoUrl: string;
const cognitoServer: Server = createServer((req, res) => {
  void (async () => {
    cognito.calls += 1;
    const body = await readBody(req);
    if (cognito.mode === 'hang') return;
    const fail = (status: number, type: string, message: string) =>
      res
        .writeHead(status, { 'content-type': 'application/x-amz-json-1.1' })
        .end(JSON.stringify({ __type: type, message }));
    if (cognito.mode === 'unavailable') return fail(503, 'InternalErrorException', 'Service unavailable');
    if (req.headers['x-amz-target'] !== 'AWSCognitoIdentityProviderService.GetUser')
      return fail(400, 'UnknownOperationException', '');
    const { AccessToken } = JSON.parse(body) as { AccessToken: string };
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(AccessToken, publicKey, { issuer: ISSUER(POOL) }));
    } catch {
      return fail(400, 'NotAuthorizedException', 'Invalid Access Token');
    }
    const username = claims.username as string;
    if (cognito.revokedOrigins.has(claims.origin_jti as string))
      return fail(400, 'NotAuthorizedException', 'Access Token has been revoked');
    if (cognito.deleted.has(username)) return fail(400, 'UserNotFoundException', 'User does not exist.');
    if (cognito.disabled.has(username)) return fail(400, 'NotAuthorizedException', 'User is disabled.');
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' }).end(
      JSON.stringify({
        Username: username,
        UserAttributes: [
          { Name: 'sub', Value: claims.sub },
          { Name: 'email', Value: EMAIL },
        ],
      }),
    );
  })();
});

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  publicKey = pair.publicKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  jwksUrl = `${await listen(jwksServer)}/${POOL}/.well-known/jwks.json`;
  cognitoUrl = await listen(cognitoServer);
});
afterAll(() => {
  jwksServer.close();
  cognitoServer.closeAllConnections();
  cognitoServer.close();
});

interface SignIn {
  username: string;
  sub: string;
  originJti: string;
  authTime: number;
}

/** One sign-in: the claims its idToken and access token share. */
function signIn(overrides: Partial<SignIn> = {}): SignIn {
  return { username: USERNAME, sub: USERNAME, originJti: randomUUID(), authTime: now(), ...overrides };
}

function sign(claims: Record<string, unknown>, signWith: CryptoKey, pool: string) {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER(pool))
    .setIssuedAt()
    .setJti(randomUUID())
    .sign(signWith);
}

/** A Cognito idToken as the pool issues it (Developer Guide, "Understanding the identity (ID) token"). */
function idToken(session: SignIn, claims: Record<string, unknown> = {}, signWith = key, pool = POOL) {
  return sign(
    {
      sub: session.sub,
      'cognito:username': session.username,
      email: EMAIL,
      email_verified: true,
      token_use: 'id',
      origin_jti: session.originJti,
      auth_time: session.authTime,
      aud: CLIENT,
      exp: now() + 3600,
      ...claims,
    },
    signWith,
    pool,
  );
}

/** A Cognito access token (Developer Guide, "Understanding the access token"). */
function accessToken(session: SignIn, claims: Record<string, unknown> = {}, signWith = key, pool = POOL) {
  return sign(
    {
      sub: session.sub,
      username: session.username,
      client_id: CLIENT,
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      origin_jti: session.originJti,
      auth_time: session.authTime,
      exp: now() + 3600,
      ...claims,
    },
    signWith,
    pool,
  );
}

async function tokensOf(session: SignIn = signIn()) {
  return { idToken: await idToken(session), accessToken: await accessToken(session) };
}

let verifyTokens: SessionTokensVerifier;
let checkSession: SessionCheck;
let created: { type: string; data: unknown }[];
const corbado = {
  createConnectToken: (type: string, data: unknown) => {
    created.push({ type, data });
    return Promise.resolve('ctk1_secret');
  },
};

function issue(
  input: unknown,
  overrides: { checkSession?: SessionCheck; corbado?: typeof corbado; mode?: PasskeyMode } = {},
) {
  return issueConnectToken(input, {
    verifyTokens,
    checkSession: overrides.checkSession ?? checkSession,
    corbado: overrides.corbado ?? corbado,
    reauthMaxAgeSeconds: MAX_AGE,
    typeAllowed: (type) => connectTokenAllowed(type, overrides.mode ?? 'on'),
  });
}

beforeEach(() => {
  verifyTokens = createSessionTokensVerifier({
    userPoolId: POOL,
    clientId: CLIENT,
    jwksCache: localJwksCache(jwksUrl),
  });
  checkSession = createCognitoSessionCheck({ region: 'us-east-1', endpoint: cognitoUrl, timeoutMs: 500 });
  created = [];
  Object.assign(cognito, { mode: 'ok', calls: 0 });
  for (const set of [cognito.revokedOrigins, cognito.disabled, cognito.deleted]) set.clear();
});

describe('issueConnectToken', () => {
  it.each(['passkey-append', 'passkey-list', 'passkey-delete'])(
    'mints a %s token for the user of a live session, after asking Cognito',
    async (type) => {
      expect(await issue({ type, ...(await tokensOf()) })).toEqual({ ok: true, token: 'ctk1_secret' });
      expect(created).toEqual([{ type, data: { identifier: USERNAME, displayName: EMAIL } }]);
      expect(cognito.calls).toBe(1);
    },
  );

  it.each([
    ['an expired idToken', async (s: SignIn) => ({ idToken: await idToken(s, { exp: now() - 60 }) })],
    [
      'an expired access token',
      async (s: SignIn) => ({ accessToken: await accessToken(s, { exp: now() - 60 }) }),
    ],
    [
      'an idToken of another client',
      async (s: SignIn) => ({ idToken: await idToken(s, { aud: 'someotherclient' }) }),
    ],
    [
      'an access token of another client',
      async (s: SignIn) => ({ accessToken: await accessToken(s, { client_id: 'someotherclient' }) }),
    ],
    ['an idToken of another pool', async (s: SignIn) => ({ idToken: await idToken(s, {}, key, OTHER_POOL) })],
    [
      'an access token of another pool',
      async (s: SignIn) => ({ accessToken: await accessToken(s, {}, key, OTHER_POOL) }),
    ],
    ['a forged idToken (another key)', async (s: SignIn) => ({ idToken: await idToken(s, {}, otherKey) })],
    [
      'a forged access token (another key)',
      async (s: SignIn) => ({ accessToken: await accessToken(s, {}, otherKey) }),
    ],
    [
      'an idToken whose signature was replaced',
      async (s: SignIn) => ({ idToken: `${(await idToken(s)).split('.').slice(0, 2).join('.')}.AAAA` }),
    ],
    ['an access token as the idToken', async (s: SignIn) => ({ idToken: await accessToken(s) })],
    ['an idToken as the access token', async (s: SignIn) => ({ accessToken: await idToken(s) })],
    [
      'an access token of another user',
      async (s: SignIn) => ({ accessToken: await accessToken(signIn({ ...s, sub: OTHER_USERNAME })) }),
    ],
    [
      'an access token of another user name',
      async (s: SignIn) => ({ accessToken: await accessToken(signIn({ ...s, username: OTHER_USERNAME })) }),
    ],
    [
      'an access token of another sign-in of the same user',
      async (s: SignIn) => ({ accessToken: await accessToken(signIn({ ...s, originJti: randomUUID() })) }),
    ],
    [
      'tokens without origin_jti',
      async (s: SignIn) => ({
        idToken: await idToken(s, { origin_jti: undefined }),
        accessToken: await accessToken(s, { origin_jti: undefined }),
      }),
    ],
    ['a garbage idToken', () => Promise.resolve({ idToken: 'not-a-jwt' })],
    ['a garbage access token', () => Promise.resolve({ accessToken: 'not-a-jwt' })],
  ])('refuses %s, asks Cognito nothing and mints nothing', async (_name, change) => {
    const session = signIn();
    const tokens = { ...(await tokensOf(session)), ...(await change(session)) };
    expect(await issue({ type: 'passkey-list', ...tokens })).toEqual({ ok: false, code: 'invalid_token' });
    expect(created).toEqual([]);
    expect(cognito.calls).toBe(0);
  });

  it.each([
    ['signed out (GlobalSignOut, RevokeToken)', (s: SignIn) => cognito.revokedOrigins.add(s.originJti)],
    ['disabled', (s: SignIn) => cognito.disabled.add(s.username)],
    ['deleted', (s: SignIn) => cognito.deleted.add(s.username)],
  ])('refuses a session whose user was %s, for every type', async (_name, end) => {
    const session = signIn();
    const tokens = await tokensOf(session);
    expect(await issue({ type: 'passkey-list', ...tokens })).toMatchObject({ ok: true });
    created = [];
    end(session);
    for (const type of ['passkey-append', 'passkey-list', 'passkey-delete'])
      expect(await issue({ type, ...tokens })).toEqual({ ok: false, code: 'session_revoked' });
    expect(created).toEqual([]);
  });

  it('keeps serving another sign-in of the same user when one is signed out', async () => {
    const signedOut = signIn();
    cognito.revokedOrigins.add(signedOut.originJti);
    expect(await issue({ type: 'passkey-append', ...(await tokensOf(signedOut)) })).toEqual({
      ok: false,
      code: 'session_revoked',
    });
    expect(await issue({ type: 'passkey-append', ...(await tokensOf()) })).toEqual({
      ok: true,
      token: 'ctk1_secret',
    });
  });

  it('refuses a session Cognito names another user for', async () => {
    const otherUser: SessionCheck = () => Promise.resolve({ username: OTHER_USERNAME, sub: OTHER_USERNAME });
    expect(await issue({ type: 'passkey-list', ...(await tokensOf()) }, { checkSession: otherUser })).toEqual(
      {
        ok: false,
        code: 'session_revoked',
      },
    );
    expect(created).toEqual([]);
  });

  describe('adding and deleting a passkey need a recent sign-in', () => {
    const old = () => signIn({ authTime: now() - MAX_AGE - 60 });
    const recent = () => signIn({ authTime: now() - MAX_AGE + 60 });

    it.each(['passkey-append', 'passkey-delete'])(
      'refuses %s for a sign-in older than the limit',
      async (type) => {
        expect(await issue({ type, ...(await tokensOf(old())) })).toEqual({
          ok: false,
          code: 'reauthentication_required',
        });
        expect(created).toEqual([]);
      },
    );

    it.each(['passkey-append', 'passkey-delete'])(
      'allows %s for a sign-in younger than the limit',
      async (type) => {
        expect(await issue({ type, ...(await tokensOf(recent())) })).toEqual({
          ok: true,
          token: 'ctk1_secret',
        });
      },
    );

    it('counts from the sign-in, not from a refresh: new tokens with the old auth_time are still too old', async () => {
      // A refresh mints new tokens (new iat and exp) that keep the sign-in's auth_time and origin_jti.
      const session = old();
      const refreshed = {
        idToken: await idToken(session, { iat: now(), exp: now() + 3600 }),
        accessToken: await accessToken(session, { iat: now(), exp: now() + 3600 }),
      };
      expect(await issue({ type: 'passkey-append', ...refreshed })).toEqual({
        ok: false,
        code: 'reauthentication_required',
      });
    });

    it('still lists the passkeys of an older sign-in', async () => {
      expect(await issue({ type: 'passkey-list', ...(await tokensOf(old())) })).toEqual({
        ok: true,
        token: 'ctk1_secret',
      });
    });
  });

  describe('Cognito unreachable: nothing is minted (fail closed)', () => {
    it.each([
      // An answer is final: an outage is not met with more calls.
      ['answers 503, asked once', () => (cognito.mode = 'unavailable'), 1],
      ['does not answer within the deadline, asked twice', () => (cognito.mode = 'hang'), 2],
    ])('when Cognito %s', async (_name, fault, calls) => {
      fault();
      expect(await issue({ type: 'passkey-append', ...(await tokensOf()) })).toEqual({
        ok: false,
        code: 'cognito_unavailable',
      });
      expect(created).toEqual([]);
      expect(cognito.calls).toBe(calls);
    });

    it('mints when the one retry after a call without answer is answered', async () => {
      cognito.mode = 'hang';
      const tokens = await tokensOf();
      const answered = issue({ type: 'passkey-append', ...tokens });
      // The first call hangs; the second finds Cognito answering again.
      await vi.waitFor(() => expect(cognito.calls).toBe(1));
      cognito.mode = 'ok';
      expect(await answered).toEqual({ ok: true, token: 'ctk1_secret' });
      expect(cognito.calls).toBe(2);
    });

    it('when nothing listens at the endpoint', async () => {
      const closed = createServer();
      const url = await listen(closed);
      await new Promise((resolve) => closed.close(resolve));
      const nobody = createCognitoSessionCheck({ region: 'us-east-1', endpoint: url, timeoutMs: 500 });
      expect(await issue({ type: 'passkey-list', ...(await tokensOf()) }, { checkSession: nobody })).toEqual({
        ok: false,
        code: 'cognito_unavailable',
      });
      expect(created).toEqual([]);
    });
  });

  it.each([
    ['a login token', { type: 'passkey-login' }],
    ['an unknown type', { type: 'passkey-add' }],
    ['no idToken', { type: 'passkey-list', idToken: '' }],
    ['no access token', { type: 'passkey-list', accessToken: undefined }],
    ['an idToken that is not a string', { type: 'passkey-list', idToken: { forged: true } }],
    ['a number', 42],
  ])('refuses %s as an invalid request', async (_name, input) => {
    const body = typeof input === 'object' ? { ...(await tokensOf()), ...input } : input;
    expect(await issue(body)).toEqual({ ok: false, code: 'invalid_request' });
    expect(cognito.calls).toBe(0);
  });

  it.each([
    ['off', 'passkey-list'],
    ['off', 'passkey-delete'],
    ['off', 'passkey-append'],
    ['login-only', 'passkey-append'],
  ] as const)(
    'refuses a token the passkey mode %s does not allow (%s), minting nothing',
    async (mode, type) => {
      expect(await issue({ type, ...(await tokensOf()) }, { mode })).toEqual({
        ok: false,
        code: 'passkeys_disabled',
      });
      expect(created).toEqual([]);
      expect(cognito.calls).toBe(0);
    },
  );

  it.each([
    ['login-only', 'passkey-list'],
    ['login-only', 'passkey-delete'],
    ['append-only', 'passkey-append'],
  ] as const)('mints what the passkey mode %s allows (%s)', async (mode, type) => {
    expect(await issue({ type, ...(await tokensOf()) }, { mode })).toEqual({
      ok: true,
      token: 'ctk1_secret',
    });
  });

  it('reports Corbado failing as a code, not an exception', async () => {
    const failing = { createConnectToken: () => Promise.reject(new Error('secret corbado1_xyz in message')) };
    expect(await issue({ type: 'passkey-delete', ...(await tokensOf()) }, { corbado: failing })).toEqual({
      ok: false,
      code: 'corbado_unavailable',
    });
  });
});
