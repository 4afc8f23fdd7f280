import { randomBytes } from 'node:crypto';
import {
  jsonLineLogger,
  sendJson,
  serve,
  systemClock,
  type Clock,
  type CorsPolicy,
  type Logger,
  type RouteHandler,
  type RouteTable,
} from '@cognito-passkeys/emulator-kit';
import { awsApi, safeDecode } from './aws-api';
import { appCors, browserGate, isLocalClient } from './browser-access';
import { parseConfig, type LocalAwsConfig } from './config';
import type { Context } from './context';
import * as pools from './cognito-pools';
import { ServiceError } from './errors';
import { LambdaRegistry } from './lambda';
import * as ssm from './ssm';
import { Store } from './store';
import { TokenSigner } from './tokens';
import { answerError } from './wire';

export { SUPPORTED_TARGETS } from './aws-api';

export interface StartOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Where the SQLite file lives; omitted = in memory, gone at `stop()`. */
  dataDir?: string;
  config: LocalAwsConfig;
  /** The clock every expiry and timestamp reads. @default the system clock */
  now?: Clock;
  /** Where the JSON log lines go, one record per call. @default stderr */
  log?: (line: string) => void;
}

export interface LocalAws {
  url: string;
  stop(): Promise<void>;
}

const notFound: RouteHandler = (_req, res) => sendJson(res, 404, { message: 'Not Found' });

/**
 * `GET /_local/outbox[?to=]`: sign-in codes, for this machine's tools and a developer's browser tab, never
 * for a web page (any page's request carries an Origin; a tab opened on the URL does not).
 */
function outbox(ctx: Context): RouteHandler {
  return (req, res, info) => {
    if (req.headers.origin !== undefined || !isLocalClient(req)) {
      throw new ServiceError(
        'ForbiddenException',
        'The outbox is served only to local clients, not to web pages.',
      );
    }
    if (req.method !== 'GET') return notFound(req, res, info);
    const to = new URLSearchParams(info.search).get('to') ?? undefined;
    sendJson(res, 200, { messages: ctx.store.listMessages(to) });
  };
}

const health: RouteHandler = (req, res, info) =>
  req.method === 'GET' ? sendJson(res, 200, { ok: true }) : notFound(req, res, info);

const WELL_KNOWN = /^\/([^/]+)\/\.well-known\/(jwks\.json|openid-configuration)$/;

/** `GET /{poolId}/.well-known/{jwks.json,openid-configuration}`, as `cognito-idp.{region}.amazonaws.com` serves them. */
function wellKnown(ctx: Context): RouteHandler {
  return (req, res, info) => {
    const match = req.method === 'GET' ? WELL_KNOWN.exec(info.path) : null;
    const pool = match === null ? undefined : ctx.store.getPool(safeDecode(match[1] ?? ''));
    if (match === null || pool === undefined) return notFound(req, res, info);
    if (match[2] === 'jwks.json') {
      sendJson(res, 200, ctx.signer.jwks());
      return;
    }
    const region = (JSON.parse(pool.settings) as { region: string }).region;
    const issuer = `https://cognito-idp.${region}.amazonaws.com/${pool.id}`;
    sendJson(res, 200, {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      response_types_supported: ['code', 'token'],
    });
  };
}

/** Every path this server answers; all but the outbox sit behind the app-origin gate. */
function routeTable(ctx: Context, cors: CorsPolicy): { routes: RouteTable; fallback: RouteHandler } {
  return {
    routes: {
      '/': browserGate(cors, awsApi(ctx)),
      '/_local/outbox': outbox(ctx),
      '/_local/health': browserGate(cors, health),
    },
    fallback: browserGate(cors, wellKnown(ctx)),
  };
}

/** The state every operation shares, from the parsed config and the store (seeded on first start). */
async function openContext(
  config: ReturnType<typeof parseConfig>,
  store: Store,
  log: Logger,
  now: Clock,
): Promise<Context> {
  let keyHex = store.getMeta('parameter-key');
  if (keyHex === undefined) {
    keyHex = randomBytes(32).toString('hex');
    store.setMeta('parameter-key', keyHex);
  }
  const ctx: Context = {
    store,
    signer: await TokenSigner.load(store),
    // The registry writes lines; each becomes one record.
    lambdas: new LambdaRegistry(config, (line) =>
      log({ level: 'warn', event: 'function', message: line.replace(/^\[local-aws\] /, '') }),
    ),
    config,
    log,
    now,
    parameterKey: Buffer.from(keyHex, 'hex'),
  };
  pools.seedPools(ctx);
  for (const p of config.parameters) {
    if (p.overwrite || store.getParameter(p.name) === undefined)
      ssm.writeParameter(ctx, p.name, p.type, p.value, true);
  }
  return ctx;
}

/** Starts the server: Cognito user pools and SSM over AWS JSON 1.1, STS over the query protocol, JWKS and the outbox. */
export async function start(options: StartOptions): Promise<LocalAws> {
  const config = parseConfig(options.config);
  const log = jsonLineLogger('local-aws', options.log ?? ((line) => process.stderr.write(`${line}\n`)));
  const store = new Store(options.dataDir);
  let http;
  let lambdas: LambdaRegistry | undefined;
  try {
    const ctx = await openContext(config, store, log, options.now ?? systemClock);
    lambdas = ctx.lambdas;
    http = await serve({
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
      ...routeTable(ctx, appCors(config.allowedOrigins)),
      onError: answerError(log),
    });
    // Functions with their own environment reach this server's SSM through AWS_ENDPOINT_URL_SSM.
    ctx.lambdas.serveAt(http.url);
  } catch (err) {
    store.close();
    throw err;
  }
  const server = http;
  let stopped: Promise<void> | undefined;
  return {
    url: server.url,
    stop() {
      stopped ??= server
        .stop()
        .then(() => lambdas?.close())
        .then(() => store.close());
      return stopped;
    },
  };
}
