import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import {
  BodyError,
  KitError,
  errorName,
  send,
  sendJson,
  type Logger,
  type ServeOptions,
} from '@cognito-passkeys/emulator-kit';
import { JSON_ERROR_STATUS } from './error-codes';
import { ServiceError } from './errors';

/** AWS JSON 1.1's content type, on answers and errors alike. */
export const AWS_JSON = 'application/x-amz-json-1.1';

/** An AWS JSON error: the status for its code, `x-amzn-errortype` and `{ __type, message }`. */
export function sendAwsError(res: ServerResponse, requestId: string, error: ServiceError): void {
  send(
    res,
    JSON_ERROR_STATUS[error.code] ?? 400,
    { 'content-type': AWS_JSON, 'x-amzn-errortype': error.code, 'x-amzn-requestid': requestId },
    JSON.stringify({ __type: error.code, message: error.message }),
  );
}

/** The kit's body errors as the service names them. */
function asServiceError(err: unknown): ServiceError | undefined {
  if (err instanceof ServiceError) return err;
  if (err instanceof BodyError) {
    return err.code === 'body_too_large'
      ? new ServiceError('RequestEntityTooLargeException', 'Request body is too large.')
      : new ServiceError('SerializationException', 'The request body was cut short.');
  }
  return undefined;
}

/**
 * The error hook local-aws gives the kit: the service's errors in AWS JSON, a request target that is no
 * URL as a plain 400, and anything unexpected as AWS's `InternalErrorException` (clients retry it), logged
 * by class name only.
 */
export function answerError(log: Logger): ServeOptions['onError'] {
  return (err, _req, res) => {
    const requestId = randomUUID();
    const known = asServiceError(err);
    if (known !== undefined) {
      sendAwsError(res, requestId, known);
    } else if (err instanceof KitError && err.code === 'bad_url') {
      sendJson(res, 400, { message: 'Bad request URL' });
    } else {
      log({ level: 'error', event: 'internal_error', requestId, error: errorName(err) });
      send(
        res,
        500,
        {
          'content-type': AWS_JSON,
          'x-amzn-errortype': 'InternalErrorException',
          'x-amzn-requestid': requestId,
        },
        '{"__type":"InternalErrorException","message":"Internal error."}',
      );
    }
  };
}
