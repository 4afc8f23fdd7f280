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
  lambdaConfig: lambdaConfigSchema.optional(),
  clients: z.array(clientSchema).default([]),
});
export type PoolConfig = z.infer<typeof poolSchema>;

export const localAwsConfigSchema = z.strictObject({
  /** Region in pool IDs and token issuers. @default 'us-east-1' */
  region: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/)
    .default('us-east-1'),
  /** The local Lambda registry: function name → handler module. */
  functions: z.record(z.string().regex(/^[\w-]{1,64}$/), functionSchema).default({}),
  userPools: z.array(poolSchema).default([]),
  parameters: z
    .array(
      z.strictObject({
        name: z.string().min(1).max(2048),
        type: z.enum(['String', 'SecureString']).default('String'),
        value: z.string().max(8192),
      }),
    )
    .default([]),
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
