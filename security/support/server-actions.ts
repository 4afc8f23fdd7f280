// Calls a Next.js Server Action over HTTP exactly as the browser does: a POST to a page that uses it, with
// the action's ID in the `Next-Action` header and the arguments in React's reply encoding; the answer is an
// RSC (flight) stream whose row 0 names the action's result. The ID comes from the build's
// server-reference manifest, so the suite calls the same action the app's pages call.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { REPO_ROOT } from '../../scripts/local-stack';

const MANIFEST = join(REPO_ROOT, 'apps', 'web', '.next', 'server', 'server-reference-manifest.json');

interface Manifest {
  node: Record<string, { filename?: string; exportedName?: string; workers: Record<string, unknown> }>;
}

/** The ID of the exported action `name` in the last build, and a page that can call it. */
export function serverAction(name: string): { id: string; page: string } {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as Manifest;
  const found = Object.entries(manifest.node).find(([, entry]) => entry.exportedName === name);
  if (!found) throw new Error(`no Server Action named ${name} in ${MANIFEST}`);
  const [id, entry] = found;
  const worker = Object.keys(entry.workers)[0]; // e.g. `app/profile/page`
  if (!worker) throw new Error(`the Server Action ${name} is used by no page`);
  return { id, page: `/${worker.replace(/^app\//, '').replace(/\/?page$/, '')}` };
}

/**
 * React's reply encoding (`encodeReply`) of plain JSON arguments: JSON, with a string that starts with `$`
 * escaped as `$$` (a leading `$` marks references).
 */
export function encodeReply(args: readonly unknown[]): string {
  return JSON.stringify(args, (_key, value: unknown) =>
    typeof value === 'string' && value.startsWith('$') ? `$${value}` : value,
  );
}

export interface ActionAnswer {
  status: number;
  /** The action's result, when the answer carried one. */
  result?: unknown;
  /** The raw body (for assertions that nothing leaked). */
  text: string;
  /** The answer's `access-control-allow-origin`: which page origin may read it. */
  allowOrigin: string | null;
}

/** Reads the action's result out of a flight answer (`0:{"a":"$@1",…}` then `1:<result>`, or inline). */
export function parseFlight(text: string): unknown {
  const rows = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]+):(.*)$/.exec(line);
    if (match) rows.set(match[1]!, match[2]!);
  }
  const root = rows.get('0');
  if (root === undefined) return undefined;
  const { a } = JSON.parse(root) as { a?: unknown };
  if (typeof a === 'string' && a.startsWith('$@')) {
    const row = rows.get(Number.parseInt(a.slice(2), 16).toString(16));
    return row === undefined ? undefined : (JSON.parse(row) as unknown);
  }
  return a;
}

/** POSTs one Server Action call as the app's page at `origin` would. */
export async function callServerAction(
  appUrl: string,
  action: { id: string; page: string },
  args: readonly unknown[],
  options: { origin?: string } = {},
): Promise<ActionAnswer> {
  const res = await fetch(`${appUrl}${action.page}`, {
    method: 'POST',
    headers: {
      accept: 'text/x-component',
      'content-type': 'text/plain;charset=UTF-8',
      'next-action': action.id,
      origin: options.origin ?? appUrl,
    },
    body: encodeReply(args),
    redirect: 'manual',
  });
  const text = await res.text();
  let result: unknown;
  if ((res.headers.get('content-type') ?? '').startsWith('text/x-component')) {
    try {
      result = parseFlight(text);
    } catch {
      result = undefined;
    }
  }
  return {
    status: res.status,
    text,
    allowOrigin: res.headers.get('access-control-allow-origin'),
    ...(result === undefined ? {} : { result }),
  };
}
