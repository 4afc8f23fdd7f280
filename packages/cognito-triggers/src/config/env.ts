import { z } from 'zod';

import { TriggerError } from '../errors';
import { ENV, type EnvKey } from './keys';

/** Defaults of the optional keys; the CDK stack writes them explicitly from here. */
export const ENV_DEFAULTS = {
  [ENV.corbadoTimeoutMs]: '3000',
  [ENV.maxPasskeyAttempts]: '3',
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

const SCHEMAS = {
  'define-auth-challenge': defineSchema,
  'create-auth-challenge': createSchema,
  'verify-auth-challenge-response': verifySchema,
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
