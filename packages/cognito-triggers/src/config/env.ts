// One schema per handler: the keys it reads (exactly the deployment's list for it, checked by type), their
// types and their defaults, once. The config types are inferred, HANDLER_ENV is derived.
// zod/mini, not the classic API: the same schemas, but tree-shakeable, so a trigger bundle carries the
// checks it uses (about 10 KB) instead of all of zod with its locales (454 KB).
import {
  ENV,
  ENV_DEFAULTS,
  MAX_CORBADO_TIMEOUT_MS,
  type EnvKey,
  type HandlerEnvKey,
  type HandlerName,
} from '@cognito-passkeys/deployment/environment';
import { PASSKEY_MODE_STALE_SECONDS } from '@cognito-passkeys/deployment/operations';
import * as z from 'zod/mini';

import { TriggerError } from '../errors';

export { ENV_DEFAULTS, type HandlerName };

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

type Field = keyof typeof ENV;
/** The config fields whose keys are in `K`. */
type FieldsOf<K extends EnvKey> = { [F in Field]: (typeof ENV)[F] extends K ? F : never }[Field];

/**
 * A handler's schema, keyed by config field; the type requires exactly the fields of the keys the
 * deployment gives this handler (a missing one and an extra one are both errors).
 */
function handlerSchema<H extends HandlerName, S extends Record<FieldsOf<HandlerEnvKey<H>>, z.ZodMiniType>>(
  _handler: H,
  shape: S & Record<Exclude<keyof S, FieldsOf<HandlerEnvKey<H>>>, never>,
) {
  return z.object(shape);
}

const SCHEMAS = {
  'define-auth-challenge': handlerSchema('define-auth-challenge', {
    maxPasskeyAttempts: z._default(intInRange(1, 10), ENV_DEFAULTS[ENV.maxPasskeyAttempts]),
    passkeyModeParameter: ssmName,
    // Never longer than a failed read may serve the last mode: a good read must not count as stale.
    passkeyModeCacheSeconds: z._default(
      intInRange(0, PASSKEY_MODE_STALE_SECONDS),
      ENV_DEFAULTS[ENV.passkeyModeCacheSeconds],
    ),
  }),
  'create-auth-challenge': handlerSchema('create-auth-challenge', {}),
  'verify-auth-challenge-response': handlerSchema('verify-auth-challenge-response', {
    corbadoProjectId: nonEmpty,
    corbadoBackendApiUrl: httpUrl,
    corbadoApiSecretParameter: ssmName,
    // The secret read and the Corbado call must both end inside the function's timeout (TIME_BUDGET).
    corbadoTimeoutMs: z._default(intInRange(100, MAX_CORBADO_TIMEOUT_MS), ENV_DEFAULTS[ENV.corbadoTimeoutMs]),
    secretCacheSeconds: z._default(intInRange(0, 3600), ENV_DEFAULTS[ENV.secretCacheSeconds]),
  }),
};

export type DefineConfig = z.output<(typeof SCHEMAS)['define-auth-challenge']>;
export type VerifyConfig = z.output<(typeof SCHEMAS)['verify-auth-challenge-response']>;

/** Which environment keys each handler's schema reads: the deployment gives each exactly these. */
export const HANDLER_ENV = Object.fromEntries(
  Object.entries(SCHEMAS).map(([name, schema]) => [
    name,
    Object.keys(schema.shape).map((field) => ENV[field as Field]),
  ]),
) as Record<HandlerName, EnvKey[]>;

type Env = Record<string, string | undefined>;

/** Parses the keys one handler reads; an unset or empty key counts as absent (its default applies). */
function parse<H extends HandlerName>(handler: H, env: Env): z.output<(typeof SCHEMAS)[H]> {
  const schema: z.ZodMiniObject = SCHEMAS[handler];
  const input = Object.fromEntries(
    Object.keys(schema.shape).map((field) => {
      const value = env[ENV[field as Field]];
      return [field, value === '' ? undefined : value];
    }),
  );
  const result = schema.safeParse(input);
  if (!result.success) {
    // Name the keys and the rule; never echo a value.
    const problems = result.error.issues
      .map((issue) => `${ENV[issue.path[0] as Field] ?? issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new TriggerError('invalid_config', `${handler}: invalid environment (${problems})`);
  }
  return result.data as z.output<(typeof SCHEMAS)[H]>;
}

export function loadDefineConfig(env: Env = process.env): DefineConfig {
  return parse('define-auth-challenge', env);
}

export function loadVerifyConfig(env: Env = process.env): VerifyConfig {
  return parse('verify-auth-challenge-response', env);
}
