import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { Context } from 'aws-lambda';
import type { PasskeyMode } from '@cognito-passkeys/deployment/operations';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { captureStdout } from '../test/fixtures/emf';
import { createEvent, defineEvent, passkey, USERNAME, verifyEvent } from '../test/fixtures/events';
import type { SecretSource } from './ssm-parameter';
import { TriggerError } from './errors';
import { corbadoBackendFromSecret, MAX_ANSWER_BYTES } from './logic/verify-passkey-answer';
import { createTriggerMetrics } from './metrics';
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

/** A passkey mode port answering a fixed mode, counting the reads. */
function fixedMode(mode: PasskeyMode) {
  const port = {
    reads: 0,
    get: () => {
      port.reads += 1;
      return Promise.resolve(mode);
    },
  };
  return port;
}

let stdout: ReturnType<typeof captureStdout>;
beforeEach(() => {
  stdout = captureStdout();
});
afterEach(() => {
  stdout.stop();
});

/** The metrics one invocation emitted, as `name{dimension=value}` labels. */
const emittedLabels = () =>
  stdout.emitted().flatMap((emitted) =>
    Object.keys(emitted.metrics).map((name) => {
      const extra = Object.entries(emitted.dimensions).filter(([key]) => key !== 'service');
      return extra.length === 0 ? name : `${name}{${extra.map(([k, v]) => `${k}=${String(v)}`).join(',')}}`;
    }),
  );

describe('define-auth-challenge', () => {
  function defineWith(mode: PasskeyMode = 'on') {
    const passkeyMode = fixedMode(mode);
    const logger = capturingLogger();
    const handler = createDefineAuthChallengeHandler(
      { maxPasskeyAttempts: 3 },
      { logger, passkeyMode, metrics: createTriggerMetrics(logger) },
    );
    return { handler, passkeyMode, logger };
  }

  it('starts with a custom challenge and counts a started sign-in', async () => {
    const { handler } = defineWith();
    const event = await run(handler, defineEvent([]));
    expect(event.response).toEqual({
      challengeName: 'CUSTOM_CHALLENGE',
      issueTokens: false,
      failAuthentication: false,
    });
    expect(stdout.emitted()).toEqual([
      {
        namespace: 'CognitoPasskeys',
        dimensionSets: [['service']],
        dimensions: { service: 'cognito-passkeys' },
        metrics: { PasskeySignInStarted: { unit: 'Count', value: 1 } },
      },
    ]);
  });

  it('issues tokens after a verified passkey, and counts no new start', async () => {
    const { handler } = defineWith();
    const event = await run(handler, defineEvent([passkey(true)]));
    expect(event.response.issueTokens).toBe(true);
    expect(event.response.failAuthentication).toBe(false);
    expect(emittedLabels()).toEqual([]);
  });

  it('challenges again after a wrong answer, without counting a new start', async () => {
    const { handler } = defineWith();
    const event = await run(handler, defineEvent([passkey(false)]));
    expect(event.response.challengeName).toBe('CUSTOM_CHALLENGE');
    expect(emittedLabels()).toEqual([]);
  });

  it('fails after the attempt limit, counts why, and does not read the mode', async () => {
    const { handler, passkeyMode } = defineWith();
    const event = await run(handler, defineEvent([passkey(false), passkey(false), passkey(false)]));
    expect(event.response.issueTokens).toBe(false);
    expect(event.response.failAuthentication).toBe(true);
    expect(emittedLabels()).toEqual(['PasskeySignInFailed{outcome=attempts_exhausted}']);
    expect(passkeyMode.reads).toBe(0);
  });

  it('fails a foreign session without reading the mode or counting a passkey failure', async () => {
    const { handler, passkeyMode } = defineWith();
    const srp = { challengeName: 'SRP_A' as const, challengeResult: true };
    const event = await run(handler, defineEvent([srp]));
    expect(event.response.failAuthentication).toBe(true);
    expect(passkeyMode.reads).toBe(0);
    expect(emittedLabels()).toEqual([]);
  });

  it('challenges an unknown user like a known one (no user-existence signal)', async () => {
    const { handler } = defineWith();
    const event = await run(handler, defineEvent([], { userNotFound: true }));
    expect(event.response.challengeName).toBe('CUSTOM_CHALLENGE');
  });

  describe('the kill switch', () => {
    const sessions = [
      ['a new sign-in', []],
      ['a verified answer (challenge issued before a flip, answered after it)', [passkey(true)]],
      ['a wrong answer with tries left', [passkey(false)]],
    ] as const;

    it.each(
      (['on', 'login-only'] as const).flatMap((mode) =>
        sessions.map(([name, session]) => [mode, name, session] as const),
      ),
    )('%s lets %s go on', async (mode, _name, session) => {
      const { handler, passkeyMode } = defineWith(mode);
      const event = await run(handler, defineEvent([...session]));
      expect(event.response.failAuthentication).toBe(false);
      expect(passkeyMode.reads).toBe(1);
      expect(emittedLabels()).not.toContain('PasskeySignInFailed{outcome=passkeys_disabled}');
    });

    it.each(
      (['off', 'append-only'] as const).flatMap((mode) =>
        sessions.map(([name, session]) => [mode, name, session] as const),
      ),
    )('%s fails %s, with no tokens', async (mode, _name, session) => {
      const { handler, logger } = defineWith(mode);
      const event = await run(handler, defineEvent([...session]));
      expect(event.response).toMatchObject({ issueTokens: false, failAuthentication: true });
      expect(event.response.challengeName).toBeUndefined();
      expect(emittedLabels()).toEqual(['PasskeySignInFailed{outcome=passkeys_disabled}']);
      expect(logger.lines).toEqual([
        {
          level: 'info',
          message: 'define-auth-challenge',
          extra: { next: 'fail', reason: 'passkeys_disabled', mode, attempts: session.length },
        },
      ]);
    });
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
      { logger, metrics: createTriggerMetrics(logger) },
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

  describe('metrics', () => {
    const latency = () =>
      stdout
        .emitted()
        .map((emitted) => emitted.metrics.PasskeyVerifyLatency)
        .filter((metric) => metric !== undefined);

    it('counts a success, the Backend API call and the latency in one document', async () => {
      await verify(SIGNED_PASSKEY_DATA);
      const [emitted, ...others] = stdout.emitted();
      expect(others).toEqual([]);
      expect(emitted).toMatchObject({
        namespace: 'CognitoPasskeys',
        dimensionSets: [['service']],
        dimensions: { service: 'cognito-passkeys' },
        metrics: {
          CorbadoBackendApiCalls: { unit: 'Count', value: 1 },
          PasskeySignInSucceeded: { unit: 'Count', value: 1 },
          PasskeyVerifyLatency: { unit: 'Milliseconds', value: expect.any(Number) as number },
        },
      });
      expect(Object.keys(emitted?.metrics ?? {})).toHaveLength(3);
    });

    it.each(['invalid_signature', 'invalid_challenge', 'user_mismatch', 'generic_error'])(
      'counts a refused answer (%s) with its outcome',
      async (result) => {
        answer = (_body, res) => reply(res, 200, JSON.stringify({ verificationResult: result }));
        await verify(SIGNED_PASSKEY_DATA);
        expect(emittedLabels()).toEqual([
          `PasskeySignInFailed{outcome=${result}}`,
          'CorbadoBackendApiCalls',
          'PasskeyVerifyLatency',
        ]);
      },
    );

    it.each([
      ['a 500', (res: ServerResponse) => reply(res, 500, '{}'), 'server_error'],
      ['a 401', (res: ServerResponse) => reply(res, 401, '{}'), 'unauthorized'],
      ['a 400', (res: ServerResponse) => reply(res, 400, '{}'), 'bad_request'],
      ['a malformed body', (res: ServerResponse) => reply(res, 200, '<html>'), 'malformed_response'],
      [
        'a slow answer',
        (res: ServerResponse) => void setTimeout(() => reply(res, 200, '{}'), 1500),
        'timeout',
      ],
      ['a dropped connection', (res: ServerResponse) => res.socket?.destroy(), 'network_error'],
    ])('counts a failed call on %s with its reason', async (_name, fault, reason) => {
      answer = (_body, res) => fault(res);
      await verify(SIGNED_PASSKEY_DATA);
      expect(emittedLabels()).toEqual([
        `CorbadoBackendApiErrors{reason=${reason}}`,
        'PasskeySignInFailed{outcome=verification_unavailable}',
        'CorbadoBackendApiCalls',
        'PasskeyVerifyLatency',
      ]);
    });

    it('counts no Backend API call when the secret cannot be read', async () => {
      const secret = { get: () => Promise.reject(new TriggerError('secret_unavailable', 'no access')) };
      await verify(SIGNED_PASSKEY_DATA, {}, handlerWith(secret));
      expect(emittedLabels()).toEqual([
        'PasskeySignInFailed{outcome=verification_unavailable}',
        'PasskeyVerifyLatency',
      ]);
    });

    it.each([
      ['a non-JWT answer', '{"challenge":"chal-0"}', 'not_a_jwt'],
      ['an empty answer', '', 'missing_answer'],
    ])('counts %s refused locally, without a call', async (_name, bad, outcome) => {
      await verify(bad);
      expect(emittedLabels()).toEqual([`PasskeySignInFailed{outcome=${outcome}}`, 'PasskeyVerifyLatency']);
    });

    it("counts an unknown user's refused answer as user_not_found, with its call", async () => {
      answer = (_body, res) => reply(res, 200, JSON.stringify({ verificationResult: 'success' }));
      await verify(SIGNED_PASSKEY_DATA, { userNotFound: true });
      expect(emittedLabels()).toEqual([
        'PasskeySignInFailed{outcome=user_not_found}',
        'CorbadoBackendApiCalls',
        'PasskeyVerifyLatency',
      ]);
    });

    it('times the whole invocation, the Backend API call included', async () => {
      answer = (_body, res) =>
        void setTimeout(() => reply(res, 200, JSON.stringify({ verificationResult: 'success' })), 50);
      await verify(SIGNED_PASSKEY_DATA);
      // A lower bound only (a slow machine makes it larger, never smaller): the call is inside the span.
      expect(latency()[0]?.value).toBeGreaterThanOrEqual(40);
    });
  });

  describe('a user whose passkeys an administrator blocked', () => {
    const blocked = { userAttributes: { 'custom:passkeys_blocked': 'true' } };

    it('is refused without a Backend API call, even for an answer Corbado would accept', async () => {
      const { answerCorrect, lines } = await verify(SIGNED_PASSKEY_DATA, blocked);
      expect(answerCorrect).toBe(false);
      expect(calls).toHaveLength(0);
      expect(lines).toEqual([
        {
          level: 'info',
          message: 'verify-auth-challenge-response',
          extra: { outcome: 'user_blocked', username: USERNAME },
        },
      ]);
      expect(emittedLabels()).toEqual(['PasskeySignInFailed{outcome=user_blocked}', 'PasskeyVerifyLatency']);
    });

    it('does not need the secret', async () => {
      let reads = 0;
      const secret = {
        get: () => {
          reads += 1;
          return Promise.resolve(API_SECRET);
        },
      };
      await verify(SIGNED_PASSKEY_DATA, blocked, handlerWith(secret));
      expect(reads).toBe(0);
    });

    it.each(['false', 'TRUE', '', 'yes'])('is not blocked by the value %j', async (value) => {
      const { answerCorrect } = await verify(SIGNED_PASSKEY_DATA, {
        userAttributes: { 'custom:passkeys_blocked': value },
      });
      expect(answerCorrect).toBe(true);
      expect(calls).toHaveLength(1);
    });
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
