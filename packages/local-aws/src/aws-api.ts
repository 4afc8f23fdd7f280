import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readBody, send, type RouteHandler } from '@cognito-passkeys/emulator-kit';
import type { Context, Operation } from './context';
import * as auth from './cognito-auth';
import * as pools from './cognito-pools';
import * as poolUpdates from './cognito-pool-updates';
import * as confirmations from './cognito-confirmations';
import * as users from './cognito-users';
import * as userAttributes from './cognito-user-attributes';
import { ServiceError } from './errors';
import { authorizeJsonRequest, type JsonService } from './iam';
import type { ReceivedRequest } from './sigv4';
import * as ssm from './ssm';
import { handleStsRequest } from './sts';
import { AWS_JSON } from './wire';

/** The largest request body accepted (AWS's own limits are larger; no legitimate call here comes near). */
const MAX_BODY_BYTES = 1024 * 1024;

const COGNITO: Record<string, Operation> = {
  InitiateAuth: auth.initiateAuth,
  RespondToAuthChallenge: auth.respondToAuthChallenge,
  GetTokensFromRefreshToken: auth.getTokensFromRefreshToken,
  GetUser: auth.getUser,
  RevokeToken: auth.revokeToken,
  GlobalSignOut: auth.globalSignOut,
  SignUp: confirmations.signUp,
  ConfirmSignUp: confirmations.confirmSignUp,
  ResendConfirmationCode: confirmations.resendConfirmationCode,
  ForgotPassword: confirmations.forgotPassword,
  ConfirmForgotPassword: confirmations.confirmForgotPassword,
  SetUserMFAPreference: users.setUserMFAPreference,
  UpdateUserAttributes: userAttributes.updateUserAttributes,
  VerifyUserAttribute: userAttributes.verifyUserAttribute,
  AdminCreateUser: users.adminCreateUser,
  AdminSetUserPassword: users.adminSetUserPassword,
  AdminResetUserPassword: confirmations.adminResetUserPassword,
  AdminGetUser: users.adminGetUser,
  AdminDeleteUser: users.adminDeleteUser,
  AdminDisableUser: users.adminSetEnabled(false),
  AdminEnableUser: users.adminSetEnabled(true),
  AdminUpdateUserAttributes: users.adminUpdateUserAttributes,
  AdminDeleteUserAttributes: users.adminDeleteUserAttributes,
  AdminConfirmSignUp: confirmations.adminConfirmSignUp,
  AdminUserGlobalSignOut: users.adminUserGlobalSignOut,
  AdminSetUserMFAPreference: users.adminSetUserMFAPreference,
  ListUsers: users.listUsers,
  CreateUserPool: pools.createUserPool,
  DescribeUserPool: pools.describeUserPool,
  UpdateUserPool: poolUpdates.updateUserPool,
  AddCustomAttributes: poolUpdates.addCustomAttributes,
  ListUserPools: pools.listUserPools,
  CreateUserPoolClient: pools.createUserPoolClient,
  DescribeUserPoolClient: pools.describeUserPoolClient,
  ListUserPoolClients: pools.listUserPoolClients,
};

const SSM: Record<string, Operation> = {
  GetParameter: ssm.getParameter,
  GetParameters: ssm.getParameters,
  PutParameter: ssm.putParameter,
};

/** Every `X-Amz-Target` this server answers. */
export const SUPPORTED_TARGETS: readonly string[] = [
  ...Object.keys(COGNITO).map((op) => `AWSCognitoIdentityProviderService.${op}`),
  ...Object.keys(SSM).map((op) => `AmazonSSM.${op}`),
];

interface ResolvedOperation {
  /** The IAM service prefix (and SigV4 signing name). */
  service: JsonService;
  name: string;
  run: Operation;
}

function resolveOperation(target: string | undefined): ResolvedOperation | undefined {
  if (target === undefined) return undefined;
  const [prefix, name] = target.split('.', 2);
  if (name === undefined) return undefined;
  const [service, table] =
    prefix === 'AWSCognitoIdentityProviderService'
      ? (['cognito-idp', COGNITO] as const)
      : prefix === 'AmazonSSM'
        ? (['ssm', SSM] as const)
        : [];
  const run = table !== undefined && Object.hasOwn(table, name) ? table[name] : undefined;
  return service === undefined || run === undefined ? undefined : { service, name, run };
}

/** STS speaks the query protocol: a form body and no `X-Amz-Target` (the JSON protocols always send one). */
function isQueryProtocol(req: IncomingMessage): boolean {
  const type = req.headers['content-type'] ?? '';
  return req.headers['x-amz-target'] === undefined && /^application\/x-www-form-urlencoded\b/i.test(type);
}

/** A malformed escape in a path is just a name that matches nothing. */
export function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** The JSON body of an AWS JSON 1.1 call: an object, or `SerializationException`. */
function parseJsonObject(raw: Buffer): Record<string, unknown> {
  let body: unknown;
  try {
    body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ServiceError('SerializationException', 'The request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ServiceError('SerializationException', 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}

/**
 * `POST /`: STS over the query protocol, Cognito and SSM over AWS JSON 1.1 (the operation named by
 * `X-Amz-Target`, authorised by SigV4 and IAM where the real service demands a signature).
 */
export function awsApi(ctx: Context): RouteHandler {
  return async (req, res, info) => {
    if (req.method !== 'POST') {
      send(res, 404, { 'content-type': 'application/json' }, '{"message":"Not Found"}');
      return;
    }
    const requestId = randomUUID();
    const raw = await readBody(req, MAX_BODY_BYTES);
    const received: ReceivedRequest = {
      method: req.method,
      path: safeDecode(info.path),
      query: new URLSearchParams(info.search),
      headers: req.headers,
      body: raw,
    };
    if (isQueryProtocol(req)) {
      const answer = await handleStsRequest(ctx, received, requestId);
      send(res, answer.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, answer.body);
      return;
    }
    const targetHeader = req.headers['x-amz-target'];
    const operation = resolveOperation(Array.isArray(targetHeader) ? targetHeader[0] : targetHeader);
    if (operation === undefined) {
      throw new ServiceError('UnknownOperationException', 'The operation is not supported.');
    }
    const input = parseJsonObject(raw);
    await authorizeJsonRequest(ctx, received, operation.service, operation.name, input);
    const result = await operation.run(ctx, input);
    send(res, 200, { 'content-type': AWS_JSON, 'x-amzn-requestid': requestId }, JSON.stringify(result ?? {}));
  };
}
