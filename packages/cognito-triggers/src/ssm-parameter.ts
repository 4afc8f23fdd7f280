// SSM parameters read by one SigV4-signed `fetch` of SSM's JSON 1.1 `GetParameter`, instead of the SSM
// client: the client and its Powertools provider cost ~170 ms of cold start and most of the bundle, for one
// call. The signature comes from the SDK's own signer (@smithy/signature-v4), so canonicalization is the
// clients'; nothing here does cryptography. One reader serves the Corbado API secret (a SecureString, read
// with decryption) and the passkey mode (a String).
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { readBoundedText } from '@cognito-passkeys/corbado-backend';
import * as z from 'zod/mini';

import { TriggerError } from './errors';

/**
 * The most one read may take, its one retry included: well inside Cognito's 5 s trigger budget together
 * with the Corbado call (`CORBADO_TIMEOUT_MS`, 2.5 s by default; `TIME_BUDGET` in
 * @cognito-passkeys/deployment), and inside define-auth-challenge's 3 s timeout. A GetParameter answers in
 * tens of milliseconds; a cold TLS connection adds about one hundred.
 */
export const SSM_DEADLINE_MS = 1000;
/** A parameter holds at most 8 KB (advanced tier); anything far larger is not SSM's answer. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export interface SsmReadOptions {
  /** Decrypt a SecureString (`WithDecryption`). @default false */
  withDecryption?: boolean;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /**
   * Where the region, the endpoint and the role's credentials are read, at each read (Lambda sets
   * `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`).
   * @default process.env
   */
  env?: Record<string, string | undefined>;
}

const getParameterAnswer = z.object({ Parameter: z.object({ Value: z.string() }) });
const errorAnswer = z.object({ __type: z.string() });

/**
 * One parameter's signed GetParameter, uncached: each call reads once (one retry for a reset connection,
 * a 5xx or throttling, all within `SSM_DEADLINE_MS`). A parameter SSM does not have is
 * `TriggerError('parameter_not_found')`; any other failure is `TriggerError('parameter_unavailable')`
 * naming the parameter and SSM's error type, never a value.
 *
 * The endpoint is `AWS_ENDPOINT_URL_SSM` (or `AWS_ENDPOINT_URL`) when set, as the AWS SDKs read them, else
 * `https://ssm.<AWS_REGION>.amazonaws.com`.
 */
export function ssmParameterReader(
  parameterName: string,
  options: SsmReadOptions = {},
): () => Promise<string> {
  const { env = process.env } = options;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const body = JSON.stringify({ Name: parameterName, WithDecryption: options.withDecryption === true });

  const fail = (reason: string, cause?: unknown) =>
    new TriggerError(
      reason === 'ParameterNotFound' ? 'parameter_not_found' : 'parameter_unavailable',
      `the SSM parameter ${parameterName} could not be read (${reason})`,
      cause === undefined ? undefined : { cause },
    );

  return async function read(): Promise<string> {
    const region = env.AWS_REGION;
    const accessKeyId = env.AWS_ACCESS_KEY_ID;
    const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
    if (!region || !accessKeyId || !secretAccessKey) {
      throw fail('AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set');
    }
    const endpoint =
      env.AWS_ENDPOINT_URL_SSM || env.AWS_ENDPOINT_URL || `https://ssm.${region}.amazonaws.com`;
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch (cause) {
      throw fail('the SSM endpoint is not a URL', cause);
    }
    const signer = new SignatureV4({
      service: 'ssm',
      region,
      sha256: Sha256,
      credentials: {
        accessKeyId,
        secretAccessKey,
        ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
      },
    });

    const signal = AbortSignal.timeout(SSM_DEADLINE_MS);
    // One retry, for what a retry can mend (a reset connection, a 5xx, throttling), within the deadline.
    for (let attempt = 1; ; attempt += 1) {
      const signed = await signer.sign(
        new HttpRequest({
          method: 'POST',
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port ? { port: Number(url.port) } : {}),
          path: url.pathname,
          headers: {
            host: url.host,
            'content-type': 'application/x-amz-json-1.1',
            'x-amz-target': 'AmazonSSM.GetParameter',
          },
          body,
        }),
      );
      let status: number;
      let text: string;
      try {
        const response = await fetchImpl(url, {
          method: 'POST',
          headers: signed.headers,
          body,
          signal,
          redirect: 'error',
        });
        status = response.status;
        text = await readBoundedText(
          response,
          MAX_RESPONSE_BYTES,
          () => new Error('the answer is larger than expected'),
        );
      } catch (cause) {
        if (signal.aborted) throw fail('no answer within the deadline', cause);
        if (attempt < 2) continue;
        throw fail('the connection failed', cause);
      }

      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      if (status === 200) {
        const parsed = getParameterAnswer.safeParse(json);
        if (!parsed.success) throw fail('the answer lacks Parameter.Value');
        if (parsed.data.Parameter.Value.length === 0) throw fail('the parameter is empty');
        return parsed.data.Parameter.Value;
      }
      // JSON 1.1 errors name their type in `__type`, sometimes behind a namespace (`…#ParameterNotFound`).
      const parsedError = errorAnswer.safeParse(json);
      const type = parsedError.success ? parsedError.data.__type.split('#').pop() : undefined;
      const retryable = status >= 500 || type === 'ThrottlingException';
      if (retryable && attempt < 2 && !signal.aborted) continue;
      throw fail(type !== undefined && /^\w{1,64}$/.test(type) ? type : `HTTP ${status}`);
    }
  };
}

/** A secret read at run time; the port the handlers depend on. */
export interface SecretSource {
  get(): Promise<string>;
}

export interface SsmSecretOptions extends Omit<SsmReadOptions, 'withDecryption'> {
  /** How long a read value is reused by this container, in seconds; 0 reads on every call. */
  maxAgeSeconds: number;
  /** The clock the cache ages by, in milliseconds. @default Date.now */
  now?: () => number;
}

/**
 * A SecureString parameter read with decryption, cached per container for `maxAgeSeconds` so a rotated
 * secret is picked up without a deploy. Concurrent first calls share one read. Any failure (a missing
 * parameter included) is a `TriggerError('secret_unavailable')` naming the parameter and SSM's error type,
 * never a value.
 */
export function ssmSecret(parameterName: string, options: SsmSecretOptions): SecretSource {
  const { maxAgeSeconds, now = Date.now } = options;
  const readOnce = ssmParameterReader(parameterName, { ...options, withDecryption: true });
  let cached: { value: string; readAt: number } | undefined;
  let reading: Promise<string> | undefined;

  const read = () =>
    readOnce().catch((error: unknown) => {
      const known = error instanceof TriggerError;
      throw new TriggerError(
        'secret_unavailable',
        known ? error.message : `the SSM parameter ${parameterName} could not be read`,
        { cause: known ? error.cause : error },
      );
    });

  return {
    async get() {
      if (cached !== undefined && now() - cached.readAt < maxAgeSeconds * 1000) return cached.value;
      reading ??= read().finally(() => {
        reading = undefined;
      });
      const value = await reading;
      cached = { value, readAt: now() };
      return value;
    },
  };
}
