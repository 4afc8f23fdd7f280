// The whole product on one machine: local-aws (Cognito user pool with the real trigger handlers, SSM, STS
// with the cross-account role Corbado's actions assume), local-connect (Corbado Connect, running the built
// action scripts as Corbado does) and the Next.js app, wired together by configuration only. `npm start`
// runs it; the e2e tests start it in-process on free ports.
// Over 300 lines on purpose: it is the one place the local wiring is written (secrets, the three servers,
// the app build and its process), and every value in it maps from the deployment definition.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { bundleActions } from '@cognito-passkeys/corbado-actions/bundle';
import { ACTION_ENV } from '@cognito-passkeys/corbado-actions/contract';
import {
  ACTION_ROLE_ACTIONS,
  ACTION_ROLE_MAX_SESSION_SECONDS,
  DEFAULT_PASSKEY_MODE,
  ENV,
  ENV_DEFAULTS,
  environmentValues,
  localFunctions,
  localUserPool,
  PARAMETERS,
  PASSKEY_MODES,
  type PasskeyMode,
} from '@cognito-passkeys/deployment';
import { start as startLocalAws, type LocalAwsConfig } from '@cognito-passkeys/local-aws';
import { start as startLocalConnect } from '@cognito-passkeys/local-connect';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WEB_DIR = join(REPO_ROOT, 'apps', 'web');
const ACTIONS_DIR = join(REPO_ROOT, 'packages', 'corbado-actions');

const REGION = 'us-east-1';
/** Fixed IDs in the real forms, so a restart on the same data dir keeps every URL and ID. */
export const USER_POOL_ID = `${REGION}_LocalPasskeys`;
export const CLIENT_ID = 'localpasskeysweb0000000001';
export const CORBADO_PROJECT_ID = 'pro-1000000000000000001';
/** The customer's account (the pool, the role) and the one Corbado runs actions as, in the real forms. */
const ACCOUNT_ID = '111111111111';
const CORBADO_ACTIONS_PRINCIPAL = 'arn:aws:iam::222222222222:user/corbado-connect-actions';
/** The developer's own identity in the customer's account: signs tooling's, tests' and the triggers' calls. */
const DEVELOPER_PRINCIPAL = `arn:aws:iam::${ACCOUNT_ID}:user/local-developer`;
/** The web app's server: may only read the passkey mode (its execution role's one permission). */
const APP_SERVER_PRINCIPAL = `arn:aws:iam::${ACCOUNT_ID}:user/local-web-app`;
const ACTION_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/corbado-connect-actions`;
const USER_POOL_ARN = `arn:aws:cognito-idp:${REGION}:${ACCOUNT_ID}:userpool/${USER_POOL_ID}`;
const PASSKEY_MODE_PARAMETER_ARN = `arn:aws:ssm:${REGION}:${ACCOUNT_ID}:parameter/${PARAMETERS.passkeyMode.replace(/^\//, '')}`;

export interface LocalStackOptions {
  /** Where all state lives. @default `.data` (or DATA_DIR) */
  dataDir?: string;
  /** 0 = a free port. @default APP_PORT / LOCAL_AWS_PORT / LOCAL_CONNECT_PORT, else 3000 / 9229 / 9230 */
  ports?: { app?: number; localAws?: number; localConnect?: number };
  /** Where the app's output goes: this terminal, nowhere, or a line callback. @default 'inherit' */
  appOutput?: 'inherit' | 'ignore' | ((line: string) => void);
  /** Log lines of the local servers. @default console */
  log?: (line: string) => void;
  /**
   * How long define-auth-challenge and the app's server cache the passkey mode, in seconds (how soon
   * `setPasskeyMode` takes effect). @default the deployment's (ENV_DEFAULTS)
   */
  passkeyModeCacheSeconds?: number;
}

export interface LocalStack {
  urls: { app: string; localAws: string; localConnect: string; outbox: string; jwks: string };
  ids: {
    userPoolId: string;
    clientId: string;
    corbadoProjectId: string;
    region: string;
    accountId: string;
    actionRoleArn: string;
  };
  dataDir: string;
  /**
   * The developer principal's long-term key (kept in `<dataDir>/secrets.json`): local-aws answers Cognito
   * admin and SSM operations only when signed by a configured key, as AWS does.
   */
  adminCredentials: { accessKeyId: string; secretAccessKey: string };
  /** The SSM parameter holding the passkey mode (the kill switch), and how long readers cache it. */
  passkeyMode: { parameter: string; cacheSeconds: number };
  /** Writes the passkey mode (PutParameter, signed with the admin credentials), as an operator flips it. */
  setPasskeyMode(mode: PasskeyMode): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalSecrets {
  corbadoApiSecret: string;
  /** The long-term key of the principal Corbado runs actions as, which may assume the action role. */
  actionsAccessKeyId: string;
  actionsSecretAccessKey: string;
  /** The action role's `sts:ExternalId`. */
  actionsExternalId: string;
  /** The developer principal's long-term key (`arn:aws:iam::111111111111:user/local-developer`). */
  developerAccessKeyId: string;
  developerSecretAccessKey: string;
  /** The web app's server's key (`arn:aws:iam::111111111111:user/local-web-app`): reads the passkey mode only. */
  appServerAccessKeyId: string;
  appServerSecretAccessKey: string;
}

/** An access key ID in AWS's form: AKIA and 16 upper-case letters or digits. */
const newAccessKeyId = (): string => `AKIA${randomBytes(8).toString('hex').toUpperCase()}`;

/** Creates `dir` (and missing parents) 0700, and narrows it to 0700 if it already existed. */
function createPrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Secrets made once per data dir (a data dir of an earlier layout gets the missing ones added). */
function localSecrets(dataDir: string): LocalSecrets {
  const file = join(dataDir, 'secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : {};
  const secrets: LocalSecrets = {
    corbadoApiSecret: stored.corbadoApiSecret ?? `corbado1_${randomBytes(24).toString('base64url')}`,
    actionsAccessKeyId: stored.actionsAccessKeyId ?? newAccessKeyId(),
    actionsSecretAccessKey: stored.actionsSecretAccessKey ?? randomBytes(30).toString('base64url'),
    actionsExternalId: stored.actionsExternalId ?? randomBytes(24).toString('base64url'),
    developerAccessKeyId: stored.developerAccessKeyId ?? newAccessKeyId(),
    developerSecretAccessKey: stored.developerSecretAccessKey ?? randomBytes(30).toString('base64url'),
    appServerAccessKeyId: stored.appServerAccessKeyId ?? newAccessKeyId(),
    appServerSecretAccessKey: stored.appServerSecretAccessKey ?? randomBytes(30).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

/** A free port on 127.0.0.1, chosen before a server starts so its URL is known to the others. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** `next build` when there is no build yet or a source is newer than it. */
export function buildWebAppIfNeeded(): void {
  const buildId = join(WEB_DIR, '.next', 'BUILD_ID');
  const sources = Math.max(
    newestMtime(join(WEB_DIR, 'src')),
    newestMtime(join(REPO_ROOT, 'packages', 'corbado-backend', 'src')),
    newestMtime(join(REPO_ROOT, 'packages', 'deployment', 'src')),
    statSync(join(WEB_DIR, 'next.config.ts')).mtimeMs,
  );
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= sources) return;
  console.log('Building the web app (next build)…');
  const result = spawnSync('npx', ['next', 'build'], {
    cwd: WEB_DIR,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (result.status !== 0) throw new Error('next build failed');
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the web app exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000), redirect: 'manual' });
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the web app did not answer at ${url}`);
}

/** The action scripts exactly as they are pasted into Corbado's console, rebuilt when a source is newer. */
export async function buildActionsIfNeeded(): Promise<{ preLogin: string; postAppend: string }> {
  const dist = join(ACTIONS_DIR, 'dist');
  const scripts = { preLogin: join(dist, 'pre-login.mjs'), postAppend: join(dist, 'post-append.mjs') };
  const built = Object.values(scripts).every(existsSync)
    ? Math.min(...Object.values(scripts).map((file) => statSync(file).mtimeMs))
    : 0;
  if (built < newestMtime(join(ACTIONS_DIR, 'src'))) await bundleActions(dist);
  return scripts;
}

/**
 * local-aws's configuration: the functions, the pool and its client from the deployment definition (as
 * the CDK construct deploys them), the secret parameter, the actions role and the principals.
 */
export function localAwsConfig(options: {
  secrets: LocalSecrets;
  appUrl: string;
  connectUrl: string;
  /** @default the deployment's */
  passkeyModeCacheSeconds?: number;
}): LocalAwsConfig {
  const { secrets, appUrl, connectUrl } = options;
  return {
    region: REGION,
    accountId: ACCOUNT_ID,
    // The functions, the pool and its client as the CDK construct deploys them (the deployment
    // definition): each handler runs in its own environment with exactly the keys it is given on AWS,
    // signing its SSM reads with the developer's key in place of its execution role's.
    functions: localFunctions(
      environmentValues({
        corbadoProjectId: CORBADO_PROJECT_ID,
        corbadoBackendApiUrl: connectUrl,
        corbadoApiSecretParameter: PARAMETERS.corbadoApiSecret,
        passkeyModeParameter: PARAMETERS.passkeyMode,
        ...(options.passkeyModeCacheSeconds === undefined
          ? {}
          : { passkeyModeCacheSeconds: options.passkeyModeCacheSeconds }),
      }),
      { accessKeyId: secrets.developerAccessKeyId },
    ),
    userPools: [
      localUserPool({
        poolId: USER_POOL_ID,
        poolName: 'cognito-passkeys',
        clientId: CLIENT_ID,
        clientName: 'web',
      }),
    ],
    parameters: [
      { name: PARAMETERS.corbadoApiSecret, type: 'SecureString', value: secrets.corbadoApiSecret },
      // The kill switch starts as a deployment starts it, and keeps what an operator set across restarts.
      { name: PARAMETERS.passkeyMode, type: 'String', value: DEFAULT_PASSKEY_MODE, overwrite: false },
    ],
    // The cross-account role as the CDK construct creates it: trusted by Corbado's principal with the
    // external ID, allowed exactly the actions' three Cognito calls on this pool.
    roles: [
      {
        arn: ACTION_ROLE_ARN,
        trustedPrincipals: [CORBADO_ACTIONS_PRINCIPAL],
        externalId: secrets.actionsExternalId,
        maxSessionSeconds: ACTION_ROLE_MAX_SESSION_SECONDS,
        policy: [{ actions: [...ACTION_ROLE_ACTIONS], resources: [USER_POOL_ARN] }],
      },
    ],
    principals: [
      {
        accessKeyId: secrets.actionsAccessKeyId,
        secretAccessKey: secrets.actionsSecretAccessKey,
        arn: CORBADO_ACTIONS_PRINCIPAL,
      },
      {
        accessKeyId: secrets.developerAccessKeyId,
        secretAccessKey: secrets.developerSecretAccessKey,
        arn: DEVELOPER_PRINCIPAL,
      },
      {
        accessKeyId: secrets.appServerAccessKeyId,
        secretAccessKey: secrets.appServerSecretAccessKey,
        arn: APP_SERVER_PRINCIPAL,
        policy: [{ actions: ['ssm:GetParameter'], resources: [PASSKEY_MODE_PARAMETER_ARN] }],
      },
    ],
    // Only the app's pages may call it from a browser (Amplify's public Cognito operations).
    allowedOrigins: [appUrl],
  };
}

const envPort = (name: string, fallback: number) =>
  process.env[name] ? Number(process.env[name]) : fallback;

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dataDir = resolve(options.dataDir ?? process.env.DATA_DIR ?? join(REPO_ROOT, '.data'));
  // The state holds keys, verifiers and sign-in codes: only the developer's user may read it.
  createPrivateDir(dataDir);
  createPrivateDir(join(dataDir, 'local-aws'));
  createPrivateDir(join(dataDir, 'local-connect'));
  const secrets = localSecrets(dataDir);
  const ports = {
    app: options.ports?.app ?? envPort('APP_PORT', 3000),
    localAws: options.ports?.localAws ?? envPort('LOCAL_AWS_PORT', 9229),
    localConnect: options.ports?.localConnect ?? envPort('LOCAL_CONNECT_PORT', 9230),
  };
  const appPort = ports.app === 0 ? await freePort() : ports.app;
  const appUrl = `http://localhost:${appPort}`;
  // local-connect's address goes into the verify trigger's environment before either server starts.
  const connectPort = ports.localConnect === 0 ? await freePort() : ports.localConnect;
  const connectUrl = `http://127.0.0.1:${connectPort}`;
  const log = options.log ?? ((line: string) => console.log(line));
  const passkeyModeCacheSeconds =
    options.passkeyModeCacheSeconds ?? ENV_DEFAULTS[ENV.passkeyModeCacheSeconds];

  buildWebAppIfNeeded();
  const actionScripts = await buildActionsIfNeeded();

  const aws = await startLocalAws({
    port: ports.localAws,
    dataDir: join(dataDir, 'local-aws'),
    log,
    config: localAwsConfig({ secrets, appUrl, connectUrl, passkeyModeCacheSeconds }),
  });

  // What the customer sets in Corbado's console, plus what stands in for Corbado's runtime: the
  // principal's keys, and the AWS endpoints pointed at local-aws.
  const actionEnv = {
    [ACTION_ENV.userPoolId]: USER_POOL_ID,
    [ACTION_ENV.assumeRoleArn]: ACTION_ROLE_ARN,
    [ACTION_ENV.externalId]: secrets.actionsExternalId,
    [ACTION_ENV.region]: REGION,
    [ACTION_ENV.postAppendMfaMethod]: 'EMAIL_OTP',
    AWS_ACCESS_KEY_ID: secrets.actionsAccessKeyId,
    AWS_SECRET_ACCESS_KEY: secrets.actionsSecretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_STS: aws.url,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: aws.url,
  };

  let connect: Awaited<ReturnType<typeof startLocalConnect>>;
  try {
    connect = await startLocalConnect({
      port: connectPort,
      dataDir: join(dataDir, 'local-connect'),
      config: {
        projectId: CORBADO_PROJECT_ID,
        apiSecret: secrets.corbadoApiSecret,
        rp: { id: 'localhost', name: 'Passkeys for Cognito', origins: [appUrl] },
        actions: {
          preLogin: { script: actionScripts.preLogin, env: actionEnv },
          postAppend: { script: actionScripts.postAppend, env: actionEnv },
        },
      },
    });
  } catch (error) {
    await aws.stop();
    throw error;
  }

  if (connect.url !== connectUrl) {
    await connect.stop();
    await aws.stop();
    throw new Error(
      `local-connect listens at ${connect.url}, not at ${connectUrl} as the triggers were told`,
    );
  }
  const adminCredentials = {
    accessKeyId: secrets.developerAccessKeyId,
    secretAccessKey: secrets.developerSecretAccessKey,
  };

  const urls = {
    app: appUrl,
    localAws: aws.url,
    localConnect: connect.url,
    outbox: `${aws.url}/_local/outbox`,
    jwks: `${aws.url}/${USER_POOL_ID}/.well-known/jwks.json`,
  };
  const ids = {
    userPoolId: USER_POOL_ID,
    clientId: CLIENT_ID,
    corbadoProjectId: CORBADO_PROJECT_ID,
    region: REGION,
    accountId: ACCOUNT_ID,
    actionRoleArn: ACTION_ROLE_ARN,
  };

  // The app's server signs its SSM reads with its own key only: no profile, session or endpoint of the
  // developer's shell may leak in.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('AWS_')),
  );
  const app = spawn('npx', ['next', 'start', '--port', String(appPort), '--hostname', '127.0.0.1'], {
    cwd: WEB_DIR,
    stdio:
      typeof options.appOutput === 'function' ? ['ignore', 'pipe', 'pipe'] : (options.appOutput ?? 'inherit'),
    detached: true,
    env: {
      ...inherited,
      NEXT_TELEMETRY_DISABLED: '1',
      [ENV.passkeyModeParameter]: PARAMETERS.passkeyMode,
      [ENV.passkeyModeCacheSeconds]: String(passkeyModeCacheSeconds),
      AWS_REGION: REGION,
      AWS_ENDPOINT_URL_SSM: aws.url,
      AWS_ACCESS_KEY_ID: secrets.appServerAccessKeyId,
      AWS_SECRET_ACCESS_KEY: secrets.appServerSecretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      COGNITO_USER_POOL_ID: USER_POOL_ID,
      COGNITO_CLIENT_ID: CLIENT_ID,
      COGNITO_ENDPOINT: aws.url,
      COGNITO_JWKS_URL: urls.jwks,
      CORBADO_PROJECT_ID,
      CORBADO_FRONTEND_API_URL: connect.url,
      CORBADO_BACKEND_API_URL: connect.url,
      CORBADO_API_SECRET: secrets.corbadoApiSecret,
      LOCAL_OUTBOX_URL: urls.outbox,
    },
  });

  const onLine = options.appOutput;
  if (typeof onLine === 'function') {
    for (const stream of [app.stdout, app.stderr]) {
      let buffered = '';
      stream?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        lines.forEach(onLine);
      });
    }
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (app.exitCode === null && app.pid !== undefined) {
      const exited = new Promise<void>((r) => app.once('exit', () => r()));
      try {
        process.kill(-app.pid, 'SIGTERM'); // the whole group: npx and next
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    await connect.stop();
    await aws.stop();
  };

  try {
    await waitForHttp(`${urls.app}/login`, app);
  } catch (error) {
    await stop();
    throw error;
  }

  const stackFile = join(dataDir, 'stack.json');
  writeFileSync(
    stackFile,
    JSON.stringify(
      { urls, ids, dataDir, backendApiUrl: connect.url, startedAt: new Date().toISOString() },
      null,
      2,
    ),
    { mode: 0o600 },
  );
  chmodSync(stackFile, 0o600);
  const ssm = new SSMClient({
    region: REGION,
    endpoint: aws.url,
    credentials: adminCredentials,
    maxAttempts: 1,
  });
  const setPasskeyMode = async (mode: PasskeyMode): Promise<void> => {
    if (!(PASSKEY_MODES as readonly string[]).includes(mode))
      throw new Error(`not a passkey mode: ${String(mode)} (one of ${PASSKEY_MODES.join(', ')})`);
    await ssm.send(
      new PutParameterCommand({ Name: PARAMETERS.passkeyMode, Type: 'String', Value: mode, Overwrite: true }),
      { abortSignal: AbortSignal.timeout(5000) },
    );
  };
  return {
    urls,
    ids,
    dataDir,
    adminCredentials,
    passkeyMode: { parameter: PARAMETERS.passkeyMode, cacheSeconds: passkeyModeCacheSeconds },
    setPasskeyMode,
    stop: async () => {
      ssm.destroy();
      await stop();
    },
  };
}
