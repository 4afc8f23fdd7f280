import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache, type JwksCache } from 'aws-jwt-verify/jwk';

/**
 * Everything that exists only to run the app against the local stack (local-aws and local-connect) lives
 * here: the local-only environment variables, and the overrides they turn into. Each piece is used only
 * when its variable is set; against AWS and Corbado none of it runs and the same code paths use the real
 * endpoints. The rest of the app receives these overrides as plain options and knows nothing local.
 */

/**
 * The local-only variables, each an optional URL:
 * - `COGNITO_ENDPOINT`: the Cognito endpoint Amplify (and the Server Action's GetUser) call instead of
 *   AWS: local-aws.
 * - `COGNITO_JWKS_URL`: where the local pool's JWKS is served (a real pool's keys come from its issuer URL).
 * - `CORBADO_FRONTEND_API_URL`: the Frontend API URL the Connect components call first: local-connect.
 * - `LOCAL_OUTBOX_URL`: where confirmation codes are delivered locally (local-aws's outbox), named on the
 *   sign-up page.
 *
 * Checked with `URL.canParse` rather than a zod schema: the browser imports this file for its overrides,
 * and a schema here would ship zod to every page (48 KB minified with `zod/mini`, 101 KB with `zod`).
 */
const LOCAL_STACK_KEYS = [
  'COGNITO_ENDPOINT',
  'COGNITO_JWKS_URL',
  'CORBADO_FRONTEND_API_URL',
  'LOCAL_OUTBOX_URL',
] as const;

export type LocalStackConfig = Partial<Record<(typeof LOCAL_STACK_KEYS)[number], string>>;

/** What the browser needs of the local stack; every field is unset against AWS and Corbado. */
export interface LocalBrowserConfig {
  cognitoEndpoint?: string;
  corbadoFrontendApiUrl?: string;
  outboxUrl?: string;
}

/** Reads the local-only variables (an empty one counts as unset); fails on one that is not a URL. */
export function localStackConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): LocalStackConfig {
  const config: LocalStackConfig = {};
  const invalid: string[] = [];
  for (const key of LOCAL_STACK_KEYS) {
    const value = env[key];
    if (!value) continue;
    if (URL.canParse(value)) config[key] = value;
    else invalid.push(key);
  }
  if (invalid.length > 0)
    throw new Error(`The app's local-stack environment is invalid: ${invalid.join(', ')} (see .env.example)`);
  return config;
}

/** The browser's share of the local-stack config: URLs only, nothing secret. */
export function localBrowserConfig(config: LocalStackConfig = localStackConfig()): LocalBrowserConfig {
  return {
    ...(config.COGNITO_ENDPOINT ? { cognitoEndpoint: config.COGNITO_ENDPOINT } : {}),
    ...(config.CORBADO_FRONTEND_API_URL ? { corbadoFrontendApiUrl: config.CORBADO_FRONTEND_API_URL } : {}),
    ...(config.LOCAL_OUTBOX_URL ? { outboxUrl: config.LOCAL_OUTBOX_URL } : {}),
  };
}

/** The Server Action's overrides: where GetUser is asked, and where the pool's keys come from. */
export interface LocalServerOverrides {
  cognitoEndpoint?: string;
  jwksCache?: JwksCache;
}

export function localServerOverrides(config: LocalStackConfig = localStackConfig()): LocalServerOverrides {
  return {
    ...(config.COGNITO_ENDPOINT ? { cognitoEndpoint: config.COGNITO_ENDPOINT } : {}),
    ...(config.COGNITO_JWKS_URL ? { jwksCache: localJwksCache(config.COGNITO_JWKS_URL) } : {}),
  };
}

/**
 * aws-jwt-verify's own JWKS cache (it parses and validates the JWKS, fetches again for an unknown `kid`,
 * and backs off after a failed fetch), fetching from `jwksUrl` whatever issuer URL it is asked for: the
 * local pool issues tokens with the real issuer form (`https://cognito-idp.<region>.amazonaws.com/<pool>`)
 * but serves its keys from local-aws over plain HTTP, which the library's Node fetcher does not speak.
 */
export function localJwksCache(jwksUrl: string, timeoutMs = 3000): JwksCache {
  const fetcher: Fetcher = {
    fetch: async () => {
      const response = await fetch(jwksUrl, { signal: AbortSignal.timeout(timeoutMs) });
      if (!response.ok) throw new Error(`the local JWKS answered ${response.status}`);
      return response.arrayBuffer();
    },
  };
  return new SimpleJwksCache({ fetcher });
}

/** Amplify's user-pool endpoint override (`Auth.Cognito.userPoolEndpoint`) for local-aws. */
export function localCognitoEndpoint(local: LocalBrowserConfig): { userPoolEndpoint?: string } {
  return local.cognitoEndpoint ? { userPoolEndpoint: local.cognitoEndpoint } : {};
}

/**
 * `@corbado/connect-react@0.2.4-alpha.0` builds its Frontend API URL as `https://<projectId>.<suffix>` and
 * only switches to the `frontendApiUrl` that an init call (`login/init`, `append/init`, `manage/init`)
 * returns. Seeding its stored process with the local URL before the components' first effect sends that
 * first init to local-connect, whose answer keeps every later call there. A stored process is left alone
 * (its own, newer URL wins).
 */
export function seedLocalFrontendApi(projectId: string, local: LocalBrowserConfig): void {
  const frontendApiUrl = local.corbadoFrontendApiUrl;
  if (!frontendApiUrl || typeof window === 'undefined') return;
  const key = `cbo_connect_process-${projectId}`;
  const stored = window.localStorage.getItem(key);
  if (stored && stored.includes(`"frontendApiUrl":"${frontendApiUrl}"`)) return;
  window.localStorage.setItem(
    key,
    JSON.stringify({ id: '', frontendApiUrl, loginData: null, appendData: null, manageData: null }),
  );
}

/** Where the pages tell the user their emailed codes are, when no real email is sent (else nothing). */
export function codeDeliveryHint(local: LocalBrowserConfig): { text: string; url: string } | undefined {
  return local.outboxUrl
    ? { text: 'Local stack: no email is sent; the codes are in the local outbox.', url: local.outboxUrl }
    : undefined;
}
