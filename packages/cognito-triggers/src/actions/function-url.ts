import { createHash, timingSafeEqual } from 'node:crypto';

import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyHandlerV2,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import type { z } from 'zod';

import type { SecretSource } from '../aws';
import { describeError, type LogPort } from '../logger';
import type { ActionErrorCode, ActionErrorResponse } from './contract';

/** Action requests are a few hundred bytes; anything larger is refused unread. */
export const MAX_ACTION_BODY_BYTES = 4 * 1024;

const STATUS: Record<ActionErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  method_not_allowed: 405,
  payload_too_large: 413,
  upstream_unavailable: 503,
};

function respond(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

function fail(code: ActionErrorCode): APIGatewayProxyStructuredResultV2 {
  const body: ActionErrorResponse = { error: { code } };
  return respond(STATUS[code], body);
}

/** Constant-time comparison of the presented bearer secret with the expected one (hashes: equal length). */
export function secretMatches(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

function bearer(event: APIGatewayProxyEventV2): string | undefined {
  const header = event.headers?.authorization ?? event.headers?.Authorization;
  const match = /^Bearer ([^\s]+)$/.exec(header ?? '');
  return match?.[1];
}

/**
 * Wraps one action as a Lambda Function URL handler (payload format 2.0): POST only, bounded JSON body,
 * bearer shared secret checked in constant time before the body is read, input checked by `schema`, and
 * only the contract's error codes ever leave.
 */
export function createActionHandler<S extends z.ZodType, R>(options: {
  name: string;
  schema: S;
  secret: SecretSource;
  logger: LogPort;
  run: (input: z.output<S>) => Promise<R>;
}): APIGatewayProxyHandlerV2 {
  const { name, schema, secret, logger, run } = options;
  return async (event) => {
    if (event.requestContext?.http?.method !== 'POST') return fail('method_not_allowed');

    const raw = event.body ?? '';
    if (
      raw.length >
      (event.isBase64Encoded ? Math.ceil((MAX_ACTION_BODY_BYTES * 4) / 3) + 4 : MAX_ACTION_BODY_BYTES)
    ) {
      return fail('payload_too_large');
    }

    let expected: string;
    try {
      expected = await secret.get();
    } catch (error) {
      logger.error(name, { outcome: 'secret_unavailable', error: describeError(error) });
      return fail('upstream_unavailable');
    }
    const presented = bearer(event);
    if (presented === undefined || !secretMatches(presented, expected)) {
      logger.warn(name, { outcome: 'unauthorized' });
      return fail('unauthorized');
    }

    const text = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return fail('bad_request');
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) return fail('bad_request');

    try {
      const result = await run(parsed.data);
      logger.info(name, { outcome: (result as { outcome?: unknown }).outcome });
      return respond(200, result);
    } catch (error) {
      logger.error(name, { outcome: 'upstream_unavailable', error: describeError(error) });
      return fail('upstream_unavailable');
    }
  };
}
