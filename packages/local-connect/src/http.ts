import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { RequestError } from './errors';
import { randomToken } from './ids';

/** Largest request body accepted. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Per-request facts an error body needs. */
export interface RequestContext {
  /** Made only when an error is answered or logged: a successful answer carries no request ID. */
  requestId: string;
  startedMs: number;
}

export function newRequestId(): string {
  return `req-${randomToken(12)}`;
}

function requestData(ctx: RequestContext) {
  return { requestID: ctx.requestId, link: '' };
}

function runtime(ctx: RequestContext): number {
  return Math.round(performance.now() - ctx.startedMs) / 1000;
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
  });
  res.end(payload);
}

/** Corbado's `errorRsp` body (common.yml): the only error shape that leaves the server. */
export function sendError(res: ServerResponse, ctx: RequestContext, err: RequestError): void {
  sendJson(res, err.status, {
    httpStatusCode: err.status,
    message: err.message,
    requestData: requestData(ctx),
    runtime: runtime(ctx),
    data: {},
    error: {
      type: err.code,
      details: err.message,
      ...(err.validation ? { validation: err.validation } : {}),
    },
  });
}

/** Reads the body up to MAX_BODY_BYTES; larger bodies are refused without reading them whole. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? '0');
  const tooLarge = () =>
    new RequestError('payload_too_large', `request body exceeds ${MAX_BODY_BYTES} bytes`);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return Promise.reject(tooLarge());
  }
  // Plain events rather than `for await`: the async iterator costs more than the parsing of a small body.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.off('data', onData);
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', reject);
    // A client that goes away mid-body (or the server's request timeout) closes the request without 'end'.
    req.once('close', () => {
      if (!req.complete) reject(new RequestError('validation_error', 'the request body was cut short'));
    });
  });
}

/** Parses a JSON body against a schema; malformed JSON or a wrong shape is a `validation_error`. */
export async function readJson<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const raw = (await readBody(req)).toString('utf8');
  let json: unknown;
  try {
    json = raw.length === 0 ? {} : JSON.parse(raw);
  } catch (err) {
    throw new RequestError('validation_error', 'request body is not valid JSON', { cause: err });
  }
  return parseWith(schema, json, 'request body');
}

/** Validates a value; the issues become Corbado's `error.validation` list. */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new RequestError('validation_error', `${what} is invalid`, {
      cause: parsed.error,
      validation: parsed.error.issues.map((issue) => ({
        field: issue.path.join('.') || '(root)',
        message: issue.message,
      })),
    });
  }
  return parsed.data;
}

/** The Origin-exact CORS headers for an allowed origin (credentials forbid `*`). */
export function corsHeaders(origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    vary: 'Origin',
  };
}

/**
 * A preflight answer, cached by the browser per origin and URL for `max-age` seconds: 7200 is the most
 * Chromium honours (Firefox allows a day), so a page sends one preflight per route in two hours.
 */
export const PREFLIGHT_HEADERS = {
  'access-control-allow-methods': 'POST, OPTIONS',
  'access-control-allow-headers':
    'content-type, x-corbado-process-id, x-corbado-projectid, x-corbado-sdk, x-corbado-client-timezone',
  'access-control-max-age': '7200',
};

export function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
