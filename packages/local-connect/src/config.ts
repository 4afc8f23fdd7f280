import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors';

const httpUrl = z.url({ protocol: /^https?$/ });

const origin = httpUrl.refine((value) => new URL(value).origin === value, {
  message: 'an origin is scheme://host[:port] with no path or trailing slash',
});

/** One action script and what it runs with. */
export const actionSchema = z.strictObject({
  /** Absolute path of the ES module whose `handler(event)` is the action (e.g. `…/dist/pre-login.mjs`). */
  script: z
    .string()
    .refine(isAbsolute, { message: 'the script path must be absolute' })
    .refine(existsSync, { message: 'no file at the script path' }),
  /**
   * The script's whole `process.env`, as set in Corbado's console. Nothing of the server's own
   * environment is added, so two actions never see each other's variables or the host's credentials.
   */
  env: z.record(z.string(), z.string()).default({}),
  /** How long one `handler(event)` call may run (loading the script is bounded apart, by 10 s). @default 3000 */
  timeoutMs: z.number().int().positive().max(60_000).default(3000),
});
export type ActionConfig = z.output<typeof actionSchema>;

/** The configuration of one local Corbado Connect project. */
export const localConnectConfigSchema = z.object({
  /** The Corbado project ID (`pro-…`); the JWT issuer and the `x-corbado-projectid` the Frontend API expects. */
  projectId: z.string().min(1),
  /** The Backend API secret: Basic auth `projectId:apiSecret`, or `Bearer <apiSecret>`. */
  apiSecret: z.string().min(1),
  /** The WebAuthn relying party: its ID (the app page's host), its name, and the page origins allowed. */
  rp: z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    origins: z.array(origin).min(1),
  }),
  /**
   * The action scripts Corbado runs (see `@cognito-passkeys/corbado-actions/contract`): pre-login in
   * `login/start`, post-append in `append/finish`. Omitted: the typed identifier is the username, and
   * nothing runs after an append.
   */
  actions: z
    .strictObject({
      preLogin: actionSchema.optional(),
      postAppend: actionSchema.optional(),
    })
    .default({}),
  /** The URL browsers reach this server at (returned as `frontendApiUrl`). @default the listening URL */
  publicUrl: httpUrl.optional(),
  /** WebAuthn user verification. `required` unless loosened by name. @default 'required' */
  userVerification: z.enum(['required', 'preferred']).default('required'),
  /**
   * When `append/start` offers no passkey (`attestationOptions: ""`, which both client generations read as
   * "denied by passkey intelligence": the append component calls `onSkip`). Corbado's docs say the check
   * weighs "whether the user already has a passkey on the device" but not how it knows; here a device is a
   * client environment (the client's `cbo_client_handle`), and a passkey is on it once it was created or
   * used there.
   * - `passkey-on-device`: skip when one of the user's passkeys was created or used in this client environment;
   * - `any-passkey`: skip when the user has any passkey at all;
   * - `never`: always offer (the authenticator's `excludeCredentials` still refuses a second passkey).
   * An append the user asked for (`forcePasskeyAppend`, the passkey list's "Add a passkey") is always offered.
   * @default 'passkey-on-device'
   */
  skipAppendWhen: z.enum(['passkey-on-device', 'any-passkey', 'never']).default('passkey-on-device'),
  /** Flags returned by the `*\/init` calls, over the defaults (`conditional-ui-allowed: 'true'`). */
  flags: z.record(z.string(), z.string()).default({}),
  /** Lifetime of a connect token when the request names none. @default 3600 */
  connectTokenLifetimeSeconds: z.number().int().positive().default(3600),
  /** Upper bound of `maxLifetimeInSeconds`. @default 3600 */
  maxConnectTokenLifetimeSeconds: z.number().int().positive().default(3600),
  /** How long a Frontend API process (and its conditional-UI challenge) lives. @default 600 */
  processLifetimeSeconds: z.number().int().positive().default(600),
  /** Timeout of a WebAuthn ceremony in the browser, and lifetime of its challenge. @default 120000 */
  ceremonyTimeoutMs: z.number().int().positive().default(120_000),
});

/** The configuration as written (defaults optional). */
export type LocalConnectConfig = z.input<typeof localConnectConfigSchema>;
/** The configuration after defaults. */
export type ResolvedConfig = z.output<typeof localConnectConfigSchema>;

/** Parses the configuration once at startup; a mistake fails here, not on a request. */
export function parseConfig(input: unknown): ResolvedConfig {
  const parsed = localConnectConfigSchema.safeParse(input);
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ConfigError('invalid_config', `invalid local-connect config: ${where.join('; ')}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}
