import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig, type LocalAwsConfig } from './config';
import type { Context, Operation } from './context';
import * as auth from './cognito-auth';
import * as pools from './cognito-pools';
import * as users from './cognito-users';
import { JSON_ERROR_STATUS } from './error-codes';
import { ServiceError } from './errors';
import { authorizeJsonRequest, type JsonService } from './iam';
import { LambdaRegistry } from './lambda';
import { headerValue, type ReceivedRequest } from './sigv4';
import * as ssm from './ssm';
import { Store } from './store';
import { handleStsRequest } from './sts';
import { TokenSigner } from './tokens';

export interface StartOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Where the SQLite file lives; omitted = in memory, gone at `stop()`. */
  dataDir?: string;
  config: LocalAwsConfig;
  /** Where log lines go. @default console.log */
  log?: (line: string) => void;
}

export interface LocalAws {
  url: string;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

const COGNITO: Record<string, Operation> = {
  InitiateAuth: auth.initiateAuth,
  RespondToAuthChallenge: auth.respondToAuthChallenge,
  GetTokensFromRefreshToken: auth.getTokensFromRefreshToken,
  GetUser: auth.getUser,
  RevokeToken: auth.revokeToken,
  GlobalSignOut: auth.globalSignOut,
  SignUp: users.signUp,
  ConfirmSignUp: users.confirmSignUp,
  ResendConfirmationCode: users.resendConfirmationCode,
  ForgotPassword: users.forgotPassword,
  ConfirmForgotPassword: users.confirmForgotPassword,
  SetUserMFAPreference: users.setUserMFAPreference,
  AdminCreateUser: users.adminCreateUser,
  AdminSetUserPassword: users.adminSetUserPassword,
  AdminResetUserPassword: users.adminResetUserPassword,
  AdminGetUser: users.adminGetUser,
  AdminDeleteUser: users.adminDeleteUser,
  AdminDisableUser: users.adminSetEnabled(false),
  AdminEnableUser: users.adminSetEnabled(true),
  AdminUpdateUserAttributes: users.adminUpdateUserAttributes,
  AdminConfirmSignUp: users.adminConfirmSignUp,
  AdminUserGlobalSignOut: users.adminUserGlobalSignOut,
  AdminSetUserMFAPreference: users.adminSetUserMFAPreference,
  ListUsers: users.listUsers,
  CreateUserPool: pools.createUserPool,
  DescribeUserPool: pools.describeUserPool,
  ListUserPools: pools.listUserPools,
  CreateUserPoolClient: pools.createUserPoolClient,
  DescribeUserPoolClient: pools.describeUserPoolClient,
  ListUserPoolClients: pools.listUserPoolClients,
};

const SSM: Record<string, Operation> = {
  GetParameter: ssm.getParameter,
  GetParameters: ssm.getParameters,
  PutParameter: ssm.putParameter,
};

/** Every `X-Amz-Target` this server answers. */
export const SUPPORTED_TARGETS: readonly string[] = [
  ...Object.keys(COGNITO).map((op) => `AWSCognitoIdentityProviderService.${op}`),
  ...Object.keys(SSM).map((op) => `AmazonSSM.${op}`),
];

interface ResolvedOperation {
  /** The IAM service prefix (and SigV4 signing name). */
  service: JsonService;
  name: string;
  run: Operation;
}

function resolveOperation(target: string | undefined): ResolvedOperation | undefined {
  if (target === undefined) return undefined;
  const [prefix, name] = target.split('.', 2);
  if (name === undefined) return undefined;
  const [service, table] =
    prefix === 'AWSCognitoIdentityProviderService'
      ? (['cognito-idp', COGNITO] as const)
      : prefix === 'AmazonSSM'
        ? (['ssm', SSM] as const)
        : [];
  const run = table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
  return service === undefined || run === undefined ? undefined : { service, name, run };
}

/** STS speaks the query protocol: a form body and no `X-Amz-Target` (the JSON protocols always send one). */
function isQueryProtocol(req: IncomingMessage): boolean {
  const type = req.headers['content-type'] ?? '';
  return req.headers['x-amz-target'] === undefined && /^application\/x-www-form-urlencoded\b/i.test(type);
}

/**
 * The request headers Amplify v6's user-pool client sends from a browser (`@aws-amplify/core`'s
 * unauthenticated handler: `x-amz-user-agent`, `amz-sdk-invocation-id`, `amz-sdk-request`; `@aws-amplify/auth`'s
 * serializer and transfer handler: `content-type`, `x-amz-target`, `cache-control`): all a preflight may ask
 * for. Not `authorization`: a page has no business signing admin calls.
 */
const BROWSER_REQUEST_HEADERS =
  'content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request,cache-control';
/** One preflight per origin and header set for two hours (Chromium's cap), not one per sign-in. */
const PREFLIGHT_MAX_AGE_SECONDS = '7200';

/** The CORS headers of every answer to an allowed origin: exactly that origin, never `*`. */
function corsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-expose-headers': 'x-amzn-errortype,x-amzn-requestid',
    vary: 'origin',
  };
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOSTS = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

/**
 * Whether a request comes from this machine and names it as such: the peer is a loopback address and the
 * `Host` a loopback name (a page on another site whose name was re-pointed at 127.0.0.1 sends its own).
 */
function isLocalClient(req: IncomingMessage): boolean {
  const host = headerValue(req.headers, 'host') ?? '';
  return LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '') && LOOPBACK_HOSTS.test(host);
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string | string[]>,
  body: Buffer | string,
): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(
  res: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, { 'content-type': 'application/json', ...headers }, JSON.stringify(value));
}

function sendAwsError(res: ServerResponse, requestId: string, error: ServiceError): void {
  send(
    res,
    JSON_ERROR_STATUS[error.code] ?? 400,
    {
      'content-type': 'application/x-amz-json-1.1',
      'x-amzn-errortype': error.code,
      'x-amzn-requestid': requestId,
    },
    JSON.stringify({ __type: error.code, message: error.message }),
  );
}

/** A malformed escape in a path is just a name that matches nothing. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Reads the body up to `limit` bytes; undefined when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      else if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the server: Cognito user pools and SSM over AWS JSON 1.1, STS over the query protocol, JWKS and the outbox. */
export async function start(options: StartOptions): Promise<LocalAws> {
  const config = parseConfig(options.config);
  const log = options.log ?? ((line: string) => console.log(line));
  const store = new Store(options.dataDir);
  let keyHex = store.getMeta('parameter-key');
  if (keyHex === undefined) {
    keyHex = randomBytes(32).toString('hex');
    store.setMeta('parameter-key', keyHex);
  }
  const ctx: Context = {
    store,
    signer: await TokenSigner.load(store),
    lambdas: new LambdaRegistry(config.functions, config.region, config.accountId, log),
    config,
    log,
    parameterKey: Buffer.from(keyHex, 'hex'),
  };
  const allowedOrigins = new Set(config.allowedOrigins);
  pools.seedPools(ctx);
  for (const p of config.parameters) ssm.writeParameter(ctx, p.name, p.type, p.value, true);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = randomUUID();
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendJson(res, 400, { message: 'Bad request URL' });
      return;
    }
    const path = url.pathname;
    const origin = headerValue(req.headers, 'origin');
    // Sign-in codes: for this machine's tools and a developer's browser tab, never for a web page (any
    // page's request carries an Origin; a tab opened on the URL does not).
    if (path === '/_local/outbox') {
      if (origin !== undefined || !isLocalClient(req)) {
        sendAwsError(
          res,
          requestId,
          new ServiceError(
            'ForbiddenException',
            'The outbox is served only to local clients, not to web pages.',
          ),
        );
      } else if (req.method !== 'GET') {
        sendJson(res, 404, { message: 'Not Found' });
      } else {
        sendJson(res, 200, { messages: store.listMessages(url.searchParams.get('to') ?? undefined) });
      }
      return;
    }
    // Browsers: only the configured app origins, so that no other site's page can drive this server, not
    // even with "simple" requests that skip the preflight. SDKs and Node send no Origin.
    if (origin !== undefined) {
      if (!allowedOrigins.has(origin)) {
        sendAwsError(
          res,
          requestId,
          new ServiceError('ForbiddenException', 'Requests from this origin are not allowed.'),
        );
        return;
      }
      for (const [name, value] of Object.entries(corsHeaders(origin))) res.setHeader(name, value);
    }
    if (req.method === 'OPTIONS') {
      send(
        res,
        204,
        origin === undefined
          ? {}
          : {
              'access-control-allow-methods': 'GET,POST',
              'access-control-allow-headers': BROWSER_REQUEST_HEADERS,
              'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
            },
        '',
      );
      return;
    }
    if (req.method === 'GET') {
      const jwks = /^\/([^/]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(path);
      const pool = jwks === null ? undefined : store.getPool(safeDecode(jwks[1] ?? ''));
      if (jwks !== null && pool !== undefined) {
        if (jwks[2] === 'jwks.json') {
          sendJson(res, 200, ctx.signer.jwks());
        } else {
          const region = (JSON.parse(pool.settings) as { region: string }).region;
          const issuer = `https://cognito-idp.${region}.amazonaws.com/${pool.id}`;
          sendJson(res, 200, {
            issuer,
            jwks_uri: `${issuer}/.well-known/jwks.json`,
            id_token_signing_alg_values_supported: ['RS256'],
            subject_types_supported: ['public'],
            response_types_supported: ['code', 'token'],
          });
        }
        return;
      }
      if (path === '/_local/health') {
        sendJson(res, 200, { ok: true });
        return;
      }
      sendJson(res, 404, { message: 'Not Found' });
      return;
    }
    if (req.method !== 'POST' || path !== '/') {
      sendJson(res, 404, { message: 'Not Found' });
      return;
    }
    const raw = await readBody(req, MAX_BODY_BYTES);
    if (raw === undefined) {
      sendAwsError(
        res,
        requestId,
        new ServiceError('RequestEntityTooLargeException', 'Request body is too large.'),
      );
      return;
    }
    const received: ReceivedRequest = {
      method: req.method,
      path: safeDecode(path),
      query: url.searchParams,
      headers: req.headers,
      body: raw,
    };
    if (isQueryProtocol(req)) {
      const answer = await handleStsRequest(ctx, received, requestId);
      send(res, answer.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, answer.body);
      return;
    }
    const targetHeader = req.headers['x-amz-target'];
    const operation = resolveOperation(Array.isArray(targetHeader) ? targetHeader[0] : targetHeader);
    if (operation === undefined) {
      sendAwsError(
        res,
        requestId,
        new ServiceError('UnknownOperationException', 'The operation is not supported.'),
      );
      return;
    }
    let body: unknown;
    try {
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
    } catch {
      sendAwsError(
        res,
        requestId,
        new ServiceError('SerializationException', 'The request body is not valid JSON.'),
      );
      return;
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      sendAwsError(
        res,
        requestId,
        new ServiceError('SerializationException', 'The request body must be a JSON object.'),
      );
      return;
    }
    try {
      const input = body as Record<string, unknown>;
      await authorizeJsonRequest(ctx, received, operation.service, operation.name, input);
      const result = await operation.run(ctx, input);
      send(
        res,
        200,
        { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': requestId },
        JSON.stringify(result ?? {}),
      );
    } catch (err) {
      if (err instanceof ServiceError) {
        sendAwsError(res, requestId, err);
        return;
      }
      throw err;
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log(`[local-aws] internal error: ${err instanceof Error ? err.name : typeof err}`);
      send(
        res,
        500,
        { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'InternalErrorException' },
        '{"__type":"InternalErrorException","message":"Internal error."}',
      );
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  let stopped = false;
  return {
    url: `http://${urlHost}:${port}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      store.close();
    },
  };
}
