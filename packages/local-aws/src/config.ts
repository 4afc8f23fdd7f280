import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ConfigError } from './errors';

const TRIGGERS = [
  'DefineAuthChallenge',
  'CreateAuthChallenge',
  'VerifyAuthChallengeResponse',
  'PreSignUp',
  'PostConfirmation',
  'PreTokenGeneration',
] as const;
export type TriggerName = (typeof TRIGGERS)[number];

const functionSchema = z.strictObject({
  /** Path or package specifier of the handler module (absolute, or relative to the process's cwd). */
  module: z.string().min(1),
  /** The exported handler. @default 'handler' */
  export: z.string().min(1).default('handler'),
  /** How long one invocation may run, in seconds. @default 5 (Cognito's limit for triggers) */
  timeoutSeconds: z.number().positive().max(900).optional(),
  /**
   * The function's own environment, as its Lambda is given it. When set (even `{}`), the function runs in
   * worker threads of its own whose `process.env` is exactly these keys plus what Lambda's runtime sets
   * (`AWS_REGION`, `AWS_LAMBDA_FUNCTION_NAME`, …, the credentials of `accessKeyId`) and
   * `AWS_ENDPOINT_URL_SSM` pointing at this server: a handler reading a key it was not given fails here as
   * on AWS. @default none: the function runs in this process and sees its `process.env`
   */
  environment: z.record(z.string().regex(/^[a-zA-Z]\w*$/), z.string().max(4096)).optional(),
  /**
   * The long-term key (one of `principals`) the function's calls are signed with, standing for its
   * execution role's credentials; only with `environment`. @default none: no credentials
   */
  accessKeyId: z.string().min(1).optional(),
  /** The memory size Lambda reports (`AWS_LAMBDA_FUNCTION_MEMORY_SIZE`). @default 128 */
  memoryMb: z.number().int().min(128).max(10_240).default(128),
});

const AUTH_FLOWS = [
  'ALLOW_CUSTOM_AUTH',
  'ALLOW_USER_SRP_AUTH',
  'ALLOW_USER_PASSWORD_AUTH',
  'ALLOW_REFRESH_TOKEN_AUTH',
  'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  'ALLOW_USER_AUTH',
] as const;

export const tokenValiditySchema = z.strictObject({
  /** Access token lifetime in seconds (5 min to 1 day). @default 3600 */
  accessToken: z.number().int().min(300).max(86_400).default(3600),
  /** ID token lifetime in seconds (5 min to 1 day). @default 3600 */
  idToken: z.number().int().min(300).max(86_400).default(3600),
  /** Refresh token lifetime in seconds (1 h to 10 years). @default 2592000 (30 days) */
  refreshToken: z.number().int().min(3600).max(315_360_000).default(2_592_000),
});
export type TokenValidity = z.infer<typeof tokenValiditySchema>;

/**
 * A custom attribute of a pool's schema (Cognito's `SchemaAttributeType`); users carry it as
 * `custom:<name>`.
 */
export const customAttributeSchema = z.strictObject({
  /** The name without the `custom:` prefix (1–20 characters). */
  name: z.string().regex(/^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,20}$/u),
  /** @default 'String' */
  type: z.enum(['String', 'Number', 'DateTime', 'Boolean']).default('String'),
  /** Whether a value may change after the user is created. @default true */
  mutable: z.boolean().default(true),
  /** String attributes: the shortest and longest value (characters). @default 0 and 2048 */
  minLength: z.number().int().min(0).max(2048).optional(),
  maxLength: z.number().int().min(1).max(2048).optional(),
});
export type CustomAttributeConfig = z.infer<typeof customAttributeSchema>;

export const clientSchema = z.strictObject({
  /** Fixed client ID; otherwise one is generated once and kept in the data dir. */
  id: z
    .string()
    .regex(/^[\w+]{1,128}$/)
    .optional(),
  name: z.string().min(1).max(128),
  explicitAuthFlows: z.array(z.enum(AUTH_FLOWS)).default(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']),
  /** @default 'ENABLED' (as new clients in the console) */
  preventUserExistenceErrors: z.enum(['ENABLED', 'LEGACY']).default('ENABLED'),
  /** Lifetime of an auth Session in minutes (3–15). @default 3 */
  authSessionValidity: z.number().int().min(3).max(15).default(3),
  tokenValidity: tokenValiditySchema.prefault({}),
  /**
   * The attributes a signed-in user may set with SignUp and UpdateUserAttributes (the client's
   * `WriteAttributes`, custom ones as `custom:<name>`); admin operations may set every attribute.
   * @default every mutable attribute of the pool, as Cognito's default
   */
  writeAttributes: z.array(z.string().min(1).max(32)).optional(),
});
export type ClientConfig = z.infer<typeof clientSchema>;

const lambdaConfigSchema = z.strictObject(
  Object.fromEntries(TRIGGERS.map((t) => [t, z.string().min(1).optional()])) as Record<
    TriggerName,
    z.ZodOptional<z.ZodString>
  >,
);
export type LambdaConfig = Partial<Record<TriggerName, string>>;

export const poolSchema = z.strictObject({
  /** Fixed pool ID (`<region>_<id>`); otherwise one is generated once and kept in the data dir. */
  id: z
    .string()
    .regex(/^[\w-]+_[0-9a-zA-Z]+$/)
    .optional(),
  name: z.string().min(1).max(128),
  usernameAttributes: z.array(z.enum(['email', 'phone_number'])).optional(),
  aliasAttributes: z.array(z.enum(['email', 'phone_number', 'preferred_username'])).optional(),
  /** @default 'OFF' */
  mfaConfiguration: z.enum(['OFF', 'ON', 'OPTIONAL']).default('OFF'),
  /** The pool's password rules. @default Cognito's: 8+ characters with lower, upper, digit and symbol */
  passwordPolicy: z
    .strictObject({
      minLength: z.number().int().min(6).max(99),
      requireLowercase: z.boolean(),
      requireUppercase: z.boolean(),
      requireDigits: z.boolean(),
      requireSymbols: z.boolean(),
    })
    .optional(),
  lambdaConfig: lambdaConfigSchema.optional(),
  /** The pool's custom attributes (kept across restarts: Cognito cannot remove one either). */
  customAttributes: z.array(customAttributeSchema).default([]),
  clients: z.array(clientSchema).default([]),
});
export type PoolConfig = z.infer<typeof poolSchema>;

const ACCOUNT_ID = /^\d{12}$/;
/** `arn:aws:iam::<account>:role/[path/]<name>`; group 1 is the account, group 2 the role name. */
export const ROLE_ARN = /^arn:aws:iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;
/** An IAM identity with long-term keys: the account root, a user, or a role standing for its sessions. */
const PRINCIPAL_ARN = /^arn:aws:iam::\d{12}:(?:root|(?:user|role)\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64})$/;

/** A web origin as a browser sends it in `Origin`: scheme, host and optional port, nothing else. */
const ORIGIN = /^https?:\/\/(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/;

const policyStatementSchema = z.strictObject({
  /** IAM actions (`cognito-idp:AdminGetUser`); `*` and `?` match as in IAM, case-insensitively. */
  actions: z.array(z.string().regex(/^(?:\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$/)).min(1),
  /**
   * Resource ARNs the actions are allowed on, e.g.
   * `arn:aws:cognito-idp:us-east-1:111111111111:userpool/us-east-1_AbC123xYz`; `*` and `?` match as in IAM.
   * Operations without a resource (ListUserPools) need `*`.
   */
  resources: z.array(z.string().regex(/^(?:\*|arn:\S+)$/)).min(1),
});
export type PolicyStatement = z.infer<typeof policyStatementSchema>;

export const roleSchema = z.strictObject({
  /** The role's ARN; its account must be `accountId`, as the pools it grants access to are there. */
  arn: z.string().regex(ROLE_ARN),
  /**
   * Who may assume it (its trust policy): an account ID or `arn:aws:iam::<account>:root` trusts every
   * principal of that account; a user or role ARN trusts exactly that identity (a role: its sessions).
   */
  trustedPrincipals: z.array(z.union([z.string().regex(ACCOUNT_ID), z.string().regex(PRINCIPAL_ARN)])).min(1),
  /** When set, `AssumeRole` must pass this `ExternalId` (the trust policy's `sts:ExternalId` condition). */
  externalId: z
    .string()
    .regex(/^[\w+=,.@:/-]{2,1224}$/)
    .optional(),
  /** The role's `MaxSessionDuration` in seconds (1 to 12 hours). @default 3600 */
  maxSessionSeconds: z.number().int().min(3600).max(43_200).default(3600),
  /** The role's identity policy: Allow statements only; whatever no statement allows is denied. */
  policy: z.array(policyStatementSchema).default([]),
});
export type RoleConfig = z.infer<typeof roleSchema>;

export const principalSchema = z.strictObject({
  /** A long-term access key ID (not `ASIA…`, which is the prefix of issued temporary keys). */
  accessKeyId: z.string().regex(/^(?!ASIA)\w{3,128}$/),
  /** Its secret: requests signed with this key are verified with it (SigV4). */
  secretAccessKey: z.string().min(1).max(128),
  /** The identity the key belongs to, matched against a role's `trustedPrincipals`. */
  arn: z.string().regex(PRINCIPAL_ARN),
  /**
   * The identity's policy on this server's Cognito and SSM operations: Allow statements, whatever none
   * allows is denied. Absent = everything allowed, as for an administrator of `accountId`. A principal of
   * another account may call only STS (Cognito and SSM have no resource policies to grant it more).
   */
  policy: z.array(policyStatementSchema).optional(),
});
export type PrincipalConfig = z.infer<typeof principalSchema>;

export const localAwsConfigSchema = z.strictObject({
  /** Region in pool IDs and token issuers. @default 'us-east-1' */
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/)
    .default('us-east-1'),
  /** The account the emulated services live in: in pool and parameter ARNs and role policies. @default '000000000000' */
  accountId: z.string().regex(ACCOUNT_ID).default('000000000000'),
  /** The local Lambda registry: function name → handler module. */
  functions: z.record(z.string().regex(/^[\w-]{1,64}$/), functionSchema).default({}),
  userPools: z.array(poolSchema).default([]),
  parameters: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(2048),
        type: z.enum(['String', 'SecureString']).default('String'),
        value: z.string().max(8192),
        /**
         * Whether `value` replaces the stored one at every start. `false`: written only when the parameter
         * does not exist yet, so a value set with PutParameter survives a restart. @default true
         */
        overwrite: z.boolean().default(true),
      }),
    )
    .default([]),
  /** IAM roles that STS `AssumeRole` hands out temporary credentials for. */
  roles: z.array(roleSchema).default([]),
  /**
   * The long-term keys: they may call STS (as the identities trusted by `roles`) and, when in `accountId`,
   * the Cognito admin and SSM operations, which need a SigV4 signature.
   */
  principals: z.array(principalSchema).default([]),
  /**
   * The web origins (`http://localhost:3000`) whose pages may call this server from a browser: they get
   * CORS headers; a request from any other origin is refused. @default [] (no browser page)
   */
  allowedOrigins: z.array(z.string().regex(ORIGIN, 'an origin: scheme://host[:port]')).default([]),
});

export type LocalAwsConfig = z.input<typeof localAwsConfigSchema>;
export type ResolvedConfig = z.infer<typeof localAwsConfigSchema>;
export type FunctionConfig = z.infer<typeof functionSchema>;

/** Parses the config once at start; a mistake is a `ConfigError` naming the field. */
export function parseConfig(input: unknown): ResolvedConfig {
  const parsed = localAwsConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      'InvalidConfig',
      `Invalid local-aws config at ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const config = parsed.data;
  const known = (name: string): boolean =>
    name in config.functions || resolveFunctionName(name) in config.functions;
  const roleArns = new Set<string>();
  for (const role of config.roles) {
    if (ROLE_ARN.exec(role.arn)?.[1] !== config.accountId)
      throw new ConfigError(
        'InvalidConfig',
        `roles[${role.arn}]: the role must be in account ${config.accountId}`,
      );
    if (roleArns.has(role.arn)) throw new ConfigError('InvalidConfig', `roles: ${role.arn} is listed twice`);
    roleArns.add(role.arn);
  }
  const keys = new Set<string>();
  for (const principal of config.principals) {
    if (keys.has(principal.accessKeyId))
      throw new ConfigError(
        'InvalidConfig',
        `principals: access key ${principal.accessKeyId} is listed twice`,
      );
    keys.add(principal.accessKeyId);
  }
  for (const [name, fn] of Object.entries(config.functions)) {
    if (fn.accessKeyId !== undefined && !keys.has(fn.accessKeyId))
      throw new ConfigError('InvalidConfig', `functions.${name}.accessKeyId: no principal has this key`);
    if (fn.accessKeyId !== undefined && fn.environment === undefined)
      throw new ConfigError('InvalidConfig', `functions.${name}.accessKeyId: needs an environment`);
  }
  for (const pool of config.userPools) {
    for (const [trigger, fn] of Object.entries(pool.lambdaConfig ?? {})) {
      if (fn !== undefined && !known(fn)) {
        throw new ConfigError(
          'FunctionNotFound',
          `userPools[${pool.name}].lambdaConfig.${trigger}: unknown function ${fn}`,
        );
      }
    }
  }
  return config;
}

/** A trigger may name a function or its ARN (`arn:aws:lambda:<region>:<account>:function:<name>[:alias]`). */
export function resolveFunctionName(nameOrArn: string): string {
  const match = /^arn:aws[\w-]*:lambda:[^:]*:[^:]*:function:([^:]+)(?::[^:]+)?$/.exec(nameOrArn);
  return match?.[1] ?? nameOrArn;
}

export function loadConfigFile(path: string): ResolvedConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new ConfigError('InvalidConfig', `Cannot read config file ${path}`, { cause });
  }
  return parseConfig(raw);
}
