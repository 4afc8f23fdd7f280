import { isCsrfOriginAllowed } from 'next/dist/server/app-render/csrf-protection';

/**
 * Hosts other than the app's own that may call its Server Actions (`host` form, `*` and `**` wildcards as
 * Next.js documents them). `next.config.ts` passes this same list to Next as
 * `experimental.serverActions.allowedOrigins`, so the proxy and Next's own check agree. None by default.
 */
export const serverActionAllowedOrigins: readonly string[] = [];

/**
 * Whether Next.js would run a Server Action posted with these headers, by its own CSRF rule: the host of
 * the `Origin` header must equal the app's host (the first `X-Forwarded-Host`, else `Host`) or be one of
 * `allowedOrigins` (matched with Next's own matcher). A request without an `Origin` header is allowed, as
 * Next allows it: browsers send `Origin` with every cross-site POST, so its absence is not a forged page.
 * An `Origin` that is not a URL (other than `null`) is refused.
 */
export function isServerActionOriginAllowed(
  headers: Headers,
  allowedOrigins: readonly string[] = serverActionAllowedOrigins,
): boolean {
  const origin = headers.get('origin');
  if (origin === null) return true;
  let originHost: string;
  if (origin === 'null') originHost = 'null';
  else if (URL.canParse(origin)) originHost = new URL(origin).host;
  else return false;
  const appHost = headers.get('x-forwarded-host')?.split(',')[0]?.trim() || headers.get('host');
  if (appHost && originHost === appHost) return true;
  return isCsrfOriginAllowed(originHost, [...allowedOrigins]);
}
