// Figures for a passkey sign-in's Cognito half on the local stack: InitiateAuth(CUSTOM_AUTH) +
// RespondToAuthChallenge through local-aws, running the project's real define / create / verify trigger
// handlers in-process (verify reads its secret from local-aws's SSM and calls a Backend API stand-in on
// 127.0.0.1 that answers `success`). Bounded: a fixed number of sign-ins, then it stops. Prints only.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { ENV } from '@cognito-passkeys/cognito-triggers/config';
import { start } from '@cognito-passkeys/local-aws';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 300);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const POOL_ID = 'us-east-1_BenchPool';
const CLIENT_ID = 'benchclient000000000000001';
const HANDLERS = '@cognito-passkeys/cognito-triggers/handlers';

const corbado = createServer((req, res) => {
  req.resume();
  req.on('end', () =>
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"verificationResult":"success"}'),
  );
});
await new Promise<void>((resolve) => corbado.listen(0, '127.0.0.1', resolve));
const corbadoUrl = `http://127.0.0.1:${(corbado.address() as AddressInfo).port}`;

const aws = await start({
  log: () => undefined,
  config: {
    functions: {
      define: { module: `${HANDLERS}/define-auth-challenge` },
      create: { module: `${HANDLERS}/create-auth-challenge` },
      verify: { module: `${HANDLERS}/verify-auth-challenge-response` },
    },
    userPools: [
      {
        id: POOL_ID,
        name: 'bench',
        usernameAttributes: ['email'],
        lambdaConfig: {
          DefineAuthChallenge: 'define',
          CreateAuthChallenge: 'create',
          VerifyAuthChallengeResponse: 'verify',
        },
        clients: [
          {
            id: CLIENT_ID,
            name: 'bench',
            explicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
          },
        ],
      },
    ],
    parameters: [{ name: '/bench/corbado-api-secret', type: 'SecureString', value: 'corbado1_bench' }],
  },
});

Object.assign(process.env, {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_ENDPOINT_URL_SSM: aws.url,
  POWERTOOLS_LOG_LEVEL: 'ERROR',
  [ENV.corbadoProjectId]: 'pro-1',
  [ENV.corbadoBackendApiUrl]: corbadoUrl,
  [ENV.corbadoApiSecretParameter]: '/bench/corbado-api-secret',
});

const cognito = new CognitoIdentityProviderClient({
  region: 'us-east-1',
  endpoint: aws.url,
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const email = 'bench@example.com';
await cognito.send(
  new AdminCreateUserCommand({
    UserPoolId: POOL_ID,
    Username: email,
    MessageAction: 'SUPPRESS',
    UserAttributes: [{ Name: 'email', Value: email }],
  }),
);

async function signInOnce(): Promise<number> {
  const started = performance.now();
  const challenge = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'CUSTOM_AUTH',
      ClientId: CLIENT_ID,
      AuthParameters: { USERNAME: email },
    }),
  );
  const done = await cognito.send(
    new RespondToAuthChallengeCommand({
      ClientId: CLIENT_ID,
      ChallengeName: 'CUSTOM_CHALLENGE',
      Session: challenge.Session,
      ChallengeResponses: {
        USERNAME: challenge.ChallengeParameters?.USERNAME ?? email,
        ANSWER: 'eyJhbGciOiJSUzI1NiJ9.eyJ3ZWJhdXRobklkIjoiYmVuY2gifQ.c2ln',
      },
    }),
  );
  if (!done.AuthenticationResult?.IdToken) throw new Error('the sign-in gave no tokens');
  return performance.now() - started;
}

await signInOnce(); // the cold start: handlers imported, secret read
const samples: number[] = [];
let next = 0;
const began = performance.now();
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < ITERATIONS) {
      next += 1;
      samples.push(await signInOnce());
    }
  }),
);
const seconds = (performance.now() - began) / 1000;
samples.sort((a, b) => a - b);
const pct = (p: number) =>
  (samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] ?? 0).toFixed(1);
console.log(
  `custom-auth sign-in (local-aws + real triggers)  n=${samples.length} c=${CONCURRENCY} p50=${pct(0.5)}ms ` +
    `p95=${pct(0.95)}ms p99=${pct(0.99)}ms throughput=${(samples.length / seconds).toFixed(0)}/s ` +
    `rss=${(process.memoryUsage().rss / 1024 / 1024).toFixed(1)}MiB`,
);

cognito.destroy();
await aws.stop();
corbado.close();
