// zod/mini: tree-shakeable, so a Lambda bundling this client carries a few KB of zod, not all of it.
import * as z from 'zod/mini';

import { readBoundedText } from './bounded-body';
import { CorbadoBackendConfigError, CorbadoBackendError } from './errors';

/** Connect-token types of Corbado's Backend API (`POST /v2/connectTokens`). */
export const CONNECT_TOKEN_TYPES = [
  'passkey-append',
  'passkey-list',
  'passkey-delete',
  'passkey-login',
] as const;
export type ConnectTokenType = (typeof CONNECT_TOKEN_TYPES)[number];

/** Results of `POST /v2/passkey/verifySignedData`; only `success` means the passkey login is genuine. */
export const VERIFICATION_RESULTS = [
  'success',
  'invalid_signature',
  'invalid_challenge',
  'user_mismatch',
  'generic_error',
] as const;
export type VerificationResult = (typeof VERIFICATION_RESULTS)[number];

export interface ConnectTokenData {
  /** The user's stable identifier at Corbado: the Cognito username. */
  identifier: string;
  /** What the passkey is labelled with on the user's device: the email. */
  displayName: string;
}

export interface CorbadoBackend {
  /** Mints a connect token and returns its secret (`ctk1_…`), which the Connect components consume. */
  createConnectToken(
    type: ConnectTokenType,
    data: ConnectTokenData,
    options?: { maxLifetimeInSeconds?: number },
  ): Promise<string>;
  /** Asks Corbado whether `signedPasskeyData` is a genuine, unused passkey login of `username`. */
  verifySignedPasskeyData(input: {
    signedPasskeyData: string;
    username: string;
  }): Promise<VerificationResult>;
}

export interface CorbadoBackendOptions {
  /** Base URL of the Backend API without `/v2`, e.g. `https://backendapi.cloud.corbado.io`. */
  baseUrl: string;
  /** The project ID (`pro-…`), the Basic-auth user. */
  projectId: string;
  /** The API secret, the Basic-auth password. Never logged, never put into an error. */
  apiSecret: string;
  /**
   * Timeout of one call in milliseconds, connection and answer included.
   * @default 3000 (inside Cognito's 5 s trigger budget)
   */
  timeoutMs?: number;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
}

export const DEFAULT_TIMEOUT_MS = 3000;
/** Answers larger than this are not read: the documented bodies are a few hundred bytes. */
const MAX_RESPONSE_BYTES = 64 * 1024;

const connectTokenResponse = z.object({ secret: z.string().check(z.minLength(1)) });
const verifyResponse = z.object({ verificationResult: z.enum(VERIFICATION_RESULTS) });

/** Creates the Backend API client. Bad options throw `CorbadoBackendConfigError` at once. */
export function createCorbadoBackend(options: CorbadoBackendOptions): CorbadoBackend {
  const { projectId, apiSecret } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl = options.fetch ?? globalThis.fetch;

  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch {
    throw new CorbadoBackendConfigError('baseUrl must be an absolute URL');
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new CorbadoBackendConfigError('baseUrl must be an http(s) URL');
  }
  if (typeof projectId !== 'string' || projectId.length === 0 || projectId.includes(':')) {
    throw new CorbadoBackendConfigError('projectId must be a non-empty string without ":"');
  }
  if (typeof apiSecret !== 'string' || apiSecret.length === 0) {
    throw new CorbadoBackendConfigError('apiSecret must be a non-empty string');
  }
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new CorbadoBackendConfigError('timeoutMs must be a positive integer');
  }

  const basePath = base.pathname.replace(/\/+$/, '');
  const authorization = `Basic ${Buffer.from(`${projectId}:${apiSecret}`).toString('base64')}`;

  async function post<T>(
    operation: string,
    path: string,
    body: unknown,
    schema: z.ZodMiniType<T>,
  ): Promise<T> {
    const url = new URL(base);
    url.pathname = `${basePath}${path}`;
    const signal = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          authorization,
          'content-type': 'application/json',
          accept: 'application/json',
          'x-corbado-projectid': projectId,
        },
        body: JSON.stringify(body),
        signal,
        redirect: 'error',
      });
    } catch (cause) {
      throw transportError(operation, cause, signal);
    }

    let text: string;
    try {
      text = await readBoundedText(
        response,
        MAX_RESPONSE_BYTES,
        () =>
          new CorbadoBackendError('malformed_response', 'the answer is larger than expected', {
            status: response.status,
          }),
      );
    } catch (cause) {
      throw transportError(operation, cause, signal, response.status);
    }

    const { status } = response;
    if (status === 401 || status === 403) {
      throw new CorbadoBackendError('unauthorized', `${operation}: Corbado rejected the credentials`, {
        status,
      });
    }
    if (status >= 500) {
      throw new CorbadoBackendError('server_error', `${operation}: Corbado answered ${status}`, { status });
    }
    if (status >= 400) {
      throw new CorbadoBackendError('bad_request', `${operation}: Corbado rejected the request (${status})`, {
        status,
      });
    }
    if (status < 200 || status > 299) {
      throw new CorbadoBackendError('malformed_response', `${operation}: unexpected status ${status}`, {
        status,
      });
    }

    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new CorbadoBackendError('malformed_response', `${operation}: the answer is not JSON`, { status });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new CorbadoBackendError(
        'malformed_response',
        `${operation}: the answer lacks the documented fields`,
        {
          status,
        },
      );
    }
    return parsed.data;
  }

  return {
    async createConnectToken(type, data, tokenOptions = {}) {
      if (!CONNECT_TOKEN_TYPES.includes(type)) {
        throw new CorbadoBackendConfigError(`unknown connect token type`);
      }
      if (!data.identifier) throw new CorbadoBackendConfigError('identifier must be a non-empty string');
      const { maxLifetimeInSeconds } = tokenOptions;
      if (
        maxLifetimeInSeconds !== undefined &&
        (!Number.isInteger(maxLifetimeInSeconds) || maxLifetimeInSeconds <= 0)
      ) {
        throw new CorbadoBackendConfigError('maxLifetimeInSeconds must be a positive integer');
      }
      const body = {
        type,
        data: { identifier: data.identifier, displayName: data.displayName },
        ...(maxLifetimeInSeconds === undefined ? {} : { maxLifetimeInSeconds }),
      };
      const { secret } = await post('createConnectToken', '/v2/connectTokens', body, connectTokenResponse);
      return secret;
    },

    async verifySignedPasskeyData({ signedPasskeyData, username }) {
      if (!signedPasskeyData || !username) {
        throw new CorbadoBackendConfigError('signedPasskeyData and username must be non-empty strings');
      }
      const { verificationResult } = await post(
        'verifySignedPasskeyData',
        '/v2/passkey/verifySignedData',
        { signedPasskeyData, username },
        verifyResponse,
      );
      return verificationResult;
    },
  };
}

function transportError(
  operation: string,
  cause: unknown,
  signal: AbortSignal,
  status?: number,
): CorbadoBackendError {
  const options = status === undefined ? { cause } : { cause, status };
  if (signal.aborted) {
    return new CorbadoBackendError('timeout', `${operation}: no answer within the timeout`, options);
  }
  if (cause instanceof CorbadoBackendError) return cause;
  return new CorbadoBackendError('network_error', `${operation}: the connection failed`, options);
}
