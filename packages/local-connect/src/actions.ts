import type {
  PostAppendRequest,
  PostAppendResponse,
  PreLoginRequest,
  PreLoginResponse,
} from '@cognito-passkeys/cognito-triggers';
import { z } from 'zod';
import { ActionError } from './errors';

const preLoginResponseSchema: z.ZodType<PreLoginResponse> = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('found'), username: z.string().min(1) }),
  z.object({ outcome: z.literal('not_found') }),
]);

const postAppendResponseSchema: z.ZodType<PostAppendResponse> = z.discriminatedUnion('outcome', [
  z.object({ outcome: z.literal('mfa_enabled'), method: z.enum(['EMAIL_OTP', 'SOFTWARE_TOKEN', 'SMS']) }),
  z.object({ outcome: z.literal('mfa_already_set') }),
  z.object({ outcome: z.literal('unchanged') }),
  z.object({ outcome: z.literal('not_found') }),
]);

/** Largest action answer read; the contract's answers are a few dozen bytes. */
const MAX_RESPONSE_BYTES = 16 * 1024;

export interface ActionTarget {
  url: string;
  secret: string;
  timeoutMs: number;
}

/** POSTs one action webhook per the contract: JSON, `authorization: Bearer <secret>`, a hard timeout. */
async function callAction<T>(target: ActionTarget, body: unknown, schema: z.ZodType<T>): Promise<T> {
  let response: Response;
  let text: string;
  const signal = AbortSignal.timeout(target.timeoutMs);
  try {
    response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${target.secret}` },
      body: JSON.stringify(body),
      redirect: 'error',
      signal,
    });
    text = await response.text();
  } catch (err) {
    if (signal.aborted) throw new ActionError('action_timeout', 'action timed out', { cause: err });
    throw new ActionError('action_unreachable', 'action could not be reached', { cause: err });
  }
  if (!response.ok) {
    throw new ActionError('action_bad_response', `action answered HTTP ${response.status}`);
  }
  if (text.length > MAX_RESPONSE_BYTES) {
    throw new ActionError('action_bad_response', 'action answer too large');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ActionError('action_bad_response', 'action answered no JSON', { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ActionError('action_bad_response', 'action answer outside the contract', {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** pre-login: the typed identifier → the username passkeys are stored under. */
export function callPreLogin(target: ActionTarget, request: PreLoginRequest): Promise<PreLoginResponse> {
  return callAction(target, request, preLoginResponseSchema);
}

/** post-append: tells the user pool a passkey was added. */
export function callPostAppend(
  target: ActionTarget,
  request: PostAppendRequest,
): Promise<PostAppendResponse> {
  return callAction(target, request, postAppendResponseSchema);
}
