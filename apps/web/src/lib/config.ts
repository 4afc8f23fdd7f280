import { z } from 'zod';

/**
 * The app's one configuration contract, read from the environment at request time (so one build serves
 * any deployment). Every variable is documented in `.env.example` at the repo root. These are the product's
 * keys only: the local stack's own are read by `local-stack.ts`.
 */
const serverEnvSchema = z.object({
  /** The Cognito user pool (`us-east-1_Xxxxxxxxx`). */
  COGNITO_USER_POOL_ID: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d_[a-zA-Z0-9]+$/),
  /** The app client (no secret) that allows CUSTOM_AUTH and USER_SRP_AUTH. */
  COGNITO_CLIENT_ID: z.string().min(1),
  /** The Corbado Connect project (`pro-…`). */
  CORBADO_PROJECT_ID: z.string().min(1),
  /**
   * The Frontend API host suffix: the Connect components call `https://<projectId>.<suffix>`. Every Connect
   * example in Corbado's docs sets it; without it web-core 2.18 falls back to `frontendapi.corbado.io`.
   */
  CORBADO_FRONTEND_API_URL_SUFFIX: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?$/)
    .default('frontendapi.cloud.corbado.io'),
  /** Base URL of Corbado's Backend API. */
  CORBADO_BACKEND_API_URL: z.url().default('https://backendapi.cloud.corbado.io'),
  /** The Corbado API secret (server only, never sent to the browser). */
  CORBADO_API_SECRET: z.string().min(1),
  /**
   * The oldest sign-in (seconds since the idToken's `auth_time`) that may add or delete a passkey; older
   * sessions are asked to sign in again. Listing passkeys is not limited. Cognito keeps `auth_time` across
   * token refreshes, so this counts from the sign-in itself. 15 minutes by default, at most a day.
   */
  PASSKEY_REAUTH_MAX_AGE_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .max(24 * 60 * 60)
    .default(15 * 60),
  /**
   * The SSM String parameter that holds the passkey mode, the kill switch (`PARAMETERS.passkeyMode` in
   * `@cognito-passkeys/deployment`). Unset: no kill switch, passkeys on.
   */
  PASSKEY_MODE_PARAMETER: z
    .string()
    .regex(/^\/[a-zA-Z0-9_.\-/]+$/)
    .optional(),
  /** How long a read of the passkey mode is served before SSM is asked again (seconds; 10 by default). */
  PASSKEY_MODE_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
});

export type ServerConfig = z.infer<typeof serverEnvSchema>;

/** What the browser needs: no secret in here. */
export interface PublicConfig {
  userPoolId: string;
  userPoolClientId: string;
  corbadoProjectId: string;
  corbadoFrontendApiUrlSuffix: string;
}

const emptyAsUnset = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === '' ? undefined : v]));

export function serverConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const parsed = serverEnvSchema.safeParse(emptyAsUnset(env));
  if (!parsed.success) {
    const keys = [...new Set(parsed.error.issues.map((issue) => issue.path.join('.')))].join(', ');
    throw new Error(`The app's environment is invalid or incomplete: ${keys} (see .env.example)`);
  }
  return parsed.data;
}

export function publicConfig(config: ServerConfig = serverConfig()): PublicConfig {
  return {
    userPoolId: config.COGNITO_USER_POOL_ID,
    userPoolClientId: config.COGNITO_CLIENT_ID,
    corbadoProjectId: config.CORBADO_PROJECT_ID,
    corbadoFrontendApiUrlSuffix: config.CORBADO_FRONTEND_API_URL_SUFFIX,
  };
}
