import { z } from 'zod';

import { TriggerError } from '../errors';
import { ENV, type EnvKey } from './keys';

/** MFA methods post-append may turn on; `NONE` leaves MFA alone. */
export const POST_APPEND_MFA_METHODS = ['EMAIL_OTP', 'SOFTWARE_TOKEN', 'SMS', 'NONE'] as const;
export type PostAppendMfaMethod = (typeof POST_APPEND_MFA_METHODS)[number];

/** Defaults of the optional keys; the CDK stack writes them explicitly from here. */
export const ENV_DEFAULTS = {
  [ENV.corbadoTimeoutMs]: '3000',
  [ENV.maxPasskeyAttempts]: '3',
  [ENV.postAppendMfaMethod]: 'EMAIL_OTP',
  [ENV.secretCacheSeconds]: '300',
} as const satisfies Partial<Record<EnvKey, string>>;

const nonEmpty = z.string().trim().min(1);
const intInRange = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
const httpUrl = z
  .string()
  .trim()
  .url()
  .refine((v) => /^https?:\/\//.test(v), 'must be an http(s) URL');
const ssmName = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9_.\-/]{1,2048}$/, 'must be an SSM parameter name');
const userPoolId = z
  .string()
  .trim()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d_[a-zA-Z0-9]+$/, 'must be a user pool ID such as us-east-1_Abc123');

const defineSchema = z.object({
  [ENV.maxPasskeyAttempts]: intInRange(1, 10).default(3),
});
const createSchema = z.object({});
const verifySchema = z.object({
  [ENV.corbadoProjectId]: nonEmpty,
  [ENV.corbadoBackendApiUrl]: httpUrl,
  [ENV.corbadoApiSecretParameter]: ssmName,
  // Cognito gives a trigger 5 s in all; the Corbado call must end well before.
  [ENV.corbadoTimeoutMs]: intInRange(100, 4000).default(3000),
  [ENV.secretCacheSeconds]: intInRange(0, 3600).default(300),
});
const actionSchema = z.object({
  [ENV.userPoolId]: userPoolId,
  [ENV.actionSecretParameter]: ssmName,
  [ENV.secretCacheSeconds]: intInRange(0, 3600).default(300),
});
const postAppendSchema = actionSchema.extend({
  [ENV.postAppendMfaMethod]: z.enum(POST_APPEND_MFA_METHODS).default('EMAIL_OTP'),
});

const SCHEMAS = {
  'define-auth-challenge': defineSchema,
  'create-auth-challenge': createSchema,
  'verify-auth-challenge-response': verifySchema,
  'pre-login': actionSchema,
  'post-append': postAppendSchema,
} as const;

export type HandlerName = keyof typeof SCHEMAS;

/** Which environment keys each handler reads: the CDK stack writes exactly these, and no others. */
export const HANDLER_ENV = Object.fromEntries(
  Object.entries(SCHEMAS).map(([name, schema]) => [name, Object.keys(schema.shape) as EnvKey[]]),
) as Record<HandlerName, EnvKey[]>;

export type DefineConfig = { maxPasskeyAttempts: number };
export type VerifyConfig = {
  corbadoProjectId: string;
  corbadoBackendApiUrl: string;
  corbadoApiSecretParameter: string;
  corbadoTimeoutMs: number;
  secretCacheSeconds: number;
};
export type ActionConfig = { userPoolId: string; actionSecretParameter: string; secretCacheSeconds: number };
export type PostAppendConfig = ActionConfig & { postAppendMfaMethod: PostAppendMfaMethod };

type Env = Record<string, string | undefined>;

/** Parses the keys one handler reads; an unset or empty key counts as absent (its default applies). */
function parse<S extends z.ZodObject>(handler: HandlerName, schema: S, env: Env): z.output<S> {
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const result = schema.safeParse(input);
  if (!result.success) {
    // Name the keys and the rule; never echo a value.
    const problems = result.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new TriggerError('invalid_config', `${handler}: invalid environment (${problems})`);
  }
  return result.data;
}

export function loadDefineConfig(env: Env = process.env): DefineConfig {
  const parsed = parse('define-auth-challenge', defineSchema, env);
  return { maxPasskeyAttempts: parsed[ENV.maxPasskeyAttempts] };
}

export function loadCreateConfig(env: Env = process.env): Record<string, never> {
  parse('create-auth-challenge', createSchema, env);
  return {};
}

export function loadVerifyConfig(env: Env = process.env): VerifyConfig {
  const parsed = parse('verify-auth-challenge-response', verifySchema, env);
  return {
    corbadoProjectId: parsed[ENV.corbadoProjectId],
    corbadoBackendApiUrl: parsed[ENV.corbadoBackendApiUrl],
    corbadoApiSecretParameter: parsed[ENV.corbadoApiSecretParameter],
    corbadoTimeoutMs: parsed[ENV.corbadoTimeoutMs],
    secretCacheSeconds: parsed[ENV.secretCacheSeconds],
  };
}

export function loadPreLoginConfig(env: Env = process.env): ActionConfig {
  const parsed = parse('pre-login', actionSchema, env);
  return {
    userPoolId: parsed[ENV.userPoolId],
    actionSecretParameter: parsed[ENV.actionSecretParameter],
    secretCacheSeconds: parsed[ENV.secretCacheSeconds],
  };
}

export function loadPostAppendConfig(env: Env = process.env): PostAppendConfig {
  const parsed = parse('post-append', postAppendSchema, env);
  return {
    userPoolId: parsed[ENV.userPoolId],
    actionSecretParameter: parsed[ENV.actionSecretParameter],
    secretCacheSeconds: parsed[ENV.secretCacheSeconds],
    postAppendMfaMethod: parsed[ENV.postAppendMfaMethod],
  };
}
