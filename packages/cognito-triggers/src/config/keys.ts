/**
 * The environment contract of the three trigger Lambdas. The handlers parse these keys (one schema per
 * handler, parsed once at cold start) and the CDK stack writes exactly these keys, importing this module:
 * the names exist in one place only.
 */
export const ENV = {
  /** Corbado project ID (`pro-…`); the Basic-auth user for the Backend API. */
  corbadoProjectId: 'CORBADO_PROJECT_ID',
  /** Base URL of Corbado's Backend API, without `/v2` (e.g. `https://backendapi.cloud.corbado.io`). */
  corbadoBackendApiUrl: 'CORBADO_BACKEND_API_URL',
  /** Name of the SSM SecureString parameter that holds the Corbado API secret. */
  corbadoApiSecretParameter: 'CORBADO_API_SECRET_PARAMETER',
  /** Timeout of one call to Corbado's Backend API in milliseconds (well inside Cognito's 5 s budget). */
  corbadoTimeoutMs: 'CORBADO_TIMEOUT_MS',
  /** How many passkey answers one sign-in may try in total before define-auth-challenge fails it. */
  maxPasskeyAttempts: 'MAX_PASSKEY_ATTEMPTS',
  /** How long a secret read from SSM is cached, in seconds. */
  secretCacheSeconds: 'SECRET_CACHE_SECONDS',
} as const;

export type EnvKey = (typeof ENV)[keyof typeof ENV];
