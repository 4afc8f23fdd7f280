import type { IncomingMessage } from 'node:http';
import {
  corsPolicy,
  headerValue,
  send,
  type CorsPolicy,
  type RouteHandler,
} from '@cognito-passkeys/emulator-kit';
import { ServiceError } from './errors';

/**
 * The request headers Amplify v6's user-pool client sends from a browser (`@aws-amplify/core`'s
 * unauthenticated handler: `x-amz-user-agent`, `amz-sdk-invocation-id`, `amz-sdk-request`; `@aws-amplify/auth`'s
 * serializer and transfer handler: `content-type`, `x-amz-target`, `cache-control`): all a preflight may ask
 * for. Not `authorization`: a page has no business signing admin calls.
 */
const BROWSER_REQUEST_HEADERS =
  'content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request,cache-control';

/**
 * Only the configured app origins, so that no other site's page can drive this server, not even with
 * "simple" requests that skip the preflight; SDKs and Node send no Origin. Error headers are exposed so
 * Amplify can read the error type. Preflights are cached for the kit's two hours (Chromium's cap), not
 * sent once per sign-in.
 */
export function appCors(origins: readonly string[]): CorsPolicy {
  return corsPolicy({
    origins,
    allowMethods: 'GET,POST',
    allowHeaders: BROWSER_REQUEST_HEADERS,
    exposeHeaders: 'x-amzn-errortype,x-amzn-requestid',
  });
}

/**
 * Runs `handler` for requests without an Origin or from an allowed one (with its CORS headers set), and
 * answers preflights itself; any other origin gets `ForbiddenException`.
 */
export function browserGate(cors: CorsPolicy, handler: RouteHandler): RouteHandler {
  return (req, res, info) => {
    const origin = headerValue(req.headers, 'origin');
    if (origin !== undefined) {
      if (!cors.allows(origin)) {
        throw new ServiceError('ForbiddenException', 'Requests from this origin are not allowed.');
      }
      for (const [name, value] of Object.entries(cors.headersFor(origin))) res.setHeader(name, value);
    }
    if (req.method === 'OPTIONS') {
      send(res, 204, origin === undefined ? {} : cors.preflightHeaders);
      return;
    }
    return handler(req, res, info);
  };
}

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
const LOOPBACK_HOSTS = /^(?:localhost|127\.0\.0\.1|\[::1\])(?::\d{1,5})?$/i;

/**
 * Whether a request comes from this machine and names it as such: the peer is a loopback address and the
 * `Host` a loopback name (a page on another site whose name was re-pointed at 127.0.0.1 sends its own).
 */
export function isLocalClient(req: IncomingMessage): boolean {
  const host = headerValue(req.headers, 'host') ?? '';
  return LOOPBACK_ADDRESSES.has(req.socket.remoteAddress ?? '') && LOOPBACK_HOSTS.test(host);
}
