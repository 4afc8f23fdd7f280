export interface CorsPolicyOptions {
  /** Exact origins (scheme, host, port) whose pages may call; every other origin is refused. */
  origins: Iterable<string>;
  /** `access-control-allow-methods` of a preflight answer, as the emulator's protocol writes it. */
  allowMethods: string;
  /** `access-control-allow-headers` of a preflight answer: the request headers the real client sends. */
  allowHeaders: string;
  /** `access-control-expose-headers` of every answer. @default none */
  exposeHeaders?: string;
  /** Whether cookies ride along (`access-control-allow-credentials: true`). @default false */
  credentials?: boolean;
  /**
   * How long a browser may cache a preflight, per origin and URL. @default 7200, the most Chromium honours
   * (Firefox allows a day): one preflight per route in two hours instead of one per call.
   */
  maxAgeSeconds?: number;
}

/** An origin allowlist and the CORS headers it answers with: exactly the caller's origin, never `*`. */
export interface CorsPolicy {
  allows(origin: string): boolean;
  /** Headers for every answer to an allowed origin. */
  headersFor(origin: string): Record<string, string>;
  /** The extra headers of a preflight answer. */
  readonly preflightHeaders: Readonly<Record<string, string>>;
}

export function corsPolicy(options: CorsPolicyOptions): CorsPolicy {
  const origins = new Set(options.origins);
  const preflightHeaders = Object.freeze({
    'access-control-allow-methods': options.allowMethods,
    'access-control-allow-headers': options.allowHeaders,
    'access-control-max-age': String(options.maxAgeSeconds ?? 7200),
  });
  return {
    allows: (origin) => origins.has(origin),
    headersFor: (origin) => ({
      'access-control-allow-origin': origin,
      ...(options.credentials === true ? { 'access-control-allow-credentials': 'true' } : {}),
      ...(options.exposeHeaders !== undefined
        ? { 'access-control-expose-headers': options.exposeHeaders }
        : {}),
      // Caches must key the answer on the Origin it names.
      vary: 'origin',
    }),
    preflightHeaders,
  };
}
