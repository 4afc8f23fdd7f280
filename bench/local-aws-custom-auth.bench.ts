// Figures for a passkey sign-in's Cognito half on the local stack: InitiateAuth(CUSTOM_AUTH) +
// RespondToAuthChallenge through local-aws, running the project's real define / create / verify trigger
// handlers as deployed (the deployment definition: each in its own environment with exactly its keys; verify reads its secret from local-aws's SSM, signed with a principal's key, and
// calls a Backend API stand-in on 127.0.0.1 that answers `success`). Side by side in the same run: an SRP
// password sign-in through a local-aws of its own, the sign-in the passkey one replaces. Bounded: a fixed
// number of sign-ins. Prints; never fails on time.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { environmentValues, localFunctions, localUserPool } from '@cognito-passkeys/deployment';
import { start } from '@cognito-passkeys/local-aws';

import { BENCH_ADMIN, measure, SRP_POOL, srpSignIn, startSrpPool } from './local-aws-srp.bench';
import { higherIsBetter, type Bench } from './table';

const POOL_ID = 'us-east-1_BenchPool';
const CLIENT_ID = 'benchclient000000000000001';
const SECRET_PARAMETER = '/bench/corbado-api-secret';

export const run: Bench = async () => {
  const corbado = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"verificationResult":"success"}'),
    );
  });
  await new Promise<void>((done) => corbado.listen(0, '127.0.0.1', done));
  const corbadoUrl = `http://127.0.0.1:${(corbado.address() as AddressInfo).port}`;

  const aws = await start({
    log: () => undefined,
    config: {
      functions: localFunctions(
        environmentValues({
          corbadoProjectId: 'pro-1',
          corbadoBackendApiUrl: corbadoUrl,
          corbadoApiSecretParameter: SECRET_PARAMETER,
        }),
        { accessKeyId: BENCH_ADMIN.accessKeyId },
      ),
      userPools: [
        localUserPool({ poolId: POOL_ID, poolName: 'bench', clientId: CLIENT_ID, clientName: 'bench' }),
      ],
      parameters: [{ name: SECRET_PARAMETER, type: 'SecureString', value: 'corbado1_bench' }],
      principals: [BENCH_ADMIN],
    },
  });
  const srp = await startSrpPool();

  const cognito = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: aws.url,
    credentials: { accessKeyId: BENCH_ADMIN.accessKeyId, secretAccessKey: BENCH_ADMIN.secretAccessKey },
  });
  const email = 'bench@example.com';
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: POOL_ID,
        Username: email,
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );

    const customAuthSignIn = async (): Promise<void> => {
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
    };
    const passwordSignIn = () =>
      srpSignIn(srp.cognito, SRP_POOL.clientId, SRP_POOL.poolId, srp.email, SRP_POOL.password);

    await customAuthSignIn(); // the cold start: handlers imported, secret read
    await passwordSignIn();
    const custom = await measure(customAuthSignIn);
    const password = await measure(passwordSignIn);
    const rss = process.memoryUsage().rss / 1024 / 1024;
    return [
      higherIsBetter({
        name: 'custom-auth sign-in through local-aws (real triggers, SDK)',
        value: custom.perSecond,
        baseline: password.perSecond,
        baselineName: 'SRP password sign-in, same machine',
        unit: 'sign-ins/s',
        note: `p50=${custom.p50.toFixed(1)}ms p95=${custom.p95.toFixed(1)}ms vs p50=${password.p50.toFixed(1)}ms; rss=${rss.toFixed(0)}MiB`,
      }),
    ];
  } finally {
    cognito.destroy();
    srp.cognito.destroy();
    await aws.stop();
    await srp.aws.stop();
    corbado.close();
  }
};

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
