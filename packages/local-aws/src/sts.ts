import { z } from 'zod';
import { parseInput, type Context } from './context';
import { STS_ERROR_STATUS } from './error-codes';
import { ServiceError } from './errors';
import { assumedRoleArn, authenticate, isTrusted, type Caller } from './iam';
import {
  newSecretAccessKey,
  newSessionToken,
  newTemporaryAccessKeyId,
  nowSeconds,
  sha256,
  uniqueIdFor,
} from './ids';
import type { ReceivedRequest } from './sigv4';

/**
 * STS over the AWS query protocol (`POST /`, form-encoded `Action=…&Version=2011-06-15`), answering the XML
 * the SDK's STS client parses: AssumeRole and GetCallerIdentity. See the STS API reference, "Common Errors"
 * and "AssumeRole".
 */
const VERSION = '2011-06-15';
const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** AssumeRole's default duration and the ceiling for role chaining (a role session assuming a role). */
const DEFAULT_DURATION_SECONDS = 3600;
const ROLE_CHAINING_MAX_SECONDS = 3600;

export interface StsAnswer {
  status: number;
  body: string;
}

const assumeRoleInput = z.object({
  RoleArn: z.string().min(20).max(2048),
  RoleSessionName: z
    .string()
    .regex(/^[\w+=,.@-]{2,64}$/, 'Member must satisfy regular expression pattern: [\\w+=,.@-]*'),
  DurationSeconds: z
    .string()
    .regex(/^\d{1,6}$/)
    .transform(Number)
    .pipe(z.number().min(900, 'Member must have value greater than or equal to 900').max(43_200))
    .optional(),
  ExternalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/)
    .optional(),
});

const escapeXml = (value: string): string =>
  value.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c,
  );
const el = (name: string, content: string): string => `<${name}>${content}</${name}>`;
const text = (name: string, value: string): string => el(name, escapeXml(value));

function accessDenied(caller: Caller, roleArn: string): ServiceError {
  return new ServiceError(
    'AccessDenied',
    `User: ${caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
  );
}

function assumeRole(ctx: Context, caller: Caller, params: Record<string, string>): string {
  if (params.Policy !== undefined || Object.keys(params).some((k) => k.startsWith('PolicyArns.')))
    throw new ServiceError('ValidationError', 'Session policies are not supported by local-aws.');
  const input = parseInput(assumeRoleInput, params, 'ValidationError');
  const role = ctx.config.roles.find((r) => r.arn === input.RoleArn);
  if (role === undefined || !isTrusted(role.trustedPrincipals, caller.trustArn))
    throw accessDenied(caller, input.RoleArn);
  // The trust policy's `sts:ExternalId` condition: without the exact value the role is not assumable.
  if (role.externalId !== undefined && input.ExternalId !== role.externalId)
    throw accessDenied(caller, input.RoleArn);
  const duration = input.DurationSeconds ?? DEFAULT_DURATION_SECONDS;
  if (caller.session !== undefined && duration > ROLE_CHAINING_MAX_SECONDS) {
    throw new ServiceError(
      'ValidationError',
      'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
    );
  }
  if (duration > role.maxSessionSeconds) {
    throw new ServiceError(
      'ValidationError',
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  }

  const now = nowSeconds(ctx);
  const accessKeyId = newTemporaryAccessKeyId();
  const secretAccessKey = newSecretAccessKey();
  const sessionToken = newSessionToken();
  const expiresAt = now + duration;
  ctx.store.putStsCredentials({
    access_key_id: accessKeyId,
    secret_access_key: secretAccessKey,
    token_hash: sha256(sessionToken),
    role_arn: role.arn,
    session_name: input.RoleSessionName,
    source_arn: caller.arn,
    issued_at: now,
    expires_at: expiresAt,
  });
  ctx.log({
    level: 'info',
    event: 'role_assumed',
    caller: caller.arn,
    role: role.arn,
    assumedAs: input.RoleSessionName,
  });
  return (
    el(
      'Credentials',
      text('AccessKeyId', accessKeyId) +
        text('SecretAccessKey', secretAccessKey) +
        text('SessionToken', sessionToken) +
        text('Expiration', new Date(expiresAt * 1000).toISOString()),
    ) +
    el(
      'AssumedRoleUser',
      text('AssumedRoleId', `${uniqueIdFor('AROA', role.arn)}:${input.RoleSessionName}`) +
        text('Arn', assumedRoleArn(role.arn, input.RoleSessionName)),
    )
  );
}

function getCallerIdentity(caller: Caller): string {
  return text('UserId', caller.userId) + text('Account', caller.account) + text('Arn', caller.arn);
}

function formParams(req: ReceivedRequest): Record<string, string> {
  const params = Object.create(null) as Record<string, string>;
  for (const source of [req.query, new URLSearchParams(req.body.toString('utf8'))]) {
    for (const [key, value] of source) params[key] ??= value;
  }
  return params;
}

function errorXml(error: ServiceError, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${NAMESPACE}">` +
    el('Error', text('Type', 'Sender') + text('Code', error.code) + text('Message', error.message)) +
    text('RequestId', requestId) +
    '</ErrorResponse>'
  );
}

/** Answers one STS query-protocol request; a rejected one is STS's XML error with its status. */
export async function handleStsRequest(
  ctx: Context,
  req: ReceivedRequest,
  requestId: string,
): Promise<StsAnswer> {
  try {
    const params = formParams(req);
    const { caller } = await authenticate(ctx, req, 'query', 'sts');
    const action = params.Action ?? '';
    if (params.Version !== VERSION || (action !== 'AssumeRole' && action !== 'GetCallerIdentity')) {
      throw new ServiceError(
        'InvalidAction',
        `Could not find operation ${action} for version ${params.Version ?? 'NO_VERSION_SPECIFIED'}`,
      );
    }
    const result = action === 'AssumeRole' ? assumeRole(ctx, caller, params) : getCallerIdentity(caller);
    return {
      status: 200,
      body:
        `<${action}Response xmlns="${NAMESPACE}">` +
        el(`${action}Result`, result) +
        el('ResponseMetadata', text('RequestId', requestId)) +
        `</${action}Response>`,
    };
  } catch (err) {
    if (err instanceof ServiceError)
      return { status: STS_ERROR_STATUS[err.code] ?? 400, body: errorXml(err, requestId) };
    throw err;
  }
}
