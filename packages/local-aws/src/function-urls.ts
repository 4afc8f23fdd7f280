import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context } from './context';

/** Lambda Function URLs give each invocation this long unless the function's config says otherwise. */
const FUNCTION_URL_TIMEOUT_SECONDS = 30;
const TEXT_TYPES =
  /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript)|[^;]*\+json|[^;]*\+xml)/i;

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

/** The payload format 2.0 event a Function URL gives its handler. */
export function buildEvent(
  name: string,
  req: IncomingMessage,
  subPath: string,
  rawQuery: string,
  body: Buffer,
): Record<string, unknown> {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    const lower = key.toLowerCase();
    if (lower === 'cookie') {
      cookies.push(...String(value).split(/;\s*/).filter(Boolean));
      continue;
    }
    headers[lower] = Array.isArray(value) ? value.join(',') : value;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(rawQuery)) query[k] = k in query ? `${query[k]},${v}` : v;
  const isText = TEXT_TYPES.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: subPath,
    rawQueryString: rawQuery,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(rawQuery !== '' ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: 'anonymous',
      apiId: name,
      domainName: headers.host ?? 'localhost',
      domainPrefix: name,
      http: {
        method: req.method ?? 'GET',
        path: subPath,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** Maps a handler's result to HTTP as Function URLs do (a bare value becomes a 200 JSON answer). */
export function mapResult(result: unknown): HttpAnswer {
  const json = (status: number, body: string): HttpAnswer => ({
    status,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(body),
  });
  if (typeof result === 'string') return json(200, result);
  if (typeof result !== 'object' || result === null || !('statusCode' in result))
    return json(200, JSON.stringify(result ?? null));
  const r = result as {
    statusCode?: unknown;
    headers?: unknown;
    body?: unknown;
    isBase64Encoded?: unknown;
    cookies?: unknown;
  };
  const status =
    typeof r.statusCode === 'number' && r.statusCode >= 100 && r.statusCode <= 599 ? r.statusCode : 502;
  const headers: Record<string, string | string[]> = {};
  if (typeof r.headers === 'object' && r.headers !== null) {
    for (const [k, v] of Object.entries(r.headers))
      if (v !== undefined && v !== null) headers[k.toLowerCase()] = String(v);
  }
  if (Array.isArray(r.cookies)) headers['set-cookie'] = r.cookies.map(String);
  const raw = typeof r.body === 'string' ? r.body : r.body === undefined ? '' : JSON.stringify(r.body);
  return {
    status,
    headers,
    body: r.isBase64Encoded === true ? Buffer.from(raw, 'base64') : Buffer.from(raw),
  };
}

export async function invokeFunctionUrl(
  ctx: Context,
  name: string,
  event: Record<string, unknown>,
): Promise<HttpAnswer> {
  try {
    return mapResult(await ctx.lambdas.invoke(name, event, FUNCTION_URL_TIMEOUT_SECONDS));
  } catch {
    // A failing function is a 502 with Lambda's body; its error stays in the log.
    return {
      status: 502,
      headers: { 'content-type': 'application/json' },
      body: Buffer.from('{"Message":"Internal Server Error"}'),
    };
  }
}
