// The product's two local servers wired as `scripts/local-stack.ts` wires them (local-aws with the real
// trigger handlers, SSM and the actions' cross-account role; local-connect running the built action
// scripts), without the Next app, for the fuzz, load and fault suites. The same wiring is written as CLI
// config files by `processes.ts`, so a server run as a child process is the same server.
// Over 300 lines on purpose: the in-process wiring and the helpers the fuzz, load and fault suites share
// (users, passkeys, Connect + Cognito sign-ins), so the three suites exercise one identical stack.
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  RespondToAuthChallengeCommand,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import { ENV } from '@cognito-passkeys/cognito-triggers/config';
import { HANDLER_NAMES, PARAMETERS, localUserPool } from '@cognito-passkeys/deployment';
import { ACTION_ENV } from '@cognito-passkeys/corbado-actions/contract';
import {
  ACTION_ROLE_ACTIONS,
  ACTION_ROLE_MAX_SESSION_SECONDS,
} from '@cognito-passkeys/corbado-actions/role-policy';
import { createCorbadoBackend, type CorbadoBackend } from '@cognito-passkeys/corbado-backend';
import { start as startLocalAws, type LocalAwsConfig } from '@cognito-passkeys/local-aws';
import { start as startLocalConnect, type LocalConnectConfig } from '@cognito-passkeys/local-connect';
import { SoftwareAuthenticator } from '@cognito-passkeys/local-connect/software-authenticator';

import { buildActionsIfNeeded } from '../../scripts/local-stack';

export const REGION = 'us-east-1';
export const ACCOUNT_ID = '111111111111';
export const USER_POOL_ID = `${REGION}_SecurityPool`;
export const CLIENT_ID = 'securityclient000000000001';
export const PROJECT_ID = 'pro-2000000000000000002';
export const SECRET_PARAMETER = PARAMETERS.corbadoApiSecret;
export const ORIGIN = 'http://localhost:3000';
export const RP_ID = 'localhost';
export const ACTION_ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/corbado-connect-actions`;
const ACTIONS_PRINCIPAL_ARN = 'arn:aws:iam::222222222222:user/corbado-connect-actions';
/** The operator's identity that signs admin calls (AdminCreateUser, ListUsers, PutParameter, …). */
const ADMIN_PRINCIPAL_ARN = `arn:aws:iam::${ACCOUNT_ID}:user/security-suite-admin`;
const USER_POOL_ARN = `arn:aws:cognito-idp:${REGION}:${ACCOUNT_ID}:userpool/${USER_POOL_ID}`;
const HANDLER_MODULES = '@cognito-passkeys/cognito-triggers/handlers';

export interface Keys {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface StackSecrets {
  corbadoApiSecret: string;
  admin: Keys;
  actions: Keys;
  externalId: string;
}

export function newSecrets(): StackSecrets {
  const key = (): Keys => ({
    accessKeyId: `AKIA${randomBytes(8).toString('hex').toUpperCase()}`,
    secretAccessKey: randomBytes(30).toString('base64url'),
  });
  return {
    corbadoApiSecret: `corbado1_${randomBytes(24).toString('base64url')}`,
    admin: key(),
    actions: key(),
    externalId: randomBytes(24).toString('base64url'),
  };
}

/** local-aws as the local stack configures it, plus a principal for the operator's signed admin calls. */
export function localAwsConfig(secrets: StackSecrets): LocalAwsConfig {
  return {
    region: REGION,
    accountId: ACCOUNT_ID,
    // The handlers run in this process (no per-function environment), so the fault suite can point the
    // verify trigger elsewhere between tests; pool, client and trigger map are the deployment's.
    functions: Object.fromEntries(
      HANDLER_NAMES.map((name) => [name, { module: `${HANDLER_MODULES}/${name}` }]),
    ),
    userPools: [
      localUserPool({ poolId: USER_POOL_ID, poolName: 'security', clientId: CLIENT_ID, clientName: 'web' }),
    ],
    parameters: [{ name: SECRET_PARAMETER, type: 'SecureString', value: secrets.corbadoApiSecret }],
    roles: [
      {
        arn: ACTION_ROLE_ARN,
        trustedPrincipals: [ACTIONS_PRINCIPAL_ARN],
        externalId: secrets.externalId,
        maxSessionSeconds: ACTION_ROLE_MAX_SESSION_SECONDS,
        policy: [{ actions: [...ACTION_ROLE_ACTIONS], resources: [USER_POOL_ARN] }],
      },
    ],
    principals: [
      { ...secrets.actions, arn: ACTIONS_PRINCIPAL_ARN },
      { ...secrets.admin, arn: ADMIN_PRINCIPAL_ARN },
    ],
  };
}

/** What the customer sets on both actions in Corbado's console, plus Corbado's runtime keys. */
export function actionEnv(
  secrets: StackSecrets,
  awsUrl: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    [ACTION_ENV.userPoolId]: USER_POOL_ID,
    [ACTION_ENV.assumeRoleArn]: ACTION_ROLE_ARN,
    [ACTION_ENV.externalId]: secrets.externalId,
    [ACTION_ENV.region]: REGION,
    [ACTION_ENV.postAppendMfaMethod]: 'EMAIL_OTP',
    AWS_ACCESS_KEY_ID: secrets.actions.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secrets.actions.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_STS: awsUrl,
    AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER: awsUrl,
    ...overrides,
  };
}

export async function localConnectConfig(
  secrets: StackSecrets,
  awsUrl: string,
  overrides: Record<string, string> = {},
): Promise<LocalConnectConfig> {
  const scripts = await buildActionsIfNeeded();
  const env = actionEnv(secrets, awsUrl, overrides);
  return {
    projectId: PROJECT_ID,
    apiSecret: secrets.corbadoApiSecret,
    rp: { id: RP_ID, name: 'Passkeys for Cognito', origins: [ORIGIN] },
    actions: {
      preLogin: { script: scripts.preLogin, env },
      postAppend: { script: scripts.postAppend, env },
    },
  };
}

/** The trigger handlers' environment, as the CDK stack writes it, with the SDK pointed at local-aws. */
export function triggerEnv(
  secrets: StackSecrets,
  awsUrl: string,
  backendApiUrl: string,
): Record<string, string> {
  return {
    AWS_REGION: REGION,
    // The Lambda role's credentials: here the operator's principal, so SSM accepts the signed read.
    AWS_ACCESS_KEY_ID: secrets.admin.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secrets.admin.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_SSM: awsUrl,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    [ENV.corbadoProjectId]: PROJECT_ID,
    [ENV.corbadoBackendApiUrl]: backendApiUrl,
    [ENV.corbadoApiSecretParameter]: SECRET_PARAMETER,
    // Not created in this stack: SSM answers ParameterNotFound, which define reads as the default mode (on).
    [ENV.passkeyModeParameter]: PARAMETERS.passkeyMode,
  };
}

export interface FapiResponse {
  status: number;
  body: Record<string, unknown>;
}

/** Frontend API calls from Node with the headers web-core 2.18.0 sends. */
export function fapiClient(baseUrl: string) {
  return async function fapi(path: string, body: unknown, processId?: string): Promise<FapiResponse> {
    const res = await fetch(`${baseUrl}/v2/connect/${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: ORIGIN,
        'x-corbado-projectid': PROJECT_ID,
        'x-corbado-sdk': JSON.stringify({ name: 'web-core', sdkVersion: '2.18.0' }),
        ...(processId === undefined ? {} : { 'x-corbado-process-id': processId }),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
}

/** Clients and ceremonies over a running pair of servers (in-process or child processes). */
export function stackClients(secrets: StackSecrets, urls: { localAws: string; localConnect: string }) {
  const admin = new CognitoIdentityProviderClient({
    region: REGION,
    endpoint: urls.localAws,
    credentials: secrets.admin,
    maxAttempts: 1,
  });
  // The browser's Amplify calls are unsigned public operations; the SDK signs with whatever keys it has.
  const cognito = new CognitoIdentityProviderClient({
    region: REGION,
    endpoint: urls.localAws,
    credentials: { accessKeyId: 'browser', secretAccessKey: 'browser' },
    maxAttempts: 1,
  });
  const backend: CorbadoBackend = createCorbadoBackend({
    baseUrl: urls.localConnect,
    projectId: PROJECT_ID,
    apiSecret: secrets.corbadoApiSecret,
    timeoutMs: 30_000,
  });
  const fapi = fapiClient(urls.localConnect);

  const expectOk = (step: string, res: FapiResponse): Record<string, unknown> => {
    if (res.status !== 200) throw new Error(`${step} answered ${res.status}`);
    return res.body;
  };

  return {
    admin,
    cognito,
    backend,
    fapi,
    /** An email-username user with a permanent password (CONFIRMED); returns the Cognito username. */
    async createUser(email: string, password: string): Promise<string> {
      const created = await admin.send(
        new AdminCreateUserCommand({
          UserPoolId: USER_POOL_ID,
          Username: email,
          MessageAction: 'SUPPRESS',
          UserAttributes: [
            { Name: 'email', Value: email },
            { Name: 'email_verified', Value: 'true' },
          ],
        }),
      );
      const username = created.User?.Username;
      if (username === undefined) throw new Error('AdminCreateUser answered no username');
      await admin.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: USER_POOL_ID,
          Username: username,
          Password: password,
          Permanent: true,
        }),
      );
      return username;
    },
    /** The append ceremony as the app runs it after a password sign-in; returns the credential ID. */
    async appendPasskey(
      username: string,
      email: string,
      authenticator: SoftwareAuthenticator,
    ): Promise<string> {
      const token = await backend.createConnectToken('passkey-append', {
        identifier: username,
        displayName: email,
      });
      const processId = expectOk('append/init', await fapi('append/init', { clientInformation: {} }))
        .processID as string;
      const started = expectOk(
        'append/start',
        await fapi('append/start', { appendTokenValue: token, loadedMs: 1 }, processId),
      );
      const attestationResponse = authenticator.create(started.attestationOptions as string, {
        origin: ORIGIN,
      });
      expectOk('append/finish', await fapi('append/finish', { attestationResponse }, processId));
      return (JSON.parse(attestationResponse) as { id: string }).id;
    },
    /** Connect's half of a passkey login: typed email → pre-login → assertion → signedPasskeyData. */
    async passkeyAssertion(email: string, authenticator: SoftwareAuthenticator): Promise<string> {
      const processId = expectOk('login/init', await fapi('login/init', { clientInformation: {} }))
        .token as string;
      const started = expectOk(
        'login/start',
        await fapi('login/start', { identifier: email, source: 'text-field', loadedMs: 1 }, processId),
      );
      const options = started.assertionOptions;
      if (typeof options !== 'string' || options === '') throw new Error('login/start offered no passkey');
      const assertionResponse = authenticator.get(options, { origin: ORIGIN });
      const finished = expectOk(
        'login/finish',
        await fapi('login/finish', { isConditionalUI: false, assertionResponse }, processId),
      );
      return finished.signedPasskeyData as string;
    },
    /** Cognito's half, as the app's Amplify CUSTOM_WITHOUT_SRP sign-in sends it. */
    async customAuth(
      signedPasskeyData: string,
    ): Promise<{ tokens?: AuthenticationResultType; challengeName?: string }> {
      const { webauthnId } = JSON.parse(
        Buffer.from(signedPasskeyData.split('.')[1] ?? '', 'base64url').toString('utf8'),
      ) as { webauthnId: string };
      const started = await cognito.send(
        new InitiateAuthCommand({
          AuthFlow: 'CUSTOM_AUTH',
          ClientId: CLIENT_ID,
          AuthParameters: { USERNAME: webauthnId },
        }),
      );
      const done = await cognito.send(
        new RespondToAuthChallengeCommand({
          ClientId: CLIENT_ID,
          ChallengeName: 'CUSTOM_CHALLENGE',
          Session: started.Session,
          ChallengeResponses: {
            USERNAME: started.ChallengeParameters?.USERNAME ?? webauthnId,
            ANSWER: signedPasskeyData,
          },
        }),
      );
      return { tokens: done.AuthenticationResult, challengeName: done.ChallengeName };
    },
    destroy(): void {
      admin.destroy();
      cognito.destroy();
    },
  };
}

export type StackClients = ReturnType<typeof stackClients>;

export interface InProcessStack {
  urls: { localAws: string; localConnect: string };
  secrets: StackSecrets;
  clients: StackClients;
  stop(): Promise<void>;
}

export interface StartStackOptions {
  /** Where both servers keep their SQLite files; omitted = in memory. */
  dataDir?: string;
  /** Where the verify trigger sends its Backend API calls. @default local-connect's URL */
  triggerBackendApiUrl?: string;
  /** Overrides of the actions' environment (e.g. endpoints pointed at a fault stub). */
  actionEnvOverrides?: Record<string, string>;
  log?: (line: string) => void;
}

/**
 * Starts local-aws and local-connect in this process on free ports, and sets the trigger handlers'
 * environment in `process.env` (they read it at their cold start, the first sign-in after this).
 */
export async function startStack(options: StartStackOptions = {}): Promise<InProcessStack> {
  const secrets = newSecrets();
  const log = options.log ?? (() => undefined);
  if (options.dataDir !== undefined) {
    mkdirSync(join(options.dataDir, 'local-aws'), { recursive: true });
    mkdirSync(join(options.dataDir, 'local-connect'), { recursive: true });
  }
  const aws = await startLocalAws({
    port: 0,
    log,
    config: localAwsConfig(secrets),
    ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'local-aws') }),
  });
  let connect: Awaited<ReturnType<typeof startLocalConnect>>;
  try {
    connect = await startLocalConnect({
      port: 0,
      log: () => undefined,
      config: await localConnectConfig(secrets, aws.url, options.actionEnvOverrides),
      ...(options.dataDir === undefined ? {} : { dataDir: join(options.dataDir, 'local-connect') }),
    });
  } catch (error) {
    await aws.stop();
    throw error;
  }
  Object.assign(process.env, triggerEnv(secrets, aws.url, options.triggerBackendApiUrl ?? connect.url));
  const urls = { localAws: aws.url, localConnect: connect.url };
  const clients = stackClients(secrets, urls);
  return {
    urls,
    secrets,
    clients,
    async stop() {
      clients.destroy();
      await connect.stop();
      await aws.stop();
    },
  };
}

export { SoftwareAuthenticator };
