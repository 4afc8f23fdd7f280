import type { IncomingMessage } from 'node:http';
import {
  errorName,
  serve,
  type Clock,
  type CorsPolicy,
  type Logger,
  type RouteHandler,
  type RouteTable,
  type RunningHttpServer,
  type ServeOptions,
} from '@cognito-passkeys/emulator-kit';
import { createConnectToken, checkBackendAuth, verifySignedData } from './backend-api';
import { parseConfig, type LocalConnectConfig } from './config';
import { defaultLogger, type ServerDeps } from './context';
import { ActionError, ConfigError, RequestError } from './errors';
import { ActionRunner } from './actions';
import * as fapi from './frontend-api/index';
import { asRequestError, frontendCors, header, newRequestId, sendError, sendJson } from './http';
import { PasskeyDataSigner } from './signed-passkey-data';
import { Store } from './store';

export interface StartOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Where the SQLite database lives; omitted = in memory (gone on stop). */
  dataDir?: string;
  config: LocalConnectConfig;
  /** The clock. @default () => new Date() */
  now?: Clock;
  /** Structured log sink. @default JSON lines on stderr */
  log?: Logger;
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

type Handler = (deps: ServerDeps, req: IncomingMessage) => Promise<unknown>;

const BACKEND_ROUTES: Record<string, Handler> = {
  '/v2/connectTokens': createConnectToken,
  '/v2/passkey/verifySignedData': verifySignedData,
  '/v2/passkeys/verifySignedData': verifySignedData,
};

const FRONTEND_ROUTES: Record<string, Handler> = {
  '/v2/connect/login/init': fapi.loginInit,
  '/v2/connect/login/start': fapi.loginStart,
  '/v2/connect/login/finish': fapi.loginFinish,
  '/v2/connect/append/init': fapi.appendInit,
  '/v2/connect/append/start': fapi.appendStart,
  '/v2/connect/append/finish': fapi.appendFinish,
  '/v2/connect/manage/init': fapi.manageInit,
  '/v2/connect/manage/list': fapi.manageList,
  '/v2/connect/manage/delete': fapi.manageDelete,
  '/v2/connect/events': fapi.recordEvent,
  '/v2/connect/process/clear': fapi.processClear,
};

const INIT_ROUTES = new Set(['/v2/connect/login/init', '/v2/connect/append/init', '/v2/connect/manage/init']);

/**
 * How often (by the server's clock) an init may purge expired rows. Expiry is checked on every read, so
 * purging only bounds the database's size; doing it on every init cost a tenth of a login.
 */
export const PURGE_INTERVAL_MS = 1000;

/** The JWKS the backend fetches to verify signed passkey data: GET only, no CORS. */
function serveJwks(deps: ServerDeps): RouteHandler {
  return (req, res) => {
    if (req.method !== 'GET') throw new RequestError('method_not_allowed', 'use GET');
    sendJson(res, 200, deps.signer.jwks());
  };
}

/**
 * A Backend API route. Server to server only: a browser always sends Origin on a cross-origin call (and
 * on any POST), so a request that has one is refused before anything else, and no CORS header is ever
 * sent here.
 */
function backendRoute(deps: ServerDeps, handler: Handler): RouteHandler {
  return async (req, res) => {
    if (header(req, 'origin') !== undefined) {
      throw new RequestError('origin_not_allowed', 'the Backend API is not for browsers');
    }
    if (req.method !== 'POST') throw new RequestError('method_not_allowed', 'use POST');
    checkBackendAuth(req, deps.config.projectId, deps.config.apiSecret);
    sendJson(res, 200, await handler(deps, req));
  };
}

/** A Frontend API route: only the relying party's origins, a preflight, POST, and this project's ID. */
function frontendRoute(
  deps: ServerDeps,
  cors: CorsPolicy,
  handler: Handler,
  beforeInit?: (nowMs: number) => void,
): RouteHandler {
  return async (req, res) => {
    const origin = header(req, 'origin');
    if (origin !== undefined) {
      if (!cors.allows(origin)) {
        throw new RequestError('origin_not_allowed', 'this origin may not call the Frontend API');
      }
      for (const [name, value] of Object.entries(cors.headersFor(origin))) res.setHeader(name, value);
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors.preflightHeaders);
      res.end();
      return;
    }
    if (req.method !== 'POST') throw new RequestError('method_not_allowed', 'use POST');
    if (header(req, 'x-corbado-projectid') !== deps.config.projectId) {
      throw new RequestError('project_id_mismatch', 'x-corbado-projectid does not name this project');
    }
    beforeInit?.(deps.now().getTime());
    sendJson(res, 200, await handler(deps, req));
  };
}

/** Every path this server answers; anything else is Corbado's `not_found`. */
function routeTable(deps: ServerDeps, purge: (nowMs: number) => void): RouteTable {
  const cors = frontendCors(deps.config.rp.origins);
  const routes: Record<string, RouteHandler> = { '/.well-known/jwks.json': serveJwks(deps) };
  for (const [path, handler] of Object.entries(BACKEND_ROUTES)) routes[path] = backendRoute(deps, handler);
  for (const [path, handler] of Object.entries(FRONTEND_ROUTES)) {
    routes[path] = frontendRoute(deps, cors, handler, INIT_ROUTES.has(path) ? purge : undefined);
  }
  return routes;
}

/** Corbado's error body for anything a route throws; an unexpected failure is logged by name only. */
function answerError(deps: ServerDeps): ServeOptions['onError'] {
  return (err, _req, res, info) => {
    const ctx = { requestId: newRequestId(), startedMs: info.startedMs };
    const known = asRequestError(err);
    if (known === undefined) {
      deps.log({ level: 'error', event: 'request_failed', requestId: ctx.requestId, error: errorName(err) });
    }
    sendError(res, ctx, known ?? new RequestError('internal_error', 'the request could not be handled'));
  };
}

/** Starts a local Corbado Connect on 127.0.0.1 (by default) and a free port. */
export async function start(options: StartOptions): Promise<RunningServer> {
  const config = parseConfig(options.config);
  const now = options.now ?? (() => new Date());
  const log = options.log ?? defaultLogger;
  const actions = {
    ...(config.actions.preLogin
      ? { preLogin: new ActionRunner({ name: 'pre-login', log, ...config.actions.preLogin }) }
      : {}),
    ...(config.actions.postAppend
      ? { postAppend: new ActionRunner({ name: 'post-append', log, ...config.actions.postAppend }) }
      : {}),
  };
  const closeActions = () =>
    Promise.all([actions.preLogin?.close(), actions.postAppend?.close()]).then(() => undefined);
  try {
    // Warm now, as a deployed action is: a script that cannot load is a startup error, not a failed login.
    await Promise.all([actions.preLogin?.warm(), actions.postAppend?.warm()]);
  } catch (err) {
    await closeActions();
    if (err instanceof ActionError) {
      throw new ConfigError('invalid_config', `an action script could not be loaded (${err.code})`, {
        cause: err,
      });
    }
    throw err;
  }

  const store = new Store(options.dataDir);
  let signer: PasskeyDataSigner;
  try {
    signer = await PasskeyDataSigner.open(store, config.projectId, now);
  } catch (err) {
    store.close();
    await closeActions();
    throw err;
  }

  let url = '';
  const deps: ServerDeps = {
    config,
    store,
    signer,
    now,
    log,
    frontendApiUrl: () => (config.publicUrl ?? url).replace(/\/$/, ''),
    actions,
  };
  let lastPurgeMs = Number.NEGATIVE_INFINITY;
  const purge = (nowMs: number) => {
    if (Math.abs(nowMs - lastPurgeMs) < PURGE_INTERVAL_MS) return;
    lastPurgeMs = nowMs;
    store.purgeExpired(nowMs);
  };
  let http: RunningHttpServer;
  try {
    http = await serve({
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host !== undefined ? { host: options.host } : {}),
      routes: routeTable(deps, purge),
      fallback: () => {
        throw new RequestError('not_found', 'no such endpoint');
      },
      onError: answerError(deps),
    });
  } catch (err) {
    store.close();
    await closeActions();
    throw err;
  }
  // A wildcard bind is reached through loopback; browsers get publicUrl when that is not enough.
  url = http.url;
  log({ level: 'info', event: 'started', url, persistent: options.dataDir !== undefined });

  let stopped: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopped ??= http
        .stop()
        .then(closeActions)
        .then(() => store.close());
      return stopped;
    },
  };
}
