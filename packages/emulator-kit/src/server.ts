import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KitError } from './errors';

/** What the kit knows of a request before a handler runs. */
export interface RequestInfo {
  /** The path without the query, as the WHATWG URL parser normalises it (`/a/../b` is `/b`). */
  path: string;
  /** The query string without its `?` (empty when there is none). */
  search: string;
  /** `performance.now()` when the request arrived, for the runtime an error body reports. */
  startedMs: number;
}

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  info: RequestInfo,
) => Promise<void> | void;

/** Exact paths to handlers. A path not in the table goes to the server's `fallback`. */
export type RouteTable = Readonly<Record<string, RouteHandler>>;

export interface ServeOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  routes: RouteTable;
  /** Answers a path that is in no route (a pattern route, or the protocol's "not found"). */
  fallback: RouteHandler;
  /**
   * The emulator's error shape: answers any error a handler throws (its own typed errors, a kit
   * `BodyError`, a `KitError('bad_url')`, or an unexpected failure) in its protocol's wire format. It
   * must never put a stack or an unexpected error's message in the answer. If the answer had already
   * started, or the hook itself throws, the connection is dropped instead.
   */
  onError: (err: unknown, req: IncomingMessage, res: ServerResponse, info: RequestInfo) => void;
  /** Node's whole-request deadline. @default 30000 */
  requestTimeoutMs?: number;
  /** Node's deadline for the request head. @default 10000 */
  headersTimeoutMs?: number;
  /**
   * How long an idle keep-alive connection stays open. Node's 5 s is shorter than the pauses between a
   * client's calls, and a client that reuses a socket just as the server closes it gets ECONNRESET; AWS's
   * endpoints keep idle connections far longer. @default 65000
   */
  keepAliveTimeoutMs?: number;
}

export interface RunningHttpServer {
  /** `http://host:port`, reachable from this machine (a wildcard bind is reached through loopback). */
  url: string;
  server: Server;
  /** Closes the listener and every open connection; safe to call twice. */
  stop(): Promise<void>;
}

/** Characters a WHATWG parser leaves as they are in a path (no `%`, `\`, or characters it escapes). */
const PLAIN_PATH = /^\/[\w\-.~!$&'()*+,;=:@/]*$/;

/** Splits the request target; a plain path (the usual case) skips the URL parser, whose answer would equal it. */
export function requestTarget(rawUrl: string | undefined): { path: string; search: string } {
  const raw = rawUrl ?? '/';
  const q = raw.indexOf('?');
  const path = q === -1 ? raw : raw.slice(0, q);
  const search = q === -1 ? '' : raw.slice(q + 1);
  if (PLAIN_PATH.test(path) && !path.includes('/.') && !path.startsWith('//')) return { path, search };
  let url: URL;
  try {
    url = new URL(raw, 'http://localhost');
  } catch (cause) {
    throw new KitError('bad_url', 'the request target is not a URL path', { cause });
  }
  return { path: url.pathname, search: url.search.replace(/^\?/, '') };
}

/** `http://host:port` for the bound address: a wildcard bind is reached through loopback. */
export function reachableUrl(address: AddressInfo): string {
  const host =
    address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/** Starts an HTTP server over a route table, on 127.0.0.1 and a free port unless told otherwise. */
export async function serve(options: ServeOptions): Promise<RunningHttpServer> {
  const { routes, fallback, onError } = options;
  const fail = (err: unknown, req: IncomingMessage, res: ServerResponse, info: RequestInfo) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    try {
      onError(err, req, res, info);
    } catch {
      res.destroy();
    }
  };
  const server = createServer((req, res) => {
    const startedMs = performance.now();
    let info: RequestInfo = { path: '/', search: '', startedMs };
    try {
      info = { ...requestTarget(req.url), startedMs };
      const handler = Object.hasOwn(routes, info.path) ? routes[info.path]! : fallback;
      const done = handler(req, res, info);
      if (done !== undefined) done.catch((err: unknown) => fail(err, req, res, info));
    } catch (err) {
      fail(err, req, res, info);
    }
  });
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  server.headersTimeout = options.headersTimeoutMs ?? 10_000;
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  let stopped: Promise<void> | undefined;
  return {
    url: reachableUrl(server.address() as AddressInfo),
    server,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
