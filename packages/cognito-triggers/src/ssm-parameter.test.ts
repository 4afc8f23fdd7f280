import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { TriggerError } from './errors';
import { SSM_DEADLINE_MS, ssmParameterReader, ssmSecret } from './ssm-parameter';

const NAME = '/cognito-passkeys/corbado-api-secret';
const KEY = {
  accessKeyId: 'AKIDTRIGGERTEST',
  secretAccessKey: 'trigger-test-secret-key',
  sessionToken: 'tok',
};

interface Received {
  target: string | undefined;
  contentType: string | undefined;
  body: unknown;
  signatureValid: boolean;
}

/**
 * An SSM stand-in on 127.0.0.1 speaking JSON 1.1, as AWS does: it checks each request's SigV4 signature
 * by signing what arrived again with the same key and date (the SDK's signer, as AWS's own endpoints
 * and local-aws compare), and answers through a switchable `answer`.
 */
let answer: (res: ServerResponse, body: { Name: string; WithDecryption: boolean }) => void;
let received: Received[];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    void (async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const signatureValid = await checkSignature(req, raw);
      const body = JSON.parse(raw) as { Name: string; WithDecryption: boolean };
      received.push({
        target: req.headers['x-amz-target'] as string | undefined,
        contentType: req.headers['content-type'],
        body,
        signatureValid,
      });
      if (!signatureValid) {
        reply(res, 400, { __type: 'InvalidSignatureException', message: 'bad signature' });
        return;
      }
      answer(res, body);
    })();
  });
});
let endpoint: string;

async function checkSignature(req: IncomingMessage, body: string): Promise<boolean> {
  const authorization = req.headers.authorization ?? '';
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+)/.exec(
    authorization,
  );
  if (match === null || match[1] !== KEY.accessKeyId) return false;
  const [, , region = '', service = '', signedHeaders = ''] = match;
  const amzDate = String(req.headers['x-amz-date']);
  const date = new Date(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  const headers: Record<string, string> = {};
  for (const name of signedHeaders.split(';')) headers[name] = String(req.headers[name]);
  const signer = new SignatureV4({ service, region, sha256: Sha256, credentials: KEY });
  const expected = await signer.sign(
    new HttpRequest({
      method: req.method ?? 'POST',
      hostname: '127.0.0.1',
      path: req.url ?? '/',
      headers,
      body,
    }),
    { signingDate: date },
  );
  return expected.headers.authorization === authorization && region === 'eu-central-1' && service === 'ssm';
}

const reply = (res: ServerResponse, status: number, body: unknown) =>
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify(body));

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  received = [];
  answer = (res, body) =>
    reply(res, 200, { Parameter: { Name: body.Name, Type: 'SecureString', Value: 's3cr3t', Version: 1 } });
});

/** The Lambda environment: the role's credentials, the region, and the endpoint override. */
const lambdaEnv = (extra: Record<string, string | undefined> = {}) => ({
  AWS_REGION: 'eu-central-1',
  AWS_ACCESS_KEY_ID: KEY.accessKeyId,
  AWS_SECRET_ACCESS_KEY: KEY.secretAccessKey,
  AWS_SESSION_TOKEN: KEY.sessionToken,
  AWS_ENDPOINT_URL_SSM: endpoint,
  ...extra,
});

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
  } catch (error) {
    return error instanceof TriggerError ? error.code : 'other';
  }
  return undefined;
}

describe('ssmSecret', () => {
  it('reads the SecureString with decryption through a signed GetParameter', async () => {
    const source = ssmSecret(NAME, { maxAgeSeconds: 300, env: lambdaEnv() });
    expect(await source.get()).toBe('s3cr3t');
    expect(received).toEqual([
      {
        target: 'AmazonSSM.GetParameter',
        contentType: 'application/x-amz-json-1.1',
        body: { Name: NAME, WithDecryption: true },
        signatureValid: true,
      },
    ]);
  });

  it('signs with the session token (the Lambda role credentials)', async () => {
    let token: string | undefined;
    const tokenServer = createServer((req, res) => {
      token = req.headers['x-amz-security-token'] as string | undefined;
      req.resume();
      req.on('end', () => reply(res, 200, { Parameter: { Value: 'v' } }));
    });
    await new Promise<void>((resolve) => tokenServer.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}`;
    await ssmSecret(NAME, { maxAgeSeconds: 0, env: lambdaEnv({ AWS_ENDPOINT_URL_SSM: url }) }).get();
    tokenServer.close();
    expect(token).toBe(KEY.sessionToken);
  });

  it('is refused by the stand-in when signed with another key', async () => {
    const source = ssmSecret(NAME, { maxAgeSeconds: 0, env: lambdaEnv({ AWS_SECRET_ACCESS_KEY: 'wrong' }) });
    expect(await codeOf(source.get())).toBe('secret_unavailable');
    expect(received[0]?.signatureValid).toBe(false);
  });

  it('caches the value for maxAgeSeconds, then reads again', async () => {
    let clock = 1_000_000;
    const source = ssmSecret(NAME, { maxAgeSeconds: 300, env: lambdaEnv(), now: () => clock });
    await source.get();
    clock += 299_000;
    await source.get();
    expect(received).toHaveLength(1);
    clock += 2_000;
    await source.get();
    expect(received).toHaveLength(2);
  });

  it('reads on every call when caching is off', async () => {
    const source = ssmSecret(NAME, { maxAgeSeconds: 0, env: lambdaEnv() });
    await source.get();
    await source.get();
    expect(received).toHaveLength(2);
  });

  it('shares one read between concurrent first calls', async () => {
    const source = ssmSecret(NAME, { maxAgeSeconds: 300, env: lambdaEnv() });
    expect(await Promise.all([source.get(), source.get(), source.get()])).toEqual([
      's3cr3t',
      's3cr3t',
      's3cr3t',
    ]);
    expect(received).toHaveLength(1);
  });

  it('retries once after a 5xx', async () => {
    let calls = 0;
    answer = (res) => {
      calls += 1;
      if (calls === 1) reply(res, 500, { __type: 'InternalServerError' });
      else reply(res, 200, { Parameter: { Value: 'after-retry' } });
    };
    expect(await ssmSecret(NAME, { maxAgeSeconds: 0, env: lambdaEnv() }).get()).toBe('after-retry');
    expect(received).toHaveLength(2);
  });

  it.each([
    ['a missing parameter', 400, { __type: 'ParameterNotFound' }, 'ParameterNotFound'],
    [
      'a denied read',
      400,
      { __type: 'com.amazonaws.ssm#AccessDeniedException', message: 'no' },
      'AccessDeniedException',
    ],
    ['an empty parameter', 200, { Parameter: { Value: '' } }, 'empty'],
    ['an answer without a value', 200, { Parameter: {} }, 'Parameter.Value'],
    ['two 5xx in a row', 503, { __type: 'ServiceUnavailable' }, 'ServiceUnavailable'],
  ])('answers secret_unavailable for %s, naming the reason', async (_name, status, body, reason) => {
    answer = (res) => reply(res, status, body);
    const error = await ssmSecret(NAME, { maxAgeSeconds: 0, env: lambdaEnv() })
      .get()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TriggerError);
    expect((error as TriggerError).code).toBe('secret_unavailable');
    expect((error as TriggerError).message).toContain(reason);
  });

  it('answers secret_unavailable when SSM does not answer within the deadline', async () => {
    answer = (res) =>
      void setTimeout(() => reply(res, 200, { Parameter: { Value: 'late' } }), SSM_DEADLINE_MS + 500);
    expect(await codeOf(ssmSecret(NAME, { maxAgeSeconds: 0, env: lambdaEnv() }).get())).toBe(
      'secret_unavailable',
    );
  });

  it('answers secret_unavailable when the connection is refused', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const source = ssmSecret(NAME, { maxAgeSeconds: 0, env: lambdaEnv({ AWS_ENDPOINT_URL_SSM: url }) });
    expect(await codeOf(source.get())).toBe('secret_unavailable');
  });

  it('answers secret_unavailable without credentials, and never sends a request', async () => {
    const source = ssmSecret(NAME, { maxAgeSeconds: 0, env: lambdaEnv({ AWS_ACCESS_KEY_ID: undefined }) });
    expect(await codeOf(source.get())).toBe('secret_unavailable');
    expect(received).toHaveLength(0);
  });

  it('puts neither the secret nor the credentials into its error', async () => {
    answer = (res) => reply(res, 400, { __type: 'AccessDeniedException', message: 's3cr3t leaked?' });
    const error = (await ssmSecret(NAME, { maxAgeSeconds: 0, env: lambdaEnv() })
      .get()
      .catch((e: unknown) => e)) as TriggerError;
    const text = `${error.message} ${String(error.cause)}`;
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain(KEY.secretAccessKey);
  });
});

describe('ssmParameterReader', () => {
  const MODE = '/cognito-passkeys/passkey-mode';

  it('reads a String parameter without decryption, once per call', async () => {
    answer = (res, body) =>
      reply(res, 200, { Parameter: { Name: body.Name, Type: 'String', Value: 'login-only', Version: 3 } });
    const read = ssmParameterReader(MODE, { env: lambdaEnv() });
    expect(await read()).toBe('login-only');
    expect(await read()).toBe('login-only');
    expect(received).toEqual([
      {
        target: 'AmazonSSM.GetParameter',
        contentType: 'application/x-amz-json-1.1',
        body: { Name: MODE, WithDecryption: false },
        signatureValid: true,
      },
      expect.objectContaining({ body: { Name: MODE, WithDecryption: false } }),
    ]);
  });

  it.each([
    ['a missing parameter', { __type: 'ParameterNotFound' }, 'parameter_not_found'],
    [
      'a missing parameter, namespaced',
      { __type: 'com.amazonaws.ssm#ParameterNotFound' },
      'parameter_not_found',
    ],
    ['a denied read', { __type: 'AccessDeniedException' }, 'parameter_unavailable'],
    ['another client error', { __type: 'ValidationException' }, 'parameter_unavailable'],
  ])('tells %s by its code', async (_name, body, code) => {
    answer = (res) => reply(res, 400, body);
    expect(await codeOf(ssmParameterReader(MODE, { env: lambdaEnv() })())).toBe(code);
  });

  it('answers parameter_unavailable when SSM does not answer within the deadline', async () => {
    answer = (res) =>
      void setTimeout(() => reply(res, 200, { Parameter: { Value: 'on' } }), SSM_DEADLINE_MS + 500);
    expect(await codeOf(ssmParameterReader(MODE, { env: lambdaEnv() })())).toBe('parameter_unavailable');
  });
});
