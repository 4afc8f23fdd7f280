// Figures for a password sign-in's SRP through local-aws: InitiateAuth(USER_SRP_AUTH) +
// RespondToAuthChallenge(PASSWORD_VERIFIER) with the official SDK client, the client side computed as
// Amplify's AuthenticationHelper computes it. Side by side in the same run: the server's four modular
// exponentiations per sign-in by OpenSSL (what local-aws does) and by the pure-BigInt square-and-multiply
// it used before, kept here only as the baseline. Bounded: a fixed number of sign-ins. Prints; never
// fails on time.
// Over 300 lines on purpose: the baseline (the former pure-BigInt arithmetic) lives only here, beside the
// SRP client math, so the comparison needs no test hook in shipped code.
import {
  createDiffieHellman,
  createHash,
  createHmac,
  getDiffieHellman,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { start, type LocalAws } from '@cognito-passkeys/local-aws';

import { higherIsBetter, percentile, type Bench, type BenchRow } from './table';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const MATH_ROUNDS = Math.max(5, Math.round(ITERATIONS / 10));
const POOL_ID = 'us-east-1_BenchSrp';
const CLIENT_ID = 'benchsrpclient000000000001';
const PASSWORD = 'Correct-Horse-9-Battery';
/** The operator's key: local-aws answers admin operations only when a configured principal signs them. */
export const BENCH_ADMIN = {
  accessKeyId: 'AKIABENCHADMIN000001',
  secretAccessKey: 'bench-admin-secret',
  arn: 'arn:aws:iam::000000000000:user/bench-admin',
};

// The RFC 5054 3072-bit group (RFC 3526 group 15) that Cognito's SRP uses, g = 2.
const PRIME = getDiffieHellman('modp15').getPrime();
const N = BigInt(`0x${PRIME.toString('hex')}`);
const g = 2n;

const toBig = (hex: string): bigint => (hex === '' ? 0n : BigInt(`0x${hex}`));
/** Amplify's `getPaddedHex` for non-negative values. */
function padHex(value: bigint): string {
  let hex = value.toString(16);
  if (hex.length % 2 !== 0) hex = `0${hex}`;
  return /^[89a-f]/i.test(hex) ? `00${hex}` : hex;
}
const hashHex = (hex: string): bigint =>
  toBig(createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex'));
const k = hashHex(padHex(N) + padHex(g));

/** The server's exponentiations before: BigInt square-and-multiply (the baseline, nothing else uses it). */
function bigintModPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = ((base % modulus) + modulus) % modulus;
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % modulus;
    e >>= 1n;
    b = (b * b) % modulus;
  }
  return result;
}

/** base^exponent mod N by OpenSSL, as local-aws computes it now (and as this bench's client does). */
function opensslModPow(base: bigint, exponent: bigint): bigint {
  const bytes = (value: bigint): Buffer => {
    const hex = value.toString(16);
    return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, 'hex');
  };
  const dh = createDiffieHellman(PRIME, 2);
  dh.setPrivateKey(bytes(exponent));
  return toBig((base === g ? dh.generateKeys() : dh.computeSecret(bytes(base % N))).toString('hex'));
}

/**
 * The exponentiations the server makes for one SRP sign-in: the unknown-user fake verifier g^x, the
 * ephemeral g^b, then v^u and (A·v^u)^b. Returns the last, so both implementations can be compared.
 */
function serverMath(pow: (base: bigint, exponent: bigint) => bigint, input: SrpInput): bigint {
  pow(g, input.x);
  pow(g, input.b);
  const vu = pow(input.v, input.u);
  return pow((input.A * vu) % N, input.b);
}
interface SrpInput {
  x: bigint;
  b: bigint;
  v: bigint;
  u: bigint;
  A: bigint;
}
const randomInput = (): SrpInput => ({
  x: toBig(randomBytes(32).toString('hex')),
  b: toBig(randomBytes(128).toString('hex')),
  v: toBig(randomBytes(383).toString('hex')),
  u: toBig(randomBytes(32).toString('hex')),
  A: toBig(randomBytes(383).toString('hex')),
});

/** Amplify's `getNowString`: `ddd MMM D HH:mm:ss UTC YYYY`. */
function nowString(now = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][now.getUTCDay()];
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][
    now.getUTCMonth()
  ];
  return `${weekday} ${month} ${now.getUTCDate()} ${two(now.getUTCHours())}:${two(now.getUTCMinutes())}:${two(now.getUTCSeconds())} UTC ${now.getUTCFullYear()}`;
}

/**
 * One password sign-in with SRP, the client's side as Amplify's AuthenticationHelper computes it:
 * A = g^a; u = H(A | B); x = H(salt | H(poolName | userId | ":" | password)); S = (B - k·g^x)^(a + u·x);
 * key = HKDF(S, u, "Caldera Derived Key"); claim = HMAC(key, poolName | userId | secretBlock | timestamp).
 */
export async function srpSignIn(
  cognito: CognitoIdentityProviderClient,
  clientId: string,
  poolId: string,
  username: string,
  password: string,
): Promise<void> {
  const a = toBig(randomBytes(128).toString('hex'));
  const A = opensslModPow(g, a);
  const challenge = await cognito.send(
    new InitiateAuthCommand({
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: clientId,
      AuthParameters: { USERNAME: username, SRP_A: A.toString(16) },
    }),
  );
  const params = challenge.ChallengeParameters ?? {};
  const userId = params.USER_ID_FOR_SRP ?? username;
  const B = toBig(params.SRP_B ?? '');
  const poolName = poolId.split('_')[1] ?? '';
  const u = hashHex(padHex(A) + padHex(B));
  const inner = createHash('sha256').update(`${poolName}${userId}:${password}`).digest('hex');
  const x = hashHex(padHex(toBig(params.SALT ?? '')) + inner);
  const base = (((B - k * opensslModPow(g, x)) % N) + N) % N;
  const S = opensslModPow(base, a + u * x);
  const key = Buffer.from(
    hkdfSync(
      'sha256',
      Buffer.from(padHex(S), 'hex'),
      Buffer.from(padHex(u), 'hex'),
      'Caldera Derived Key',
      16,
    ),
  );
  const timestamp = nowString();
  const signature = createHmac('sha256', key)
    .update(
      Buffer.concat([
        Buffer.from(poolName),
        Buffer.from(userId),
        Buffer.from(params.SECRET_BLOCK ?? '', 'base64'),
        Buffer.from(timestamp),
      ]),
    )
    .digest('base64');
  const done = await cognito.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: 'PASSWORD_VERIFIER',
      Session: challenge.Session,
      ChallengeResponses: {
        USERNAME: userId,
        PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK ?? '',
        TIMESTAMP: timestamp,
        PASSWORD_CLAIM_SIGNATURE: signature,
      },
    }),
  );
  if (!done.AuthenticationResult?.IdToken) throw new Error('the SRP sign-in gave no tokens');
}

/** Runs `once` ITERATIONS times, CONCURRENCY at a time: per-second throughput and latency percentiles. */
export async function measure(
  once: () => Promise<void>,
): Promise<{ perSecond: number; p50: number; p95: number }> {
  const samples: number[] = [];
  let next = 0;
  const began = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ITERATIONS) {
        next += 1;
        const started = performance.now();
        await once();
        samples.push(performance.now() - started);
      }
    }),
  );
  const seconds = (performance.now() - began) / 1000;
  samples.sort((x, y) => x - y);
  return {
    perSecond: samples.length / seconds,
    p50: percentile(samples, 0.5),
    p95: percentile(samples, 0.95),
  };
}

/** A local-aws with one SRP-enabled client and one user with a permanent password. */
export async function startSrpPool(): Promise<{
  aws: LocalAws;
  cognito: CognitoIdentityProviderClient;
  email: string;
}> {
  const aws = await start({
    log: () => undefined,
    config: {
      userPools: [
        {
          id: POOL_ID,
          name: 'bench-srp',
          usernameAttributes: ['email'],
          clients: [
            {
              id: CLIENT_ID,
              name: 'bench',
              explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
            },
          ],
        },
      ],
      principals: [BENCH_ADMIN],
    },
  });
  const cognito = new CognitoIdentityProviderClient({
    region: 'us-east-1',
    endpoint: aws.url,
    credentials: { accessKeyId: BENCH_ADMIN.accessKeyId, secretAccessKey: BENCH_ADMIN.secretAccessKey },
  });
  const email = 'srp-bench@example.com';
  await cognito.send(
    new AdminCreateUserCommand({
      UserPoolId: POOL_ID,
      Username: email,
      MessageAction: 'SUPPRESS',
      UserAttributes: [{ Name: 'email', Value: email }],
    }),
  );
  await cognito.send(
    new AdminSetUserPasswordCommand({
      UserPoolId: POOL_ID,
      Username: email,
      Password: PASSWORD,
      Permanent: true,
    }),
  );
  return { aws, cognito, email };
}

export const SRP_POOL = { poolId: POOL_ID, clientId: CLIENT_ID, password: PASSWORD };

export const run: Bench = async () => {
  // The server's SRP arithmetic per sign-in, both ways on the same inputs, interleaved.
  const inputs = Array.from({ length: MATH_ROUNDS }, randomInput);
  let opensslMs = 0;
  let bigintMs = 0;
  for (const input of inputs) {
    let started = performance.now();
    const fast = serverMath((base, exponent) => opensslModPow(base, exponent), input);
    opensslMs += performance.now() - started;
    started = performance.now();
    const slow = serverMath((base, exponent) => bigintModPow(base, exponent, N), input);
    bigintMs += performance.now() - started;
    if (fast !== slow) throw new Error('OpenSSL and BigInt disagree on the SRP arithmetic');
  }
  const perSignInOpenssl = opensslMs / inputs.length;
  const perSignInBigint = bigintMs / inputs.length;

  const { aws, cognito, email } = await startSrpPool();
  let signIns: Awaited<ReturnType<typeof measure>>;
  try {
    await srpSignIn(cognito, CLIENT_ID, POOL_ID, email, PASSWORD); // warm-up
    signIns = await measure(() => srpSignIn(cognito, CLIENT_ID, POOL_ID, email, PASSWORD));
  } finally {
    cognito.destroy();
    await aws.stop();
  }
  // Client and server share this one thread, so a sign-in costs its measured time plus whatever the
  // old arithmetic would add: the same sign-ins with BigInt exponentiations on the server.
  const bigintSignInsPerSecond = 1 / (1 / signIns.perSecond + (perSignInBigint - perSignInOpenssl) / 1000);

  const rows: BenchRow[] = [
    higherIsBetter({
      name: 'SRP server arithmetic per password sign-in (OpenSSL)',
      value: 1000 / perSignInOpenssl,
      baseline: 1000 / perSignInBigint,
      baselineName: 'pure-BigInt modPow',
      unit: 'sign-ins/s',
      goal: '≥ 5',
      note: `${inputs.length} sign-ins' 4 exponentiations mod the 3072-bit N: ${perSignInOpenssl.toFixed(1)} ms vs ${perSignInBigint.toFixed(1)} ms`,
    }),
    higherIsBetter({
      name: 'SRP password sign-in through local-aws (SDK, Amplify client math)',
      value: signIns.perSecond,
      baseline: bigintSignInsPerSecond,
      baselineName: 'same, server arithmetic by BigInt',
      unit: 'sign-ins/s',
      note: `n=${ITERATIONS} c=${CONCURRENCY} p50=${signIns.p50.toFixed(1)}ms p95=${signIns.p95.toFixed(1)}ms; baseline = measured time + the BigInt arithmetic's extra`,
    }),
  ];
  return rows;
};

if (fileURLToPath(import.meta.url) === resolve(process.argv[1] ?? '')) {
  for (const row of await run()) console.log(JSON.stringify(row));
}
