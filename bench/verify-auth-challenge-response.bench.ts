// Figures for the verify-auth-challenge-response trigger when warm: the real handler (answer checks, the
// real Backend API client, the structured logger formatting its line, Powertools Metrics serializing its
// EMF documents) over a real HTTP round trip to a
// Backend API stand-in on 127.0.0.1, against a bare `fetch` of the same stand-in with the same body, the
// two measured alternately in one loop so they share the machine. Bounded: a fixed number of calls.
// Prints; never fails on time.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import {
  corbadoBackendFromSecret,
  createLogger,
  createTriggerMetrics,
  createVerifyAuthChallengeResponseHandler,
} from '@cognito-passkeys/cognito-triggers';
import type { Context, VerifyAuthChallengeResponseTriggerEvent } from 'aws-lambda';

import { lowerIsBetter, percentile, signed, type Bench } from './table';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const SIGNED_PASSKEY_DATA = 'eyJhbGciOiJSUzI1NiJ9.eyJ3ZWJhdXRobklkIjoiYWxpY2UifQ.c2lnbmF0dXJl';
const USERNAME = '70b11697-7a1b-40e1-bf10-ad4dde02f230';

function event(answer: string): VerifyAuthChallengeResponseTriggerEvent {
  return {
    version: '1',
    region: 'us-east-1',
    userPoolId: 'us-east-1_BenchPool',
    userName: USERNAME,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'benchclient' },
    triggerSource: 'VerifyAuthChallengeResponse_Authentication',
    request: { userAttributes: {}, privateChallengeParameters: {}, challengeAnswer: answer },
    response: { answerCorrect: false },
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

export const run: Bench = async () => {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"verificationResult":"success"}');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const logger = createLogger('verify-auth-challenge-response', { write: () => undefined });
    const handler = createVerifyAuthChallengeResponseHandler(
      corbadoBackendFromSecret({
        baseUrl,
        projectId: 'pro-1',
        timeoutMs: 3000,
        apiSecret: { get: () => Promise.resolve('corbado1_bench') },
      }),
      { logger, metrics: createTriggerMetrics(logger) },
    );
    const context = {} as Context;
    const verify = async (answer: string) => {
      const answered = (await handler(event(answer), context, () => undefined)) as
        VerifyAuthChallengeResponseTriggerEvent | undefined;
      if (answer === SIGNED_PASSKEY_DATA && answered?.response.answerCorrect !== true)
        throw new Error('the stand-in refused a valid answer');
    };
    const bareBody = JSON.stringify({ signedPasskeyData: SIGNED_PASSKEY_DATA, username: USERNAME });
    const bare = async () => {
      const response = await fetch(`${baseUrl}/v2/passkey/verifySignedData`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: bareBody,
      });
      await response.text();
    };

    // The EMF documents Powertools Metrics writes per invocation (serialized as on Lambda) go to a discarded
    // sink instead of thousands of lines on the terminal.
    const stdoutWrite = process.stdout.write.bind(process.stdout);
    process.stdout.write = () => true;
    const verifyTimes: number[] = [];
    const bareTimes: number[] = [];
    const refusedTimes: number[] = [];
    try {
      // Warm-up: connections open, code compiled.
      for (let i = 0; i < 50; i += 1) {
        await verify(SIGNED_PASSKEY_DATA);
        await bare();
      }
      for (let i = 0; i < ITERATIONS; i += 1) {
        verifyTimes.push(await timed(() => verify(SIGNED_PASSKEY_DATA)));
        bareTimes.push(await timed(bare));
        refusedTimes.push(await timed(() => verify('{"not":"a jwt"}')));
      }
    } finally {
      process.stdout.write = stdoutWrite;
    }
    for (const times of [verifyTimes, bareTimes, refusedTimes]) times.sort((a, b) => a - b);
    const p50 = (times: number[]) => percentile(times, 0.5);
    const p95 = (times: number[]) => percentile(times, 0.95);
    return [
      lowerIsBetter({
        name: 'warm verify (p50): Backend API round trip',
        value: p50(verifyTimes),
        baseline: p50(bareTimes),
        baselineName: 'bare loopback fetch, same stand-in',
        unit: 'ms',
        note: `${signed(p50(verifyTimes) - p50(bareTimes), 3)} ms overhead; p95 ${p95(verifyTimes).toFixed(2)} vs ${p95(bareTimes).toFixed(2)} ms; n=${ITERATIONS} each, alternating`,
      }),
      lowerIsBetter({
        name: 'warm verify (p50): non-JWT answer, refused locally',
        value: p50(refusedTimes),
        baseline: p50(bareTimes),
        baselineName: 'bare loopback fetch, same stand-in',
        unit: 'ms',
        note: `no network call; n=${ITERATIONS}`,
      }),
    ];
  } finally {
    server.closeAllConnections();
    server.close();
  }
};

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
