import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import {
  BodyError,
  KitError,
  corsPolicy,
  headerValue,
  readBody,
  sendJson as kitSendJson,
  type CorsPolicy,
} from '@cognito-passkeys/emulator-kit';
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

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  kitSendJson(res, status, body, JSON_HEADERS);
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

/** Parses a JSON body against a schema; malformed JSON or a wrong shape is a `validation_error`. */
export async function readJson<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<T> {
  const raw = (await readBody(req, MAX_BODY_BYTES)).toString('utf8');
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

/** The request headers Corbado's web clients send to the Frontend API: all a preflight may ask for. */
export const FRONTEND_REQUEST_HEADERS =
  'content-type, x-corbado-process-id, x-corbado-projectid, x-corbado-sdk, x-corbado-client-timezone';

/**
 * The Frontend API's origin allowlist: exactly the relying party's origins, with credentials (the
 * clients send cookies, which forbids `*`). Preflights are cached for the kit's two hours, so a page
 * sends one per route in that time.
 */
export function frontendCors(origins: readonly string[]): CorsPolicy {
  return corsPolicy({
    origins,
    allowMethods: 'POST, OPTIONS',
    allowHeaders: FRONTEND_REQUEST_HEADERS,
    credentials: true,
  });
}

export function header(req: IncomingMessage, name: string): string | undefined {
  return headerValue(req.headers, name);
}

/** The kit's body errors in this protocol's terms: too large is 413, a body cut short is invalid input. */
export function asRequestError(err: unknown): RequestError | undefined {
  if (err instanceof RequestError) return err;
  if (err instanceof BodyError) {
    return err.code === 'body_too_large'
      ? new RequestError('payload_too_large', err.message, { cause: err })
      : new RequestError('validation_error', err.message, { cause: err });
  }
  if (err instanceof KitError && err.code === 'bad_url') {
    return new RequestError('not_found', 'no such endpoint', { cause: err });
  }
  return undefined;
}
