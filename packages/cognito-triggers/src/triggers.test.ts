import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createEvent, defineEvent, passkey, USERNAME, verifyEvent } from '../test/fixtures/events';
import type { SecretSource } from './ssm-secret';
import { TriggerError } from './errors';
import { corbadoBackendFromSecret, MAX_ANSWER_BYTES } from './logic/verify-passkey-answer';
import {
  createCreateAuthChallengeHandler,
  createDefineAuthChallengeHandler,
  createVerifyAuthChallengeResponseHandler,
} from './triggers';

const context = {} as Context;
const noop = () => undefined;

/** Runs a trigger handler and returns the event it answers with. */
async function run<E>(
  handler: (event: E, context: Context, callback: () => void) => unknown,
  event: E,
): Promise<E> {
  return (await handler(event, context, noop)) as E;
}

function capturingLogger() {
  const lines: { level: string; message: string; extra: unknown }[] = [];
  return {
    lines,
    info: (message: string, extra?: unknown) => void lines.push({ level: 'info', message, extra }),
    warn: (message: string, extra?: unknown) => void lines.push({ level: 'warn', message, extra }),
  };
}

describe('define-auth-challenge', () => {
  const handler = createDefineAuthChallengeHandler({ maxPasskeyAttempts: 3 }, capturingLogger());

  it('starts with a custom challenge', async () => {
    const event = await run(handler, defineEvent([]));
    expect(event.response).toEqual({
      challengeName: 'CUSTOM_CHALLENGE',
      issueTokens: false,
      failAuthentication: false,
    });
  });

  it('issues tokens after a verified passkey', async () => {
    const event = await run(handler, defineEvent([passkey(true)]));
    expect(event.response.issueTokens).toBe(true);
    expect(event.response.failAuthentication).toBe(false);
  });

  it('fails after the attempt limit', async () => {
    const event = await run(handler, defineEvent([passkey(false), passkey(false), passkey(false)]));
    expect(event.response.issueTokens).toBe(false);
    expect(event.response.failAuthentication).toBe(true);
  });

  it('challenges an unknown user like a known one (no user-existence signal)', async () => {
    const event = await run(handler, defineEvent([], { userNotFound: true }));
    expect(event.response.challengeName).toBe('CUSTOM_CHALLENGE');
  });
});

describe('create-auth-challenge', () => {
  it('marks the passkey challenge and keeps no secret', async () => {
    const event = await run(createCreateAuthChallengeHandler(), createEvent([]));
    expect(event.response).toEqual({
      publicChallengeParameters: { type: 'PASSKEY' },
      privateChallengeParameters: {},
      challengeMetadata: 'CORBADO_PASSKEY',
    });
  });
});

describe('verify-auth-challenge-response against a real Backend API server', () => {
  const API_SECRET = 'corbado1_trigger-test-secret';
  const SIGNED_PASSKEY_DATA =
    'eyJhbGciOiJSUzI1NiIsImtpZCI6InBraS0xIiwidHlwIjoiSldUIn0.eyJ3ZWJhdXRobklkIjoiNzBiMTE2OTcifQ.c2lnbmF0dXJl';

  let answer: (body: { signedPasskeyData: string; username: string }, res: ServerResponse) => void;
  let calls: { authorization: string | undefined; body: { signedPasskeyData: string; username: string } }[];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { signedPasskeyData: string; username: string };
      calls.push({ authorization: req.headers.authorization, body });
      answer(body, res);
    });
  });
  let baseUrl: string;
  const reply = (res: ServerResponse, status: number, body: string) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  beforeEach(() => {
    calls = [];
    // Corbado's behaviour: success for the user the passkey belongs to, user_mismatch for anyone else.
    answer = (body, res) =>
      reply(
        res,
        200,
        JSON.stringify({ verificationResult: body.username === USERNAME ? 'success' : 'user_mismatch' }),
      );
  });

  function handlerWith(secret: SecretSource = { get: () => Promise.resolve(API_SECRET) }, timeoutMs = 1000) {
    const logger = capturingLogger();
    const handler = createVerifyAuthChallengeResponseHandler(
      corbadoBackendFromSecret({ baseUrl, projectId: 'pro-1', timeoutMs, apiSecret: secret }),
      logger,
    );
    return { handler, logger };
  }

  async function verify(
    answerText: string,
    extra: Parameters<typeof verifyEvent>[1] = {},
    h = handlerWith(),
  ) {
    const event = await run(h.handler, verifyEvent(answerText, extra));
    const logs = JSON.stringify(h.logger.lines);
    // No log line may carry the answer or the secret.
    expect(logs).not.toContain(SIGNED_PASSKEY_DATA);
    expect(logs).not.toContain(API_SECRET);
    return { answerCorrect: event.response.answerCorrect, lines: h.logger.lines };
  }

  it('accepts a passkey login Corbado verifies, sending the answer and the Cognito username', async () => {
    const { answerCorrect } = await verify(SIGNED_PASSKEY_DATA);
    expect(answerCorrect).toBe(true);
    expect(calls).toEqual([
      {
        authorization: `Basic ${Buffer.from(`pro-1:${API_SECRET}`).toString('base64')}`,
        body: { signedPasskeyData: SIGNED_PASSKEY_DATA, username: USERNAME },
      },
    ]);
  });

  it('rejects a passkey of another user (user_mismatch)', async () => {
    const { answerCorrect, lines } = await verify(SIGNED_PASSKEY_DATA, { userName: 'someone-else' });
    expect(answerCorrect).toBe(false);
    expect(lines[0]?.extra).toMatchObject({ outcome: 'user_mismatch' });
  });

  it.each(['invalid_signature', 'invalid_challenge', 'user_mismatch', 'generic_error'])(
    'rejects %s',
    async (result) => {
      answer = (_body, res) => reply(res, 200, JSON.stringify({ verificationResult: result }));
      const { answerCorrect, lines } = await verify(SIGNED_PASSKEY_DATA);
      expect(answerCorrect).toBe(false);
      expect(lines[0]?.extra).toMatchObject({ outcome: result });
    },
  );

  it.each([
    ['a 500', (res: ServerResponse) => reply(res, 500, '{"message":"boom"}'), 'server_error'],
    ['a malformed body', (res: ServerResponse) => reply(res, 200, '<html>'), 'malformed_response'],
    [
      'an unknown result',
      (res: ServerResponse) => reply(res, 200, '{"verificationResult":"ok"}'),
      'malformed_response',
    ],
    ['a 401', (res: ServerResponse) => reply(res, 401, '{}'), 'unauthorized'],
    ['a slow answer', (res: ServerResponse) => void setTimeout(() => reply(res, 200, '{}'), 1500), 'timeout'],
  ])('fails closed on %s and logs its code', async (_name, fault, code) => {
    answer = (_body, res) => fault(res);
    const { answerCorrect, lines } = await verify(SIGNED_PASSKEY_DATA);
    expect(answerCorrect).toBe(false);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      extra: { outcome: 'verification_unavailable', error: { name: 'CorbadoBackendError', code } },
    });
  });

  it('fails closed when the secret cannot be read', async () => {
    const secret = { get: () => Promise.reject(new TriggerError('secret_unavailable', 'no access')) };
    const { answerCorrect, lines } = await verify(SIGNED_PASSKEY_DATA, {}, handlerWith(secret));
    expect(answerCorrect).toBe(false);
    expect(lines[0]?.extra).toMatchObject({ error: { code: 'secret_unavailable' } });
    expect(calls).toHaveLength(0);
  });

  it.each([
    ['an oversized answer', `${'a'.repeat(MAX_ANSWER_BYTES)}.b.c`, 'oversized_answer'],
    ['a non-JWT answer', '{"challenge":"chal-0"}', 'not_a_jwt'],
    ['a JWT with a fourth part', `${SIGNED_PASSKEY_DATA}.x`, 'not_a_jwt'],
    ['an empty answer', '', 'missing_answer'],
  ])('rejects %s without a network call', async (_name, bad, outcome) => {
    const { answerCorrect, lines } = await verify(bad);
    expect(answerCorrect).toBe(false);
    expect(lines[0]?.extra).toMatchObject({ outcome });
    expect(calls).toHaveLength(0);
  });

  describe('an unknown user takes the same path as a known one', () => {
    it('sends the answer to the Backend API and refuses it, even when Corbado says success', async () => {
      answer = (_body, res) => reply(res, 200, JSON.stringify({ verificationResult: 'success' }));
      const { answerCorrect, lines } = await verify(SIGNED_PASSKEY_DATA, { userNotFound: true });
      expect(calls).toEqual([
        {
          authorization: `Basic ${Buffer.from(`pro-1:${API_SECRET}`).toString('base64')}`,
          body: { signedPasskeyData: SIGNED_PASSKEY_DATA, username: USERNAME },
        },
      ]);
      expect(answerCorrect).toBe(false);
      expect(lines[0]?.extra).toMatchObject({ outcome: 'user_not_found' });
    });

    it('reads the secret as for a known user', async () => {
      let reads = 0;
      const secret = {
        get: () => {
          reads += 1;
          return Promise.resolve(API_SECRET);
        },
      };
      await verify(SIGNED_PASSKEY_DATA, { userNotFound: true }, handlerWith(secret));
      await verify(SIGNED_PASSKEY_DATA, {}, handlerWith(secret));
      expect(reads).toBe(2);
    });

    it('refuses a non-JWT answer locally, as for a known user', async () => {
      const { answerCorrect, lines } = await verify('{"challenge":"chal-0"}', { userNotFound: true });
      expect(answerCorrect).toBe(false);
      expect(lines[0]?.extra).toMatchObject({ outcome: 'not_a_jwt' });
      expect(calls).toHaveLength(0);
    });

    it('fails closed like a known user when the Backend API fails', async () => {
      answer = (_body, res) => reply(res, 500, '{}');
      const { answerCorrect, lines } = await verify(SIGNED_PASSKEY_DATA, { userNotFound: true });
      expect(answerCorrect).toBe(false);
      expect(lines[0]?.extra).toMatchObject({ outcome: 'verification_unavailable' });
    });
  });
});
