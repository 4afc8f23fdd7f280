// The trigger functions' environment: the key names, which function is given which keys, the defaults,
// and the time budget of the verify trigger. Plain data with no imports, so a trigger bundle may carry it
// (the handlers' schemas in @cognito-passkeys/cognito-triggers key their parsers by these names).

/** The environment keys of the trigger functions: the handlers parse them, the stacks write them. */
export const ENV = {
  /** Corbado project ID (`pro-…`); the Basic-auth user for the Backend API. */
  corbadoProjectId: 'CORBADO_PROJECT_ID',
  /** Base URL of Corbado's Backend API, without `/v2` (e.g. `https://backendapi.cloud.corbado.io`). */
  corbadoBackendApiUrl: 'CORBADO_BACKEND_API_URL',
  /** Name of the SSM SecureString parameter that holds the Corbado API secret. */
  corbadoApiSecretParameter: 'CORBADO_API_SECRET_PARAMETER',
  /** Timeout of one call to Corbado's Backend API in milliseconds (inside the verify trigger's budget). */
  corbadoTimeoutMs: 'CORBADO_TIMEOUT_MS',
  /** How many passkey answers one sign-in may try in total before define-auth-challenge fails it. */
  maxPasskeyAttempts: 'MAX_PASSKEY_ATTEMPTS',
  /** How long a secret read from SSM is cached, in seconds. */
  secretCacheSeconds: 'SECRET_CACHE_SECONDS',
  /** Name of the SSM String parameter that holds the passkey mode (`on` | `login-only` | `append-only` | `off`). */
  passkeyModeParameter: 'PASSKEY_MODE_PARAMETER',
  /** How long the passkey mode read from SSM is cached, in seconds (how soon a flip takes effect). */
  passkeyModeCacheSeconds: 'PASSKEY_MODE_CACHE_SECONDS',
} as const;

export type EnvKey = (typeof ENV)[keyof typeof ENV];

/** The three custom-auth trigger functions, named as their handler files. */
export const HANDLER_NAMES = [
  'define-auth-challenge',
  'create-auth-challenge',
  'verify-auth-challenge-response',
] as const;
export type HandlerName = (typeof HANDLER_NAMES)[number];

/**
 * The keys each function is given, and no others: on AWS its environment is exactly these (plus what
 * Lambda's runtime sets); locally, local-aws runs each function with exactly these too. A handler's
 * schema must parse exactly its list (checked by the type of `handlerSchema` in cognito-triggers).
 */
export const HANDLER_ENV = {
  'define-auth-challenge': [ENV.maxPasskeyAttempts, ENV.passkeyModeParameter, ENV.passkeyModeCacheSeconds],
  'create-auth-challenge': [],
  'verify-auth-challenge-response': [
    ENV.corbadoProjectId,
    ENV.corbadoBackendApiUrl,
    ENV.corbadoApiSecretParameter,
    ENV.corbadoTimeoutMs,
    ENV.secretCacheSeconds,
  ],
} as const satisfies Record<HandlerName, readonly EnvKey[]>;

/** The keys one function is given. */
export type HandlerEnvKey<H extends HandlerName> = (typeof HANDLER_ENV)[H][number];

/** Defaults of the optional keys: the handlers' schemas apply them, the CDK stack writes them explicitly. */
export const ENV_DEFAULTS = {
  [ENV.corbadoTimeoutMs]: 2500,
  [ENV.maxPasskeyAttempts]: 3,
  [ENV.secretCacheSeconds]: 300,
  [ENV.passkeyModeCacheSeconds]: 10,
} as const satisfies Partial<Record<EnvKey, number>>;

/**
 * The verify trigger's time budget. Cognito waits 5 s for a trigger; a Lambda timeout inside that turns a
 * slow call into a Lambda error, which Cognito reports as a failed sign-in, so the function must answer
 * (refusing, if need be) before its own timeout: a cold secret read (its one retry included) plus the
 * Corbado call plus a margin for the rest of the handler must end inside the function's timeout.
 */
export const TIME_BUDGET = {
  /** How long Cognito waits for a trigger. */
  cognitoTriggerTimeoutMs: 5000,
  /** The verify function's Lambda timeout. */
  verifyHandlerTimeoutMs: 4000,
  /** The most a cold secret read may take, its retry included (`SSM_DEADLINE_MS` of the secret reader). */
  secretReadMs: 1000,
  /** The least room left for the rest of one invocation: parsing, logging, a cold module's first call. */
  marginMs: 250,
} as const;

/** The longest Corbado timeout that keeps the verify trigger inside its budget. */
export const MAX_CORBADO_TIMEOUT_MS =
  TIME_BUDGET.verifyHandlerTimeoutMs - TIME_BUDGET.secretReadMs - TIME_BUDGET.marginMs;

/**
 * What breaks the time budget for these figures, or an empty list: the handler must end before Cognito
 * gives up, and a secret read plus the Corbado call plus the margin before the handler times out.
 */
export function timeBudgetProblems(figures: {
  handlerTimeoutMs: number;
  corbadoTimeoutMs: number;
  secretReadMs?: number;
  marginMs?: number;
}): string[] {
  const secretReadMs = figures.secretReadMs ?? TIME_BUDGET.secretReadMs;
  const marginMs = figures.marginMs ?? TIME_BUDGET.marginMs;
  const problems: string[] = [];
  if (figures.handlerTimeoutMs >= TIME_BUDGET.cognitoTriggerTimeoutMs)
    problems.push(
      `the handler timeout (${figures.handlerTimeoutMs} ms) must be under Cognito's ${TIME_BUDGET.cognitoTriggerTimeoutMs} ms`,
    );
  const needed = secretReadMs + figures.corbadoTimeoutMs + marginMs;
  if (needed > figures.handlerTimeoutMs)
    problems.push(
      `secret read (${secretReadMs} ms) + Corbado timeout (${figures.corbadoTimeoutMs} ms) + margin (${marginMs} ms) = ${needed} ms must fit in the handler timeout (${figures.handlerTimeoutMs} ms)`,
    );
  return problems;
}
