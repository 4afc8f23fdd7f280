import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConnectToken, checkBackendAuth, verifySignedData } from './backend-api';
import { parseConfig, type LocalConnectConfig } from './config';
import { stderrLogger, type Logger, type ServerDeps } from './context';
import { ActionError, ConfigError, RequestError } from './errors';
import { ActionRunner } from './actions';
import * as fapi from './frontend-api/index';
import { PREFLIGHT_HEADERS, corsHeaders, header, newRequestId, sendError, sendJson } from './http';
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
  now?: () => Date;
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

async function route(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  purge: (nowMs: number) => void,
) {
  // The path without the query: request URLs here are origin-form (`/v2/...?...`), so no URL parser is needed.
  const rawUrl = req.url ?? '/';
  const query = rawUrl.indexOf('?');
  const path = query === -1 ? rawUrl : rawUrl.slice(0, query);

  if (path === '/.well-known/jwks.json') {
    if (req.method !== 'GET') throw new RequestError('method_not_allowed', 'use GET');
    sendJson(res, 200, deps.signer.jwks());
    return;
  }

  const backend = BACKEND_ROUTES[path];
  if (backend) {
    // Server to server only: a browser always sends Origin on a cross-origin call (and on any POST), so
    // a request that has one is refused before anything else, and no CORS header is ever sent here.
    if (header(req, 'origin') !== undefined) {
      throw new RequestError('origin_not_allowed', 'the Backend API is not for browsers');
    }
    if (req.method !== 'POST') throw new RequestError('method_not_allowed', 'use POST');
    checkBackendAuth(req, deps.config.projectId, deps.config.apiSecret);
    sendJson(res, 200, await backend(deps, req));
    return;
  }

  const frontend = FRONTEND_ROUTES[path];
  if (!frontend) throw new RequestError('not_found', 'no such endpoint');

  const origin = header(req, 'origin');
  if (origin !== undefined) {
    if (!deps.config.rp.origins.includes(origin)) {
      throw new RequestError('origin_not_allowed', 'this origin may not call the Frontend API');
    }
    for (const [name, value] of Object.entries(corsHeaders(origin))) res.setHeader(name, value);
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(204, PREFLIGHT_HEADERS);
    res.end();
    return;
  }
  if (req.method !== 'POST') throw new RequestError('method_not_allowed', 'use POST');
  if (header(req, 'x-corbado-projectid') !== deps.config.projectId) {
    throw new RequestError('project_id_mismatch', 'x-corbado-projectid does not name this project');
  }
  if (INIT_ROUTES.has(path)) purge(deps.now().getTime());
  sendJson(res, 200, await frontend(deps, req));
}

function handle(
  deps: ServerDeps,
  req: IncomingMessage,
  res: ServerResponse,
  purge: (nowMs: number) => void,
): void {
  const startedMs = performance.now();
  route(deps, req, res, purge).catch((err: unknown) => {
    const ctx = { requestId: newRequestId(), startedMs };
    const requestError =
      err instanceof RequestError
        ? err
        : new RequestError('internal_error', 'the request could not be handled');
    if (!(err instanceof RequestError)) {
      deps.log({
        level: 'error',
        event: 'request_failed',
        requestId: ctx.requestId,
        error: err instanceof Error ? err.name : 'unknown',
      });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, ctx, requestError);
  });
}

/** Starts a local Corbado Connect on 127.0.0.1 (by default) and a free port. */
export async function start(options: StartOptions): Promise<RunningServer> {
  const config = parseConfig(options.config);
  const now = options.now ?? (() => new Date());
  const log = options.log ?? stderrLogger;
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
  const server = createServer((req, res) => handle(deps, req, res, purge));
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    store.close();
    await closeActions();
    throw err;
  });
  const address = server.address() as AddressInfo;
  // A wildcard bind is reached through loopback; browsers get publicUrl when that is not enough.
  const reachable =
    address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  const host = reachable.includes(':') ? `[${reachable}]` : reachable;
  url = `http://${host}:${address.port}`;
  log({ level: 'info', event: 'started', url, persistent: options.dataDir !== undefined });

  let stopped: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })
        .then(closeActions)
        .then(() => store.close());
      return stopped;
    },
  };
}
