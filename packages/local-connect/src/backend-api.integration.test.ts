import { CorbadoBackendError, createCorbadoBackend } from '@cognito-passkeys/corbado-backend';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { basicAuth, captureLog, corsHeaderNames, manualClock, testConfig } from '../test/fixtures';
import { start, type RunningServer } from './index';

const config = testConfig();
const auth = basicAuth(config.projectId, config.apiSecret);

async function post(url: string, body: unknown, authorization: string | null = auth) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('Backend API', () => {
  let server: RunningServer;
  const clock = manualClock();

  beforeEach(async () => {
    server = await start({ config, now: clock.now, log: captureLog().log });
  });
  afterEach(async () => {
    await server.stop();
  });

  it('creates connect tokens in the documented shape', async () => {
    const { status, body } = await post(`${server.url}/v2/connectTokens`, {
      type: 'passkey-append',
      data: { identifier: 'user-1', displayName: 'jane@example.com' },
      maxLifetimeInSeconds: 600,
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({
      tokenType: 'passkey-append',
      data: { identifier: 'user-1', displayName: 'jane@example.com' },
      connectTokenStatus: 'initial',
      expires: Math.floor(clock.now().getTime() / 1000) + 600,
    });
    expect(body.id).toMatch(/^ctk-\d+$/);
    expect(body.secret).toMatch(/^ctk1_/);
  });

  it('caps maxLifetimeInSeconds', async () => {
    const { body } = await post(`${server.url}/v2/connectTokens`, {
      type: 'passkey-list',
      data: { identifier: 'user-1' },
      maxLifetimeInSeconds: 10_000_000,
    });
    expect(body.expires).toBe(Math.floor(clock.now().getTime() / 1000) + 3600);
  });

  it('accepts Bearer <apiSecret>', async () => {
    const { status } = await post(
      `${server.url}/v2/connectTokens`,
      { type: 'passkey-list', data: { identifier: 'u' } },
      `Bearer ${config.apiSecret}`,
    );
    expect(status).toBe(200);
  });

  it.each([
    ['missing', null],
    ['wrong secret', basicAuth(config.projectId, 'corbado1_wrong')],
    ['wrong project', basicAuth('pro-2', config.apiSecret)],
    ['wrong bearer', 'Bearer nope'],
    ['garbage', 'Basic !!!'],
  ])('answers 401 in Corbado error shape for %s credentials', async (_name, authorization) => {
    const { status, body } = await post(
      `${server.url}/v2/connectTokens`,
      { type: 'passkey-list', data: { identifier: 'u' } },
      authorization,
    );
    expect(status).toBe(401);
    expect(body).toMatchObject({
      httpStatusCode: 401,
      requestData: { requestID: expect.stringMatching(/^req-/) as unknown },
      data: {},
      error: { type: 'unauthorized' },
    });
    expect(typeof body.runtime).toBe('number');
  });

  it.each([
    ['malformed JSON', '{"type":'],
    ['unknown type', { type: 'passkey-add', data: { identifier: 'u' } }],
    ['append without displayName', { type: 'passkey-append', data: { identifier: 'u' } }],
    ['identifier of wrong type', { type: 'passkey-list', data: { identifier: 42 } }],
    ['negative lifetime', { type: 'passkey-list', data: { identifier: 'u' }, maxLifetimeInSeconds: -1 }],
  ])('rejects %s with a validation_error', async (_name, body) => {
    const res = await post(`${server.url}/v2/connectTokens`, body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ httpStatusCode: 400, error: { type: 'validation_error' } });
  });

  it('rejects bodies over 64 KiB with 413', async () => {
    const res = await post(`${server.url}/v2/connectTokens`, { pad: 'x'.repeat(70 * 1024) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: { type: 'payload_too_large' } });
  });

  it('answers unknown routes and methods in the error shape', async () => {
    const notFound = await post(`${server.url}/v2/nothing`, {});
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({ error: { type: 'not_found' } });
    const res = await fetch(`${server.url}/v2/connectTokens`, { headers: { authorization: auth } });
    expect(res.status).toBe(405);
  });

  it('publishes the signing key as a JWKS', async () => {
    const res = await fetch(`${server.url}/.well-known/jwks.json`);
    const jwks = (await res.json()) as {
      keys: { kid: string; alg: string; kty: string; crv: string; d?: string }[];
    };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({
      kty: 'EC',
      crv: 'P-256',
      alg: 'ES256',
      kid: expect.stringMatching(/^pki-/) as unknown,
    });
    expect(jwks.keys[0]?.d).toBeUndefined();
  });

  it('verifySignedData rejects a token it did not sign', async () => {
    const { status, body } = await post(`${server.url}/v2/passkey/verifySignedData`, {
      signedPasskeyData: 'eyJhbGciOiJSUzI1NiJ9.eyJ3ZWJhdXRobklkIjoidSJ9.c2ln',
      username: 'u',
    });
    expect(status).toBe(200);
    expect(body).toEqual({ verificationResult: 'invalid_signature' });
  });

  it('verifySignedData validates its body', async () => {
    const { status, body } = await post(`${server.url}/v2/passkeys/verifySignedData`, { username: 'u' });
    expect(status).toBe(400);
    expect(body).toMatchObject({ error: { type: 'validation_error' } });
  });
});

describe('Backend API through @cognito-passkeys/corbado-backend', () => {
  let server: RunningServer;
  beforeEach(async () => {
    server = await start({ config, log: captureLog().log });
  });
  afterEach(async () => {
    await server.stop();
  });

  it('mints connect tokens the Frontend API accepts', async () => {
    const client = createCorbadoBackend({
      baseUrl: server.url,
      projectId: 'pro-1',
      apiSecret: config.apiSecret,
    });
    const secret = await client.createConnectToken('passkey-list', { identifier: 'user-1', displayName: '' });
    expect(secret).toMatch(/^ctk1_/);
    const res = await fetch(`${server.url}/v2/connect/manage/list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-corbado-projectid': 'pro-1' },
      body: JSON.stringify({ connectToken: secret }),
    });
    expect(await res.json()).toMatchObject({ passkeys: [], rpID: 'localhost' });
  });

  it('reads verification results', async () => {
    const client = createCorbadoBackend({
      baseUrl: server.url,
      projectId: 'pro-1',
      apiSecret: config.apiSecret,
    });
    expect(await client.verifySignedPasskeyData({ signedPasskeyData: 'a.b.c', username: 'u' })).toBe(
      'invalid_signature',
    );
  });

  it('is refused with a wrong secret', async () => {
    const client = createCorbadoBackend({
      baseUrl: server.url,
      projectId: 'pro-1',
      apiSecret: 'corbado1_wrong',
    });
    const attempt = client.createConnectToken('passkey-list', { identifier: 'u', displayName: 'u' });
    await expect(attempt).rejects.toBeInstanceOf(CorbadoBackendError);
    await expect(attempt).rejects.toMatchObject({ code: 'unauthorized' });
  });

  it('gets bad_request for a token the server rejects', async () => {
    const client = createCorbadoBackend({
      baseUrl: server.url,
      projectId: 'pro-1',
      apiSecret: config.apiSecret,
    });
    const attempt = client.createConnectToken('passkey-append', { identifier: 'u', displayName: '' });
    await expect(attempt).rejects.toMatchObject({ code: 'bad_request', status: 400 });
  });

  describe('is server to server only', () => {
    const tokenBody = JSON.stringify({ type: 'passkey-list', data: { identifier: 'user-1' } });

    it('sends no CORS headers on an answer', async () => {
      const res = await fetch(`${server.url}/v2/connectTokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: tokenBody,
      });
      expect(res.status).toBe(200);
      expect(corsHeaderNames(res.headers)).toEqual([]);
    });

    it.each([
      ['a configured page origin', config.rp.origins[0]!],
      ['another origin', 'http://evil.localhost:3000'],
      ['the opaque origin', 'null'],
    ])('refuses a request with Origin (%s), even with the right secret', async (_, origin) => {
      for (const path of ['/v2/connectTokens', '/v2/passkey/verifySignedData']) {
        const res = await fetch(`${server.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: auth, origin },
          body: tokenBody,
        });
        expect(res.status).toBe(403);
        expect(((await res.json()) as { error: { type: string } }).error.type).toBe('origin_not_allowed');
        expect(corsHeaderNames(res.headers)).toEqual([]);
      }
    });

    it('answers a preflight with a 4xx and no CORS headers', async () => {
      const res = await fetch(`${server.url}/v2/connectTokens`, {
        method: 'OPTIONS',
        headers: {
          origin: config.rp.origins[0]!,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization,content-type',
        },
      });
      expect(res.status).toBe(403);
      expect(corsHeaderNames(res.headers)).toEqual([]);
    });
  });
});
