import { z } from 'zod';
import { ConfigError } from './errors';

const httpUrl = z.url({ protocol: /^https?$/ });

const origin = httpUrl.refine((value) => new URL(value).origin === value, {
  message: 'an origin is scheme://host[:port] with no path or trailing slash',
});

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
  /** The pre-login and post-append webhooks (see `@cognito-passkeys/cognito-triggers` actions/contract). */
  actions: z
    .object({
      /** Turns the typed identifier into the username passkeys are stored under. Omitted: used as is. */
      preLoginUrl: httpUrl.optional(),
      /** Called after a passkey was stored. Omitted: nothing is called. */
      postAppendUrl: httpUrl.optional(),
      /** Sent as `authorization: Bearer <secret>`. */
      secret: z.string().min(1),
      /** Timeout of each call. @default 3000 */
      timeoutMs: z.number().int().positive().max(60_000).default(3000),
    })
    .optional(),
  /** The URL browsers reach this server at (returned as `frontendApiUrl`). @default the listening URL */
  publicUrl: httpUrl.optional(),
  /** WebAuthn user verification. `required` unless loosened by name. @default 'required' */
  userVerification: z.enum(['required', 'preferred']).default('required'),
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
