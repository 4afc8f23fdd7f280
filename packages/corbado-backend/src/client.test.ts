import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createCorbadoBackend, type CorbadoBackend } from './client';
import { CorbadoBackendConfigError, CorbadoBackendError, type CorbadoBackendErrorCode } from './errors';

const PROJECT_ID = 'pro-7815296293940881620';
const API_SECRET = 'corbado1_s3cr3t-value-never-in-errors';

// Bodies as documented by Corbado's Backend API reference: "Create a ConnectToken"
// (https://docs.corbado.com/api-reference/backend-api/connecttokens/create-a-connecttoken) and "Verify
// signedPasskeyData from a passkey login"
// (https://docs.corbado.com/api-reference/backend-api/passkeys/verify-signedpasskeydata-from-a-passkey-login).
const CONNECT_TOKEN_RESPONSE = {
  id: 'ctk-940364795071150919',
  tokenType: 'passkey-append',
  data: { displayName: 'jane@doe.com', identifier: '70b11697-7a1b-40e1-bf10-ad4dde02f230' },
  connectTokenStatus: 'initial',
  secret: 'ctk1_sxmexzS7RFBaJSA4V4kBFPs45bkxMK',
  expires: 1752749184,
};
const ERROR_RESPONSE_401 = {
  httpStatusCode: 401,
  message: 'Unauthorized',
  requestData: { requestID: 'req-1', link: 'https://app.corbado.com/requests/req-1' },
  runtime: 0.01,
  data: {},
  error: { type: 'unauthorized', details: `wrong secret ${API_SECRET}` },
};

type Behaviour = (req: IncomingMessage, body: string, res: ServerResponse) => void;

/** A real HTTP server on 127.0.0.1:0 that answers as the Backend API, with switchable faults. */
let behaviour: Behaviour;
let received: { path: string; headers: IncomingMessage['headers']; body: string }[] = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    received.push({ path: req.url ?? '', headers: req.headers, body });
    behaviour(req, body, res);
  });
});
let baseUrl: string;

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

/** The documented happy path, checking auth as Corbado does. */
const documented: Behaviour = (req, body, res) => {
  const expected = `Basic ${Buffer.from(`${PROJECT_ID}:${API_SECRET}`).toString('base64')}`;
  if (req.headers.authorization !== expected) return json(res, 401, ERROR_RESPONSE_401);
  if (req.url === '/v2/connectTokens') return json(res, 200, CONNECT_TOKEN_RESPONSE);
  if (req.url === '/v2/passkey/verifySignedData') {
    const { username } = JSON.parse(body) as { username: string };
    return json(res, 200, { verificationResult: username === 'alice' ? 'success' : 'user_mismatch' });
  }
  json(res, 404, { httpStatusCode: 404, message: 'Not found', error: { type: 'not_found' } });
};

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  behaviour = documented;
  received = [];
});

function client(overrides: Partial<Parameters<typeof createCorbadoBackend>[0]> = {}): CorbadoBackend {
  return createCorbadoBackend({ baseUrl, projectId: PROJECT_ID, apiSecret: API_SECRET, ...overrides });
}

async function failure(promise: Promise<unknown>): Promise<CorbadoBackendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CorbadoBackendError);
  const backendError = error as CorbadoBackendError;
  // No error, message or cause chain may carry the secret.
  expect(JSON.stringify({ m: backendError.message, c: String(backendError.cause) })).not.toContain(
    API_SECRET,
  );
  return backendError;
}

const verifyInput = { signedPasskeyData: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln', username: 'alice' };

describe('createConnectToken', () => {
  it('posts the documented body with Basic auth and returns the secret', async () => {
    const secret = await client().createConnectToken(
      'passkey-append',
      { identifier: 'alice', displayName: 'alice@example.com' },
      { maxLifetimeInSeconds: 600 },
    );
    expect(secret).toBe(CONNECT_TOKEN_RESPONSE.secret);
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe('/v2/connectTokens');
    expect(received[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(received[0]?.body ?? '')).toEqual({
      type: 'passkey-append',
      data: { identifier: 'alice', displayName: 'alice@example.com' },
      maxLifetimeInSeconds: 600,
    });
  });

  it('keeps a path prefix of the base URL', async () => {
    behaviour = (req, _body, res) =>
      json(res, req.url === '/corbado/v2/connectTokens' ? 200 : 404, CONNECT_TOKEN_RESPONSE);
    await expect(
      client({ baseUrl: `${baseUrl}/corbado/` }).createConnectToken('passkey-list', {
        identifier: 'alice',
        displayName: 'alice@example.com',
      }),
    ).resolves.toBe(CONNECT_TOKEN_RESPONSE.secret);
  });

  it('rejects an unknown token type before any request', async () => {
    await expect(
      client().createConnectToken('passkey-add' as never, { identifier: 'a', displayName: 'b' }),
    ).rejects.toBeInstanceOf(CorbadoBackendConfigError);
    expect(received).toHaveLength(0);
  });
});

describe('verifySignedPasskeyData', () => {
  it.each(['success', 'invalid_signature', 'invalid_challenge', 'user_mismatch', 'generic_error'] as const)(
    'returns %s as Corbado answers it',
    async (result) => {
      behaviour = (_req, _body, res) => json(res, 200, { verificationResult: result });
      await expect(client().verifySignedPasskeyData(verifyInput)).resolves.toBe(result);
    },
  );

  it('sends the signed data and the expected username', async () => {
    await expect(client().verifySignedPasskeyData({ ...verifyInput, username: 'mallory' })).resolves.toBe(
      'user_mismatch',
    );
    expect(received[0]?.path).toBe('/v2/passkey/verifySignedData');
    expect(JSON.parse(received[0]?.body ?? '')).toEqual({ ...verifyInput, username: 'mallory' });
  });
});

describe('failures carry a stable code and never the secret', () => {
  const cases: [string, Behaviour, CorbadoBackendErrorCode][] = [
    ['a wrong secret (401)', (_q, _b, res) => json(res, 401, ERROR_RESPONSE_401), 'unauthorized'],
    ['a forbidden call (403)', (_q, _b, res) => json(res, 403, ERROR_RESPONSE_401), 'unauthorized'],
    [
      'a validation error (400)',
      (_q, _b, res) => json(res, 400, { error: { type: 'validation_error' } }),
      'bad_request',
    ],
    ['a 500', (_q, _b, res) => json(res, 500, { message: 'boom' }), 'server_error'],
    ['a 503 with an HTML body', (_q, _b, res) => res.writeHead(503).end('<html>down</html>'), 'server_error'],
    [
      'a 200 that is not JSON',
      (_q, _b, res) => res.writeHead(200).end('<html>hi</html>'),
      'malformed_response',
    ],
    ['a 200 without the field', (_q, _b, res) => json(res, 200, { result: 'success' }), 'malformed_response'],
    [
      'a 200 with an unknown result',
      (_q, _b, res) => json(res, 200, { verificationResult: 'ok' }),
      'malformed_response',
    ],
    [
      'a 200 far too large',
      (_q, _b, res) => res.writeHead(200).end('x'.repeat(200_000)),
      'malformed_response',
    ],
    [
      'a redirect',
      (_q, _b, res) => res.writeHead(302, { location: 'https://example.com/' }).end(),
      'network_error',
    ],
    ['a reset connection', (req) => req.socket.destroy(), 'network_error'],
  ];

  it.each(cases)('%s', async (_name, fault, code) => {
    behaviour = fault;
    const error = await failure(client().verifySignedPasskeyData(verifyInput));
    expect(error.code).toBe(code);
  });

  it('times out on a slow answer', async () => {
    behaviour = (_req, _body, res) =>
      setTimeout(() => json(res, 200, { verificationResult: 'success' }), 1000);
    const error = await failure(client({ timeoutMs: 100 }).verifySignedPasskeyData(verifyInput));
    expect(error.code).toBe('timeout');
  });

  it('times out on a body that never ends', async () => {
    behaviour = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"verificationResult":');
    };
    const error = await failure(client({ timeoutMs: 100 }).verifySignedPasskeyData(verifyInput));
    expect(error.code).toBe('timeout');
  });

  it('reports a refused connection as a network error', async () => {
    const error = await failure(
      client({ baseUrl: 'http://127.0.0.1:1' }).createConnectToken('passkey-list', {
        identifier: 'alice',
        displayName: 'alice@example.com',
      }),
    );
    expect(error.code).toBe('network_error');
  });
});

describe('configuration', () => {
  it.each([
    ['a relative base URL', { baseUrl: '/v2' }],
    ['a non-http base URL', { baseUrl: 'ftp://corbado.example' }],
    ['an empty project ID', { projectId: '' }],
    ['a project ID with a colon', { projectId: 'pro-1:x' }],
    ['an empty secret', { apiSecret: '' }],
    ['a zero timeout', { timeoutMs: 0 }],
  ])('rejects %s at creation', (_name, overrides) => {
    expect(() => client(overrides)).toThrow(CorbadoBackendConfigError);
  });
});
