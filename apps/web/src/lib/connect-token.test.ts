import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createIdTokenVerifier, issueConnectToken, type IdTokenVerifier } from './connect-token';

const POOL = 'us-east-1_LocalPasskeys';
const OTHER_POOL = 'us-east-1_SomeoneElse';
const CLIENT = 'localpasskeysweb0000000001';
const ISSUER = (pool: string) => `https://cognito-idp.us-east-1.amazonaws.com/${pool}`;
const USERNAME = '70b11697-7a1b-40e1-bf10-ad4dde02f230';
const EMAIL = 'alice@example.com';

let key: CryptoKey;
let otherKey: CryptoKey;
let jwk: JWK;
let jwksUrl: string;
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
});

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  key = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${POOL}/.well-known/jwks.json`;
});
afterAll(() => server.close());

/** A Cognito idToken as the pool issues it (Developer Guide, "Using the ID token"). */
function idToken(claims: Record<string, unknown> = {}, signWith: CryptoKey = key, pool = POOL) {
  return new SignJWT({
    sub: USERNAME,
    'cognito:username': USERNAME,
    email: EMAIL,
    email_verified: true,
    token_use: 'id',
    auth_time: Math.floor(Date.now() / 1000),
    aud: CLIENT,
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
    .setIssuer(ISSUER(pool))
    .setIssuedAt()
    .sign(signWith);
}

let verify: IdTokenVerifier;
let created: { type: string; data: unknown }[];
const corbado = {
  createConnectToken: (type: string, data: unknown) => {
    created.push({ type, data });
    return Promise.resolve('ctk1_secret');
  },
};

beforeEach(() => {
  verify = createIdTokenVerifier({ userPoolId: POOL, clientId: CLIENT, localJwksUrl: jwksUrl });
  created = [];
});

describe('issueConnectToken', () => {
  it('mints a token for the user a valid idToken names', async () => {
    const result = await issueConnectToken(
      { type: 'passkey-append', idToken: await idToken() },
      { verifyIdToken: verify, corbado },
    );
    expect(result).toEqual({ ok: true, token: 'ctk1_secret' });
    expect(created).toEqual([{ type: 'passkey-append', data: { identifier: USERNAME, displayName: EMAIL } }]);
  });

  it.each([
    ['an access token', () => idToken({ token_use: 'access' })],
    ['an expired token', () => idToken({ exp: Math.floor(Date.now() / 1000) - 60 })],
    ['a token of another client', () => idToken({ aud: 'someotherclient' })],
    ['a token of another pool', () => idToken({}, key, OTHER_POOL)],
    ['a token signed with another key', () => idToken({}, otherKey)],
    [
      'a token whose signature was replaced',
      async () => `${(await idToken()).split('.').slice(0, 2).join('.')}.AAAA`,
    ],
    ['garbage', () => Promise.resolve('not-a-jwt')],
  ])('refuses %s and mints nothing', async (_name, make) => {
    const result = await issueConnectToken(
      { type: 'passkey-list', idToken: await make() },
      { verifyIdToken: verify, corbado },
    );
    expect(result).toEqual({ ok: false, code: 'invalid_token' });
    expect(created).toEqual([]);
  });

  it.each([
    ['a login token', { type: 'passkey-login' }],
    ['an unknown type', { type: 'passkey-add' }],
    ['no token', { type: 'passkey-list', idToken: '' }],
    ['a number', 42],
  ])('refuses %s as an invalid request', async (_name, input) => {
    const idTokenValue = await idToken();
    const body = typeof input === 'object' ? { idToken: idTokenValue, ...input } : input;
    expect(await issueConnectToken(body, { verifyIdToken: verify, corbado })).toEqual({
      ok: false,
      code: 'invalid_request',
    });
  });

  it('reports Corbado failing as a code, not an exception', async () => {
    const failing = { createConnectToken: () => Promise.reject(new Error('secret corbado1_xyz in message')) };
    expect(
      await issueConnectToken(
        { type: 'passkey-delete', idToken: await idToken() },
        { verifyIdToken: verify, corbado: failing },
      ),
    ).toEqual({ ok: false, code: 'corbado_unavailable' });
  });
});
