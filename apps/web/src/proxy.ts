import { NextResponse, type NextRequest } from 'next/server';

import { isServerActionOriginAllowed } from '@/lib/server-action-origin';

/**
 * Refuses a Server Action posted from another origin with 403 before Next.js's action handler sees it.
 * Next refuses it too (nothing runs), but answers 500 with an error digest and logs an error: a server
 * error for what is the caller's bad request. The rule is Next's own (`server-action-origin.ts`), so this
 * only changes the answer, never which calls run.
 */
export function proxy(request: NextRequest): NextResponse {
  if (request.method !== 'POST' || isServerActionOriginAllowed(request.headers)) return NextResponse.next();
  console.warn(JSON.stringify({ serverAction: 'refused', code: 'origin_not_allowed' }));
  return NextResponse.json({ ok: false, code: 'origin_not_allowed' }, { status: 403 });
}

/** Only Server Action calls (a POST with a `Next-Action` header, to whichever page uses the action). */
export const config = {
  matcher: [{ source: '/:path*', has: [{ type: 'header', key: 'next-action' }] }],
};
