// zod/mini, not the classic API: the same schemas, but tree-shakeable, so a trigger bundle carries the
// checks it uses (about 10 KB) instead of all of zod with its locales (454 KB).
import * as z from 'zod/mini';

import { TriggerError } from '../errors';
import { ENV, type EnvKey } from './keys';

/** Defaults of the optional keys; the CDK stack writes them explicitly from here. */
export const ENV_DEFAULTS = {
  [ENV.corbadoTimeoutMs]: '3000',
  [ENV.maxPasskeyAttempts]: '3',
  [ENV.secretCacheSeconds]: '300',
} as const satisfies Partial<Record<EnvKey, string>>;

const trimmed = () => z.string().check(z.trim());
const nonEmpty = trimmed().check(z.minLength(1));
/** A whole number in [min, max], given as text; a range check on the text keeps z.number() out of the bundle. */
const intInRange = (min: number, max: number) =>
  z.pipe(
    trimmed().check(
      z.regex(/^\d+$/, 'must be a whole number'),
      z.refine((v) => Number(v) >= min && Number(v) <= max, `must be from ${min} to ${max}`),
    ),
    z.transform(Number),
  );
const httpUrl = trimmed().check(
  z.refine((v) => URL.canParse(v) && /^https?:\/\//.test(v), 'must be an absolute http(s) URL'),
);
const ssmName = trimmed().check(z.regex(/^[a-zA-Z0-9_.\-/]{1,2048}$/, 'must be an SSM parameter name'));

const defineSchema = z.object({
  [ENV.maxPasskeyAttempts]: z._default(intInRange(1, 10), 3),
});
const createSchema = z.object({});
const verifySchema = z.object({
  [ENV.corbadoProjectId]: nonEmpty,
  [ENV.corbadoBackendApiUrl]: httpUrl,
  [ENV.corbadoApiSecretParameter]: ssmName,
  // Cognito gives a trigger 5 s in all; the Corbado call must end well before.
  [ENV.corbadoTimeoutMs]: z._default(intInRange(100, 4000), 3000),
  [ENV.secretCacheSeconds]: z._default(intInRange(0, 3600), 300),
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
function parse<S extends z.ZodMiniObject>(handler: HandlerName, schema: S, env: Env): z.output<S> {
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
