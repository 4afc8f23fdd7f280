import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { aaguidDetails } from '../authenticator-names';
import { nowSeconds, type ServerDeps } from '../context';
import { RequestError } from '../errors';
import { header, readJson } from '../http';
import { randomToken } from '../ids';
import type { ConnectTokenRow, ConnectTokenType, ProcessRow } from '../store';

// What the three ceremonies share. Request and response fields follow the generated Frontend API types
// of @corbado/web-core 2.18.0 (dist/api/v2/api.d.ts, run by @corbado/connect-react 0.2.4-alpha.0) and
// 3.5.0 (the same file in web-core-3); where they differ, `clientGeneration` picks the answer.

export const CONDITIONAL_UI_FLAG = 'conditional-ui-allowed';

/**
 * Which generation of the official client sent the request. Both send `x-corbado-sdk:
 * {"name":"web-core","sdkVersion":"…"}` on every call (2.18.0 and 3.5.0 ConnectService
 * `createAxiosInstanceV2`); a request without it (a server-side tool, a test) is answered as 2.x.
 */
export type ClientGeneration = 'v2' | 'v3';

const sdkHeaderSchema = z.object({ sdkVersion: z.string().regex(/^\d+\./) });

export function clientGeneration(req: IncomingMessage): ClientGeneration {
  const raw = header(req, 'x-corbado-sdk');
  if (!raw) return 'v2';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return 'v2';
  }
  const parsed = sdkHeaderSchema.safeParse(json);
  if (!parsed.success) return 'v2';
  return Number.parseInt(parsed.data.sdkVersion, 10) >= 3 ? 'v3' : 'v2';
}

export const initSchema = z.object({
  clientInformation: z.record(z.string(), z.unknown()).optional(),
  flags: z.record(z.string(), z.string()).optional(),
  invitationToken: z.string().max(1024).optional(),
});
export type InitRequest = z.output<typeof initSchema>;

export function flags(deps: ServerDeps): Record<string, string> {
  return { [CONDITIONAL_UI_FLAG]: 'true', ...deps.config.flags };
}

function identifierType(value: string): 'email' | 'phone' | 'username' {
  if (value.includes('@')) return 'email';
  if (/^\+?[0-9 ()-]{6,}$/.test(value)) return 'phone';
  return 'username';
}

/** What append/finish and login/finish report of the ceremony; `aaguid` names the passkey's authenticator. */
export function passkeyOperation(
  operationType: 'append' | 'verify',
  identifierValue: string,
  aaguid: string,
) {
  return {
    operationType,
    identifierValue,
    identifierType: identifierType(identifierValue),
    ceremonyType: 'local' as const,
    aaguidDetails: aaguidDetails(aaguid),
  };
}

/** append/init and manage/init: a process for the ceremony, with its own `…Allowed` flag. */
export async function ceremonyInit<Allowed extends 'appendAllowed' | 'manageAllowed'>(
  deps: ServerDeps,
  req: IncomingMessage,
  allowed: Allowed,
) {
  const body = await readJson(req, initSchema);
  const { process, newClientEnvHandle } = openProcess(deps, req, body);
  return {
    processID: process.id,
    expiresAt: process.expires,
    frontendApiUrl: deps.frontendApiUrl(),
    ...({ [allowed]: true } as Record<Allowed, true>),
    flags: flags(deps),
    ...(newClientEnvHandle ? { newClientEnvHandle } : {}),
  };
}

/**
 * The client environment an init comes from: the one its `clientEnvHandle` names, or, when it sends none
 * or one this server never issued (cleared storage, another server's), a new one whose handle the init
 * answers as `newClientEnvHandle` (both client generations then store it: 2.18.0 and 3.5.0
 * `ConnectService.*Init`, "if the backend decides that a new client handle is needed").
 */
function clientEnvOf(deps: ServerDeps, init: InitRequest): { id: string; issued: boolean } {
  // The handle this server issued as `newClientEnvHandle`; the client keeps it in localStorage
  // (2.18.0 `cbo_client_handle`, 3.5.0 `cbo_client_handle-<projectId>`) and sends it with every init.
  // Anything else in its place (another server's, a non-string) only earns a new handle.
  const handle = init.clientInformation?.clientEnvHandle;
  if (typeof handle === 'string' && handle.length <= 64 && deps.store.clientEnvExists(handle)) {
    return { id: handle, issued: false };
  }
  const id = randomToken(24);
  deps.store.insertClientEnv(id, deps.now().getTime());
  return { id, issued: true };
}

/**
 * Reuses the live process named by `x-corbado-process-id`, or opens a new one; each init extends it and
 * binds it to the client environment it came from.
 */
export function openProcess(
  deps: ServerDeps,
  req: IncomingMessage,
  init: InitRequest,
): { process: ProcessRow; newClientEnvHandle?: string } {
  const expires = nowSeconds(deps) + deps.config.processLifetimeSeconds;
  const env = clientEnvOf(deps, init);
  const newClientEnvHandle = env.issued ? env.id : undefined;
  const id = header(req, 'x-corbado-process-id');
  const existing = id ? deps.store.processById(id) : undefined;
  if (existing && existing.expires > nowSeconds(deps)) {
    deps.store.extendProcess(existing.id, expires, env.id);
    return { process: { id: existing.id, expires, clientEnvId: env.id }, newClientEnvHandle };
  }
  const process = { id: randomToken(15), expires, clientEnvId: env.id };
  deps.store.insertProcess(process);
  return { process, newClientEnvHandle };
}

/** The live process a start/finish call belongs to; its challenges are bound to it. */
export function requireProcess(deps: ServerDeps, req: IncomingMessage): ProcessRow {
  const id = header(req, 'x-corbado-process-id');
  const process = id ? deps.store.processById(id) : undefined;
  if (!process || process.expires <= nowSeconds(deps)) {
    throw new RequestError('invalid_process', 'no live process for x-corbado-process-id; call an init first');
  }
  return process;
}

/** A connect token of the given type that is neither expired nor (unless reusable) consumed. */
export function requireConnectToken(
  deps: ServerDeps,
  secret: string,
  type: ConnectTokenType,
): ConnectTokenRow {
  const token = deps.store.connectTokenBySecret(secret);
  const reusable = type === 'passkey-list';
  if (
    !token ||
    token.type !== type ||
    token.expires <= nowSeconds(deps) ||
    (!reusable && token.status === 'consumed')
  ) {
    throw new RequestError('invalid_connect_token', `not a valid ${type} connect token`);
  }
  return token;
}

/** Dates as date-fns parses them (`new Date(value)`): ISO 8601 in UTC, seconds precision. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

// --- calls outside the ceremonies ---

const eventSchema = z.object({
  eventType: z.string().max(128),
  message: z.string().max(4096).optional(),
  challenge: z.string().max(4096).optional(),
});
const processClearSchema = z.object({ processId: z.string().max(128).optional() });

export async function recordEvent(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, eventSchema);
  deps.log({ level: 'info', event: 'client_event', eventType: body.eventType });
  return {};
}

/** 3.x calls this when two login inits raced and it keeps the other process (ConnectService.loginInit). */
export async function processClear(deps: ServerDeps, req: IncomingMessage) {
  const body = await readJson(req, processClearSchema);
  const processId = body.processId ?? header(req, 'x-corbado-process-id') ?? '';
  if (processId) deps.store.deleteProcess(processId);
  return { processId };
}
