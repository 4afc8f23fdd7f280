// Figures for the verify-auth-challenge-response trigger: latency percentiles and throughput of the real
// handler logic (answer checks, the real Backend API client, a real HTTP round trip) against a Backend
// API stand-in on 127.0.0.1. Bounded: a fixed number of invocations, then it stops. Prints; never fails
// on time.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

import { verifyPasskeyAnswer } from '@cognito-passkeys/cognito-triggers';
import { createCorbadoBackend } from '@cognito-passkeys/corbado-backend';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const SIGNED_PASSKEY_DATA = 'eyJhbGciOiJSUzI1NiJ9.eyJ3ZWJhdXRobklkIjoiYWxpY2UifQ.c2lnbmF0dXJl';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"verificationResult":"success"}');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const backend = createCorbadoBackend({ baseUrl, projectId: 'pro-1', apiSecret: 'corbado1_bench' });

async function once(answer: string): Promise<number> {
  const started = performance.now();
  const { answerCorrect } = await verifyPasskeyAnswer(
    { answer, username: 'alice', userNotFound: false },
    () => Promise.resolve(backend),
  );
  if (answer === SIGNED_PASSKEY_DATA && !answerCorrect)
    throw new Error('the stand-in refused a valid answer');
  return performance.now() - started;
}

async function run(label: string, answer: string): Promise<void> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ITERATIONS) {
        next += 1;
        samples.push(await once(answer));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  samples.sort((a, b) => a - b);
  const pct = (p: number) =>
    (samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0).toFixed(2);
  console.log(
    `${label.padEnd(34)} n=${samples.length} c=${CONCURRENCY} p50=${pct(0.5)}ms p95=${pct(0.95)}ms ` +
      `p99=${pct(0.99)}ms throughput=${(samples.length / seconds).toFixed(0)}/s`,
  );
}

await run('verify (HTTP round trip)', SIGNED_PASSKEY_DATA);
await run('verify (non-JWT, refused locally)', '{"not":"a jwt"}');
const rss = process.memoryUsage().rss / 1024 / 1024;
console.log(`rss=${rss.toFixed(1)} MiB`);

server.closeAllConnections();
server.close();
