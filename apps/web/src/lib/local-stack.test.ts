import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { CognitoJwtVerifier } from 'aws-jwt-verify';
import { JwksValidationError } from 'aws-jwt-verify/error';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { codeDeliveryHint, localBrowserConfig, localJwksCache, localStackConfig } from './local-stack';

describe('localStackConfig', () => {
  it('reads nothing against AWS and Corbado (unset or empty)', () => {
    expect(localStackConfig({ COGNITO_ENDPOINT: '', LOCAL_OUTBOX_URL: '' })).toEqual({});
    expect(localBrowserConfig(localStackConfig({}))).toEqual({});
    expect(codeDeliveryHint({})).toBeUndefined();
  });

  it('hands the browser the local URLs, and no JWKS location', () => {
    const local = localStackConfig({
      COGNITO_ENDPOINT: 'http://127.0.0.1:9229',
      COGNITO_JWKS_URL: 'http://127.0.0.1:9229/pool/.well-known/jwks.json',
      CORBADO_FRONTEND_API_URL: 'http://127.0.0.1:9230',
      LOCAL_OUTBOX_URL: 'http://127.0.0.1:9229/_local/outbox',
    });
    expect(localBrowserConfig(local)).toEqual({
      cognitoEndpoint: 'http://127.0.0.1:9229',
      corbadoFrontendApiUrl: 'http://127.0.0.1:9230',
      outboxUrl: 'http://127.0.0.1:9229/_local/outbox',
    });
    expect(codeDeliveryHint(localBrowserConfig(local))?.url).toBe('http://127.0.0.1:9229/_local/outbox');
  });

  it('fails on a malformed URL, naming the key only', () => {
    expect(() => localStackConfig({ COGNITO_JWKS_URL: 'not a url' })).toThrow(/COGNITO_JWKS_URL/);
  });
});

describe('localJwksCache', () => {
  const POOL = 'us-east-1_LocalJwks';
  const keys: Record<string, unknown>[] = [];
  let served: 'jwks' | 'garbage' = 'jwks';
  let fetches = 0;
  const server = createServer((_req, res) => {
    fetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(served === 'jwks' ? JSON.stringify({ keys }) : '{"keys":"no"}');
  });
  let jwksUrl: string;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${POOL}/.well-known/jwks.json`;
  });
  afterAll(() => server.close());

  async function keyPair(kid: string) {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    keys.push({ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' });
    return (claims: Record<string, unknown> = {}) =>
      new SignJWT({ token_use: 'access', client_id: 'client', ...claims })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(`https://cognito-idp.us-east-1.amazonaws.com/${POOL}`)
        .setSubject('user')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey);
  }

  it('serves the real issuer form from the local JWKS, fetching again for a new key', async () => {
    const verifier = CognitoJwtVerifier.create(
      { userPoolId: POOL, tokenUse: 'access', clientId: 'client' },
      { jwksCache: localJwksCache(jwksUrl) },
    );
    const first = await keyPair('first');
    await expect(verifier.verify(await first())).resolves.toMatchObject({ sub: 'user' });
    await expect(verifier.verify(await first())).resolves.toMatchObject({ sub: 'user' });
    expect(fetches).toBe(1);
    const rotated = await keyPair('rotated');
    await expect(verifier.verify(await rotated())).resolves.toMatchObject({ sub: 'user' });
    expect(fetches).toBe(2);
  });

  it('refuses a token when the local JWKS is not a JWKS', async () => {
    served = 'garbage';
    const sign = await keyPair('third');
    const verifier = CognitoJwtVerifier.create(
      { userPoolId: POOL, tokenUse: 'access', clientId: 'client' },
      { jwksCache: localJwksCache(jwksUrl) },
    );
    await expect(verifier.verify(await sign())).rejects.toThrow(JwksValidationError);
    served = 'jwks';
  });
});
