// Faults: what the product does when what it depends on misbehaves.
// 1. Corbado's Backend API hangs, answers 5xx, refuses connections or answers garbage: the verify trigger
//    fails closed (RespondToAuthChallenge gives no tokens) inside Cognito's 5 s trigger budget, and the
//    answer is the one the app turns into its password form.
// 2. STS or Cognito fail inside an action: the documented answer (pre-login a silent error, so the page
//    falls back to the password form; post-append `500 { code }`), never a throw.
// 3. `kill -9` of local-aws and of local-connect in the middle of a write load, then a restart on the same
//    data dir: every write that was acknowledged is still there (counted).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import {
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { postAppendResultSchema, preLoginResultSchema } from '@cognito-passkeys/corbado-actions/contract';
import { ActionRunner } from '@cognito-passkeys/local-connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildActionsIfNeeded } from '../scripts/local-stack';
import { FaultStub, type FaultMode } from './support/fault-stub';
import { record } from './support/figures';
import { ChildServer, freePort } from './support/processes';
import {
  actionEnv,
  CLIENT_ID,
  localAwsConfig,
  localConnectConfig,
  newSecrets,
  SoftwareAuthenticator,
  stackClients,
  startStack,
  triggerEnv,
  USER_POOL_ID,
  type InProcessStack,
  type StackClients,
} from './support/stack';

/** Cognito's limit on one trigger invocation (Developer Guide, "Customizing user pool workflows"). */
const COGNITO_TRIGGER_BUDGET_MS = 5_000;
const PASSWORD = 'Fault-Passw0rd!';

describe('faults: the Backend API behind the verify trigger', () => {
  const stub = new FaultStub();
  let stack: InProcessStack;
  const authenticator = new SoftwareAuthenticator();
  const user = { email: 'verify-faults@example.com', username: '' };

  beforeAll(async () => {
    await stub.start();
    // The verify trigger's CORBADO_BACKEND_API_URL is the stub; the stub passes through to local-connect.
    stack = await startStack({ triggerBackendApiUrl: stub.url });
    stub.target = stack.urls.localConnect;
    user.username = await stack.clients.createUser(user.email, PASSWORD);
    await stack.clients.appendPasskey(user.username, user.email, authenticator);
  });

  afterAll(async () => {
    await stub.close();
    await stack?.stop();
  });

  async function signInThroughStub(mode: FaultMode) {
    await stub.set(mode);
    const answer = await stack.clients.passkeyAssertion(user.email, authenticator);
    const started = performance.now();
    const result = await stack.clients.customAuth(answer);
    return { ...result, ms: performance.now() - started, answer };
  }

  it('passes through: a passkey login through the stub gets tokens (the path can succeed)', async () => {
    const result = await signInThroughStub('pass');
    expect(result.tokens?.IdToken).toBeDefined();
    expect(stub.seen).toBeGreaterThan(0);
  });

  const FAULTS: [FaultMode, string][] = [
    ['slow', 'Backend API hangs past the trigger timeout (CORBADO_TIMEOUT_MS, 2.5 s by default)'],
    ['5xx', 'Backend API answers 503'],
    ['refused', 'Backend API refuses the connection'],
    ['garbage', 'Backend API answers 200 with bytes that are not JSON'],
  ];

  it.each(FAULTS)(
    '%s: no tokens, a new passkey challenge (the app falls back), within 5 s',
    async (mode, what) => {
      const result = await signInThroughStub(mode);
      const survived =
        result.tokens === undefined &&
        result.challengeName === 'CUSTOM_CHALLENGE' &&
        result.ms < COGNITO_TRIGGER_BUDGET_MS;
      record({
        kind: 'fault',
        name: `verify trigger: ${what}`,
        figures: { tried: 1, survived: survived ? 1 : 0 },
        note: `RespondToAuthChallenge answered in ${result.ms.toFixed(0)} ms with no tokens; the app's onComplete throws on it and connect-react shows the password form`,
      });
      // Cognito answers another CUSTOM_CHALLENGE and no AuthenticationResult: Amplify's confirmSignIn gives
      // isSignedIn false, the app's onPasskeyComplete throws, and CorbadoConnectLogin falls back.
      expect(result.tokens).toBeUndefined();
      expect(result.challengeName).toBe('CUSTOM_CHALLENGE');
      expect(result.ms).toBeLessThan(COGNITO_TRIGGER_BUDGET_MS);

      // The answer was not used up: once the Backend API is back, the same passkey data signs in.
      await stub.set('pass');
      const again = await stack.clients.customAuth(result.answer);
      expect(again.tokens?.IdToken).toBeDefined();
    },
  );
});

describe('faults: STS and Cognito errors inside the actions', () => {
  let stack: InProcessStack;
  let scripts: { preLogin: string; postAppend: string };
  const stub = new FaultStub();
  const runners: ActionRunner[] = [];
  const user = { email: 'action-faults@example.com', username: '' };

  beforeAll(async () => {
    stack = await startStack();
    scripts = await buildActionsIfNeeded();
    await stub.start();
    user.username = await stack.clients.createUser(user.email, PASSWORD);
  });

  afterAll(async () => {
    await Promise.all(runners.map((r) => r.close()));
    await stub.close();
    await stack?.stop();
  });

  function actionRunners(overrides: Record<string, string>) {
    const make = (name: string, script: string) => {
      const r = new ActionRunner({
        name,
        script,
        env: actionEnv(stack.secrets, stack.urls.localAws, overrides),
        timeoutMs: 5000,
        log: () => undefined,
      });
      runners.push(r);
      return r;
    };
    return {
      preLogin: make('pre-login', scripts.preLogin),
      postAppend: make('post-append', scripts.postAppend),
    };
  }

  it('answers normally without a fault (the calls reach STS and Cognito)', async () => {
    const { preLogin, postAppend } = actionRunners({});
    expect(await preLogin.invoke({ identifier: user.email })).toEqual({
      statusCode: 200,
      body: { identifier: user.username },
    });
    expect(
      postAppendResultSchema.parse(await postAppend.invoke({ username: user.username })).statusCode,
    ).toBe(200);
  });

  /** A port nothing listens on. */
  const closedPort = async () => `http://127.0.0.1:${await freePort()}`;

  const CASES: [
    string,
    () => Record<string, string> | Promise<Record<string, string>>,
    FaultMode | undefined,
    string,
  ][] = [
    [
      'STS refuses AssumeRole (wrong external ID)',
      () => ({ EXTERNAL_ID: 'not-the-external-id' }),
      undefined,
      'access_denied',
    ],
    [
      'STS unreachable (connection refused)',
      async () => ({ AWS_ENDPOINT_URL_STS: await closedPort() }),
      undefined,
      'role_unavailable',
    ],
    [
      'Cognito denies the call (the role allows another pool only)',
      () => ({ USER_POOL_ID: 'us-east-1_NotThePool', REGION: 'us-east-1' }),
      undefined,
      'access_denied',
    ],
    [
      'Cognito answers 503',
      () => ({ AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stub.url }),
      '5xx',
      'cognito_unavailable',
    ],
    [
      'Cognito answers garbage',
      () => ({ AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stub.url }),
      'garbage',
      'cognito_unavailable',
    ],
    [
      'Cognito hangs past the action deadline',
      () => ({ AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stub.url }),
      'slow',
      'deadline_exceeded',
    ],
  ];

  it.each(CASES)(
    '%s: pre-login a silent error, post-append 500 with a code',
    async (what, env, mode, code) => {
      if (mode !== undefined) await stub.set(mode);
      const { preLogin, postAppend } = actionRunners(await env());
      const started = performance.now();
      const pre = preLoginResultSchema.parse(await preLogin.invoke({ identifier: user.email }));
      const post = postAppendResultSchema.parse(await postAppend.invoke({ username: user.username }));
      const ms = performance.now() - started;
      const silent = 'error' in pre.body && pre.body.error.return === false && pre.body.identifier === '';
      const coded = post.statusCode === 500 && typeof post.body.code === 'string';
      record({
        kind: 'fault',
        name: `actions: ${what}`,
        figures: { tried: 2, survived: (silent ? 1 : 0) + (coded ? 1 : 0) },
        note: `pre-login ${'error' in pre.body ? `silent ${pre.body.error.code}` : 'found'}, post-append ${post.statusCode} ${post.body.code ?? post.body.outcome ?? ''}; both in ${ms.toFixed(0)} ms`,
      });
      expect(pre).toMatchObject({ statusCode: 200, body: { identifier: '', error: { return: false } } });
      expect(post).toEqual({ statusCode: 500, body: { code } });
    },
  );

  it('login/start with a failing pre-login offers no passkey, so the page shows the password form', async () => {
    await stub.set('5xx');
    const broken = await startStack({
      actionEnvOverrides: { AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: stub.url },
    });
    try {
      // The passkey is appended (post-append fails, the append still succeeds), so the fallback comes
      // from the failing pre-login and not from a user without passkeys.
      const username = await broken.clients.createUser(user.email, PASSWORD);
      await broken.clients.appendPasskey(username, user.email, new SoftwareAuthenticator());
      const processId = (await broken.clients.fapi('login/init', {})).body.token as string;
      const start = await broken.clients.fapi('login/start', { identifier: user.email }, processId);
      expect(start.status).toBe(200);
      expect(start.body.assertionOptions).toBe('');
      record({
        kind: 'fault',
        name: 'login/start with pre-login failing (Cognito 503)',
        figures: { tried: 1, survived: start.body.assertionOptions === '' ? 1 : 0 },
        note: 'assertionOptions "" → connect-react 0.2.4 calls onFallback: the password form',
      });
    } finally {
      await broken.stop();
    }
  });
});

describe('faults: kill -9 mid-load and restart on the same data dir', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'security-kill9-'));
  const secrets = newSecrets();
  let aws: ChildServer;
  let connect: ChildServer;
  let clients: StackClients;
  const authenticator = new SoftwareAuthenticator();

  /** Writes whose success answer arrived: only these must survive. */
  const acked = {
    usersCreated: [] as { email: string; username: string }[],
    signUpsConfirmed: [] as string[],
    passkeysAppended: [] as { username: string; credentialId: string }[],
  };
  let failedWrites = 0;

  beforeAll(async () => {
    const [awsPort, connectPort] = [await freePort(), await freePort()];
    const urls = { localAws: `http://127.0.0.1:${awsPort}`, localConnect: `http://127.0.0.1:${connectPort}` };
    aws = new ChildServer({
      name: 'local-aws',
      port: awsPort,
      dataDir,
      config: localAwsConfig(secrets),
      env: triggerEnv(secrets, urls.localAws, urls.localConnect),
    });
    connect = new ChildServer({
      name: 'local-connect',
      port: connectPort,
      dataDir,
      config: await localConnectConfig(secrets, urls.localAws),
    });
    await aws.start();
    await connect.start();
    clients = stackClients(secrets, urls);
  }, 120_000);

  afterAll(async () => {
    clients?.destroy();
    await connect?.stop();
    await aws?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function outboxCode(email: string): Promise<string> {
    const res = await fetch(`${aws.url}/_local/outbox?to=${encodeURIComponent(email)}`);
    const { messages } = (await res.json()) as { messages: { kind: string; code: string }[] };
    return messages.filter((m) => m.kind === 'confirmation').at(-1)?.code ?? '';
  }

  /** One worker of the write load: admin-created users with a passkey, and self sign-ups confirmed. */
  async function writer(id: number, running: () => boolean): Promise<void> {
    for (let i = 0; running(); i += 1) {
      const email = `w${id}-${i}@kill9.example.com`;
      try {
        const username = await clients.createUser(email, PASSWORD);
        acked.usersCreated.push({ email, username });
        const credentialId = await clients.appendPasskey(username, email, authenticator);
        acked.passkeysAppended.push({ username, credentialId });
      } catch {
        failedWrites += 1;
      }
      const signUpEmail = `s${id}-${i}@kill9.example.com`;
      try {
        await clients.cognito.send(
          new SignUpCommand({
            ClientId: CLIENT_ID,
            Username: signUpEmail,
            Password: PASSWORD,
            UserAttributes: [{ Name: 'email', Value: signUpEmail }],
          }),
        );
        await clients.cognito.send(
          new ConfirmSignUpCommand({
            ClientId: CLIENT_ID,
            Username: signUpEmail,
            ConfirmationCode: await outboxCode(signUpEmail),
          }),
        );
        acked.signUpsConfirmed.push(signUpEmail);
      } catch {
        failedWrites += 1;
      }
    }
  }

  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('keeps every acknowledged user, sign-up and passkey across kill -9 of each server', async () => {
    let running = true;
    const load = Promise.all([0, 1, 2, 3].map((id) => writer(id, () => running)));
    const waitForAcks = async (n: number) => {
      const target = acked.usersCreated.length + n;
      while (acked.usersCreated.length < target) await pause(50);
    };

    await waitForAcks(8);
    await aws.kill9();
    expect(aws.alive).toBe(false);
    await pause(300);
    await aws.start();
    await waitForAcks(8);
    await connect.kill9();
    expect(connect.alive).toBe(false);
    await pause(300);
    await connect.start();
    await waitForAcks(8);
    running = false;
    await load;

    // Count what came back, each write by its own evidence.
    let usersFound = 0;
    for (const u of acked.usersCreated) {
      const got = await clients.admin.send(
        new AdminGetUserCommand({ UserPoolId: USER_POOL_ID, Username: u.username }),
      );
      if (got.Username === u.username && got.UserStatus === 'CONFIRMED') usersFound += 1;
    }
    let signUpsFound = 0;
    for (const email of acked.signUpsConfirmed) {
      const got = await clients.admin.send(
        new AdminGetUserCommand({ UserPoolId: USER_POOL_ID, Username: email }),
      );
      if (got.UserStatus === 'CONFIRMED') signUpsFound += 1;
    }
    let passkeysFound = 0;
    for (const p of acked.passkeysAppended) {
      const token = await clients.backend.createConnectToken('passkey-list', {
        identifier: p.username,
        displayName: '',
      });
      const processId = (await clients.fapi('manage/init', {})).body.processID as string;
      const list = await clients.fapi('manage/list', { connectToken: token }, processId);
      const ids = (list.body.passkeys as { credentialID: string }[]).map((k) => k.credentialID);
      if (ids.includes(p.credentialId)) passkeysFound += 1;
    }
    // And the restarted pair still signs in with a passkey appended before the kills.
    const first = acked.usersCreated.find((u) =>
      acked.passkeysAppended.some((p) => p.username === u.username),
    );
    if (first === undefined) throw new Error('no user with a passkey');
    const login = await clients.customAuth(await clients.passkeyAssertion(first.email, authenticator));

    const note = (kind: string) =>
      `${kind} acknowledged before, during and after the kill; ${failedWrites} writes refused while a server was down`;
    record({
      kind: 'fault',
      name: 'kill -9 local-aws mid-load, restart on its data dir',
      figures: {
        tried: acked.usersCreated.length + acked.signUpsConfirmed.length,
        survived: usersFound + signUpsFound,
      },
      note: note(
        `${acked.usersCreated.length} users created + ${acked.signUpsConfirmed.length} sign-ups confirmed`,
      ),
    });
    record({
      kind: 'fault',
      name: 'kill -9 local-connect mid-load, restart on its data dir',
      figures: { tried: acked.passkeysAppended.length, survived: passkeysFound },
      note: note(`${acked.passkeysAppended.length} passkeys appended`),
    });
    console.log(
      `kill -9: users ${usersFound}/${acked.usersCreated.length}, sign-ups ${signUpsFound}/${acked.signUpsConfirmed.length}, passkeys ${passkeysFound}/${acked.passkeysAppended.length}, refused ${failedWrites}`,
    );
    expect(usersFound).toBe(acked.usersCreated.length);
    expect(signUpsFound).toBe(acked.signUpsConfirmed.length);
    expect(passkeysFound).toBe(acked.passkeysAppended.length);
    expect(failedWrites).toBeGreaterThan(0); // the kills did land mid-load
    expect(login.tokens?.IdToken).toBeDefined();
  }, 300_000);
});
