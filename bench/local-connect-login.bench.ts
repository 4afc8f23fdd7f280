// Figures for local-connect's passkey login: complete logins (login/init + login/start + login/finish)
// and login/finish alone, through the real HTTP Frontend API with the software authenticator, against raw
// ES256 (P-256) verifies with node:crypto measured in the same run. A login's own floor is one ES256
// verify, so the ratio says how much the server adds around it. A third row measures the floor: a bare
// node:http server doing only one verify and one sign per answer, the most any Node server could reach.
//
// The server runs in a child process of its own and is charged by its CPU time (user + system, every
// thread), so a figure is "per core-second" and means the same on a busy 2-core runner as on a laptop;
// the client (this process: HTTP requests, the authenticator's signatures) is not charged. Bounded: a
// fixed number of logins, then it stops. Prints; never fails on time.
// Over 300 lines on purpose: the server under test, the raw ES256 baseline and the bare-HTTP floor are all
// measured here in child processes charged their own CPU, so the three rows are comparable.
import { fork, type ChildProcess } from 'node:child_process';
import { createHash, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

import { start } from '@cognito-passkeys/local-connect';
import { SoftwareAuthenticator } from '@cognito-passkeys/local-connect/software-authenticator';

import { higherIsBetter, type Bench, type BenchRow } from './table';

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const WARMUP = Math.min(300, ITERATIONS);
const SERVE_FLAG = '--serve-local-connect';
const PROJECT_ID = 'pro-1';
const API_SECRET = 'corbado1_bench';
const ORIGIN = 'http://localhost:3000';
const USERNAME = 'bench-user';

type ServerMessage = { url: string; floorUrl: string } | { cpuMs: number };

/**
 * The floor under any login/finish written for Node: a bare node:http server that reads a JSON body of an
 * assertion's size, hashes clientDataJSON, checks one ES256 signature and makes one (the signedPasskeyData),
 * all with synchronous node:crypto, and answers JSON. No WebAuthn checks, no store, no JWT library.
 */
function startFloorServer(): Promise<Server> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signed = randomBytes(37 + 32);
  const signature = sign('sha256', signed, privateKey);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { assertionResponse: string };
      createHash('sha256').update(body.assertionResponse).digest();
      const ok = verify('sha256', signed, publicKey, signature);
      const jwt = sign('sha256', signed, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString(
        'base64url',
      );
      const payload = JSON.stringify({ ok, signedPasskeyData: jwt, session: jwt });
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
      });
      res.end(payload);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** The child: one local-connect, in memory, answering the parent's CPU-time questions over IPC. */
async function serve(): Promise<void> {
  const floor = await startFloorServer();
  const server = await start({
    config: {
      projectId: PROJECT_ID,
      apiSecret: API_SECRET,
      rp: { id: 'localhost', name: 'Bench', origins: [ORIGIN] },
    },
    log: () => undefined,
  });
  const cpuMs = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  process.on('message', (message: string) => {
    if (message === 'cpu') process.send?.({ cpuMs: cpuMs() } satisfies ServerMessage);
    if (message === 'stop') void server.stop().then(() => process.exit(0));
  });
  const floorUrl = `http://127.0.0.1:${(floor.address() as AddressInfo).port}`;
  process.send?.({ url: server.url, floorUrl } satisfies ServerMessage);
}

class ServerProcess {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
    readonly floorUrl: string,
  ) {}

  static async spawn(): Promise<ServerProcess> {
    // The same module in serve mode, with this process's loader flags (tsx) so it can import TypeScript.
    const child = fork(fileURLToPath(import.meta.url), [SERVE_FLAG], {
      execArgv: process.execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const urls = await new Promise<{ url: string; floorUrl: string }>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`local-connect exited with ${code}`)));
      child.once('message', (message: ServerMessage) => {
        if ('url' in message) resolve(message);
      });
    });
    return new ServerProcess(child, urls.url, urls.floorUrl);
  }

  cpuMs(): Promise<number> {
    return new Promise((resolve) => {
      this.child.once('message', (message: ServerMessage) => {
        if ('cpuMs' in message) resolve(message.cpuMs);
      });
      this.child.send('cpu');
    });
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.send('stop');
    });
  }
}

type Json = Record<string, unknown>;

function client(baseUrl: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const { hostname, port } = new URL(baseUrl);
  function post(path: string, body: unknown, headers: Record<string, string>): Promise<Json> {
    const payload = JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent,
          hostname,
          port,
          path,
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...headers,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
            if (res.statusCode !== 200) reject(new Error(`${path} answered ${res.statusCode}`));
            else resolve(json);
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
  const fapiHeaders = (processId?: string): Record<string, string> => ({
    origin: ORIGIN,
    'x-corbado-projectid': PROJECT_ID,
    'x-corbado-sdk': JSON.stringify({ name: 'web-core', sdkVersion: '2.18.0' }),
    ...(processId ? { 'x-corbado-process-id': processId } : {}),
  });
  const fapi = (path: string, body: unknown, processId?: string) =>
    post(`/v2/connect/${path}`, body, fapiHeaders(processId));
  const backendAuth = {
    authorization: `Basic ${Buffer.from(`${PROJECT_ID}:${API_SECRET}`).toString('base64')}`,
  };
  return { fapi, backend: (path: string, body: unknown) => post(path, body, backendAuth), agent };
}

type Client = ReturnType<typeof client>;

async function appendPasskey(c: Client, authenticator: SoftwareAuthenticator): Promise<void> {
  const { processID } = (await c.fapi('append/init', { clientInformation: {}, flags: {} })) as {
    processID: string;
  };
  const { secret } = (await c.backend('/v2/connectTokens', {
    type: 'passkey-append',
    data: { identifier: USERNAME, displayName: 'bench@example.com' },
  })) as { secret: string };
  const started = await c.fapi('append/start', { appendTokenValue: secret, loadedMs: 1 }, processID);
  const attestationResponse = authenticator.create(started.attestationOptions as string, { origin: ORIGIN });
  await c.fapi('append/finish', { attestationResponse }, processID);
}

/** login/init + login/start, and the authenticator's answer: everything before login/finish. */
async function prepareLogin(c: Client, authenticator: SoftwareAuthenticator) {
  const { token } = (await c.fapi('login/init', { clientInformation: {}, flags: {} })) as { token: string };
  const started = await c.fapi(
    'login/start',
    { identifier: USERNAME, source: 'text-field', loadedMs: 1 },
    token,
  );
  // Counter 0 throughout, as synced passkeys report it, so logins may finish in any order.
  const assertionResponse = authenticator.get(started.assertionOptions as string, {
    origin: ORIGIN,
    counter: 0,
  });
  return { processId: token, assertionResponse };
}

async function finishLogin(c: Client, login: { processId: string; assertionResponse: string }) {
  const done = await c.fapi(
    'login/finish',
    { isConditionalUI: false, assertionResponse: login.assertionResponse },
    login.processId,
  );
  if (typeof done.signedPasskeyData !== 'string' || done.signedPasskeyData.length === 0) {
    throw new Error('login/finish gave no signedPasskeyData');
  }
}

/** Runs `count` tasks, CONCURRENCY at a time. */
async function lanes(count: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next;
        next += 1;
        await task(i);
      }
    }),
  );
}

interface Measured {
  count: number;
  cpuSeconds: number;
  wallSeconds: number;
}

async function measure(server: ServerProcess, count: number, work: () => Promise<void>): Promise<Measured> {
  const cpuBefore = await server.cpuMs();
  const began = performance.now();
  await work();
  const wallSeconds = (performance.now() - began) / 1000;
  const cpuSeconds = ((await server.cpuMs()) - cpuBefore) / 1000;
  return { count, cpuSeconds, wallSeconds };
}

/** Raw ES256 verifies of an assertion-sized message (authenticatorData ‖ SHA-256(clientDataJSON)) on one core. */
function es256VerifiesPerSecond(): number {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = randomBytes(37 + 32);
  const signature = sign('sha256', data, privateKey);
  const count = Math.max(2000, ITERATIONS * 2);
  for (let i = 0; i < 200; i += 1) verify('sha256', data, publicKey, signature);
  const before = process.cpuUsage();
  for (let i = 0; i < count; i += 1) {
    if (!verify('sha256', data, publicKey, signature)) throw new Error('ES256 verify failed');
  }
  const { user, system } = process.cpuUsage(before);
  return count / ((user + system) / 1e6);
}

export const run: Bench = async () => {
  const server = await ServerProcess.spawn();
  const c = client(server.url);
  try {
    const authenticator = new SoftwareAuthenticator();
    await appendPasskey(c, authenticator);
    const completeLogin = async () => finishLogin(c, await prepareLogin(c, authenticator));

    const es256Before = es256VerifiesPerSecond();
    await lanes(WARMUP, completeLogin);
    const complete = await measure(server, ITERATIONS, () => lanes(ITERATIONS, completeLogin));

    const prepared: { processId: string; assertionResponse: string }[] = [];
    await lanes(ITERATIONS, async () => {
      prepared.push(await prepareLogin(c, authenticator));
    });
    const floorClient = client(server.floorUrl);
    const floorFinish = (i: number) => floorClient.fapi('login/finish', prepared[i]!).then(() => undefined);
    await lanes(Math.min(WARMUP, ITERATIONS), floorFinish);
    const floor = await measure(server, ITERATIONS, () => lanes(ITERATIONS, floorFinish));
    floorClient.agent.destroy();

    const finishes = await measure(server, ITERATIONS, () =>
      lanes(ITERATIONS, (i) => finishLogin(c, prepared[i]!)),
    );
    // The best of two baselines, taken around the HTTP runs: the ratio errs low, never high.
    const es256 = Math.max(es256Before, es256VerifiesPerSecond());

    const row = (name: string, m: Measured, unit: string, goal?: string): BenchRow =>
      higherIsBetter({
        name,
        value: m.count / m.cpuSeconds,
        baseline: es256,
        baselineName: 'ES256 verifies/s (node:crypto, one core)',
        unit,
        ...(goal ? { goal } : {}),
        note:
          `n=${m.count} c=${CONCURRENCY}; server CPU ${m.cpuSeconds.toFixed(2)} s; ` +
          `wall ${(m.count / m.wallSeconds).toFixed(0)}/s with the client on the same machine`,
      });
    return [
      row(
        'local-connect login (init + start + finish, HTTP)',
        complete,
        'logins per server core-s',
        '≥ 0.30',
      ),
      row('local-connect login/finish alone (HTTP)', finishes, 'finishes per server core-s', '≥ 0.30'),
      row('floor: bare node:http + 1 ES256 verify + 1 ES256 sign', floor, 'answers per server core-s'),
    ];
  } finally {
    c.agent.destroy();
    await server.stop();
  }
};

if (process.argv.includes(SERVE_FLAG)) {
  await serve();
} else if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of await run()) {
    console.log(
      `${r.name}: ${r.value.toFixed(0)} ${r.unit} vs ${r.baseline.toFixed(0)} ${r.baselineName} ` +
        `= ${r.ratio.toFixed(3)}${r.goal ? ` (goal ${r.goal})` : ''}; ${r.note}`,
    );
  }
}
