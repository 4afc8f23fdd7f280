import { timingSafeEqual } from 'node:crypto';
import { ROLE_ARN, type PolicyStatement, type PrincipalConfig } from './config';
import type { Context } from './context';
import type { ErrorCode } from './error-codes';
import { ServiceError } from './errors';
import { nowSeconds, sha256, uniqueIdFor } from './ids';
import { checkSignature, headerValue, parseAuthorization, type ReceivedRequest } from './sigv4';
import type { StsCredentialsRow } from './store';

/** Who signed a request, as STS `GetCallerIdentity` reports it. */
export interface Caller {
  arn: string;
  account: string;
  userId: string;
  /** The identity a trust policy matches: the principal's ARN, or for a role session the role's. */
  trustArn: string;
  /** Set when the request was signed with temporary credentials from `AssumeRole`. */
  session?: StsCredentialsRow;
  /** Set when the request was signed with a configured principal's long-term key. */
  principal?: PrincipalConfig;
}

type Failure = 'missing' | 'incomplete' | 'unknownKey' | 'expired' | 'signature';

/** The same failures carry different names on the query protocol (STS) and the JSON protocols. */
const FAILURE_CODES = {
  query: {
    missing: 'MissingAuthenticationToken',
    incomplete: 'IncompleteSignature',
    unknownKey: 'InvalidClientTokenId',
    expired: 'ExpiredToken',
    signature: 'SignatureDoesNotMatch',
  },
  json: {
    missing: 'MissingAuthenticationTokenException',
    incomplete: 'IncompleteSignatureException',
    unknownKey: 'UnrecognizedClientException',
    expired: 'ExpiredTokenException',
    signature: 'InvalidSignatureException',
  },
} as const satisfies Record<'query' | 'json', Record<Failure, ErrorCode>>;

const MESSAGES: Record<Failure, string> = {
  missing: 'Request is missing Authentication Token',
  incomplete:
    'The request signature is incomplete: it needs Credential, SignedHeaders (with host), Signature and X-Amz-Date.',
  unknownKey: 'The security token included in the request is invalid.',
  expired: 'The security token included in the request is expired',
  signature:
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
};

const accountOf = (arn: string): string => /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(arn)?.[1] ?? '';
export const roleNameOf = (roleArn: string): string => ROLE_ARN.exec(roleArn)?.[2] ?? '';
export const assumedRoleArn = (roleArn: string, sessionName: string): string =>
  `arn:aws:sts::${accountOf(roleArn)}:assumed-role/${roleNameOf(roleArn)}/${sessionName}`;

function principalCaller(principal: PrincipalConfig): Caller {
  const { arn } = principal;
  const account = accountOf(arn);
  const userId = arn.endsWith(':root') ? account : uniqueIdFor(arn.includes(':role/') ? 'AROA' : 'AIDA', arn);
  return { arn, account, userId, trustArn: arn, principal };
}

function sessionCaller(row: StsCredentialsRow): Caller {
  return {
    arn: assumedRoleArn(row.role_arn, row.session_name),
    account: accountOf(row.role_arn),
    userId: `${uniqueIdFor('AROA', row.role_arn)}:${row.session_name}`,
    trustArn: row.role_arn,
    session: row,
  };
}

function tokenMatches(token: string | undefined, hash: string): boolean {
  if (token === undefined) return false;
  return timingSafeEqual(Buffer.from(sha256(token)), Buffer.from(hash));
}

/**
 * Authenticates a SigV4-signed request: the access key must be a configured principal's or an unexpired
 * one issued by `AssumeRole` (with its session token), and the signature must verify with its secret and
 * be scoped to `service`. Returns the caller and the region the request was signed for.
 */
export async function authenticate(
  ctx: Context,
  req: ReceivedRequest,
  protocol: 'query' | 'json',
  service: string,
): Promise<{ caller: Caller; region: string }> {
  const fail = (failure: Failure, message = MESSAGES[failure]): ServiceError =>
    new ServiceError(FAILURE_CODES[protocol][failure], message);
  const header = headerValue(req.headers, 'authorization');
  if (header === undefined) throw fail('missing');
  const auth = parseAuthorization(header);
  if (auth === undefined) throw fail('incomplete');

  let caller: Caller;
  let secret: string;
  const principal = ctx.config.principals.find((p) => p.accessKeyId === auth.accessKeyId);
  if (principal !== undefined) {
    caller = principalCaller(principal);
    secret = principal.secretAccessKey;
  } else {
    const row = ctx.store.getStsCredentials(auth.accessKeyId);
    if (row === undefined || !tokenMatches(headerValue(req.headers, 'x-amz-security-token'), row.token_hash))
      throw fail('unknownKey');
    if (row.expires_at <= nowSeconds(ctx)) throw fail('expired');
    caller = sessionCaller(row);
    secret = row.secret_access_key;
  }
  if (auth.service !== service)
    throw fail('signature', `Credential should be scoped to correct service: '${service}'.`);
  const check = await checkSignature(req, auth, secret);
  if (check === 'incomplete') throw fail('incomplete');
  if (check === 'expired')
    throw fail('signature', 'Signature expired: X-Amz-Date is more than 15 minutes from the server time.');
  if (check === 'mismatch') throw fail('signature');
  return { caller, region: auth.region };
}

/** IAM's wildcards: `*` any run of characters, `?` exactly one. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern
    .split('')
    .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** Whether an Allow statement covers the action (case-insensitive, as IAM) on the resource. */
export function isAllowed(policy: readonly PolicyStatement[], action: string, resource: string): boolean {
  return policy.some(
    (statement) =>
      statement.actions.some((a) => wildcardMatch(a, action, true)) &&
      statement.resources.some((r) => wildcardMatch(r, resource)),
  );
}

/** Whether a role's trust policy names the identity or the identity's account. */
export function isTrusted(trustedPrincipals: readonly string[], identityArn: string): boolean {
  const account = accountOf(identityArn);
  return trustedPrincipals.some(
    (t) => t === identityArn || t === account || t === `arn:aws:iam::${account}:root`,
  );
}

/**
 * Cognito operations that IAM does not authorize (the SDK sends them unsigned; their bearer is a token,
 * a session or a confirmation code): no signature is asked for, no policy applies. Every other Cognito
 * operation (Admin*, ListUsers, *UserPool*, *UserPoolClient*) is IAM-authorized.
 */
const PUBLIC_COGNITO_OPERATIONS = new Set([
  'InitiateAuth',
  'RespondToAuthChallenge',
  'GetTokensFromRefreshToken',
  'GetUser',
  'RevokeToken',
  'GlobalSignOut',
  'SignUp',
  'ConfirmSignUp',
  'ResendConfirmationCode',
  'ForgotPassword',
  'ConfirmForgotPassword',
  'SetUserMFAPreference',
  'UpdateUserAttributes',
  'VerifyUserAttribute',
]);

export type JsonService = 'cognito-idp' | 'ssm';

/** The resources an operation acts on, as IAM names them; `*` when it has none. */
function resourcesOf(
  service: JsonService,
  body: Record<string, unknown>,
  region: string,
  account: string,
): string[] {
  if (service === 'cognito-idp') {
    return typeof body.UserPoolId === 'string'
      ? [`arn:aws:cognito-idp:${region}:${account}:userpool/${body.UserPoolId}`]
      : ['*'];
  }
  const names = Array.isArray(body.Names) ? body.Names : [body.Name];
  const parameterArn = (name: unknown): string =>
    typeof name === 'string' ? `arn:aws:ssm:${region}:${account}:parameter/${name.replace(/^\//, '')}` : '*';
  return names.length === 0 ? ['*'] : names.map(parameterArn);
}

/** What an identity without a policy of its own may do: everything, as an account administrator. */
const ALLOW_ALL: readonly PolicyStatement[] = [{ actions: ['*'], resources: ['*'] }];

/**
 * The policy that applies to a caller: an assumed role's, or a principal's own (everything when it has
 * none). A principal of another account gets nothing: Cognito user pools and SSM parameters have no
 * resource policies, so only a role in this account (STS) reaches them across accounts.
 */
function policyOf(ctx: Context, caller: Caller): readonly PolicyStatement[] {
  if (caller.session !== undefined)
    return ctx.config.roles.find((r) => r.arn === caller.session?.role_arn)?.policy ?? [];
  if (caller.principal === undefined || caller.account !== ctx.config.accountId) return [];
  return caller.principal.policy ?? ALLOW_ALL;
}

/**
 * Authenticates and authorizes a JSON-protocol request as AWS does: every Cognito admin operation and
 * every SSM operation needs a SigV4 signature from a configured principal's key or from unexpired
 * `AssumeRole` credentials (with their session token), and the caller's policy must allow
 * `<service>:<Operation>` on every resource the call touches. Cognito's public operations pass unchecked.
 */
export async function authorizeJsonRequest(
  ctx: Context,
  req: ReceivedRequest,
  service: JsonService,
  operation: string,
  body: Record<string, unknown>,
): Promise<void> {
  if (service === 'cognito-idp' && PUBLIC_COGNITO_OPERATIONS.has(operation)) return;
  const { caller, region } = await authenticate(ctx, req, 'json', service);
  const policy = policyOf(ctx, caller);
  const action = `${service}:${operation}`;
  for (const resource of resourcesOf(service, body, region, ctx.config.accountId)) {
    if (!isAllowed(policy, action, resource)) {
      throw new ServiceError(
        'AccessDeniedException',
        `User: ${caller.arn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
      );
    }
  }
}
