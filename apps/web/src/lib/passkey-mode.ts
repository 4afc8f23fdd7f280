import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import {
  DEFAULT_PASSKEY_MODE,
  PASSKEY_MODE_STALE_SECONDS,
  parsePasskeyMode,
  passkeyAppendAllowed,
  passkeyManagementAllowed,
  type PasskeyMode,
} from '@cognito-passkeys/deployment/operations';

import type { ConnectTokenType } from './connect-token';

/** What the reader needs of an SSM client: `send` (the SDK's `SSMClient`, or aws-sdk-client-mock's). */
export type SsmPort = Pick<SSMClient, 'send'>;

export interface PasskeyModeReaderOptions {
  ssm: SsmPort;
  /** The SSM String parameter that holds the mode (`PARAMETERS.passkeyMode`). */
  parameterName: string;
  /** How long a read is served before the parameter is read again. */
  cacheSeconds: number;
  /** One read's limit, retries included (milliseconds); a read that takes longer counts as failed. */
  timeoutMs?: number;
  /** The clock, in milliseconds. */
  now?: () => number;
}

/**
 * The passkey mode (the kill switch), read from SSM and cached for `cacheSeconds`, with the shared
 * semantics of `@cognito-passkeys/deployment/operations`: a parameter that does not exist means the default
 * mode, a value that is not a mode means `off`, and a failed read serves the last value read for at most
 * `PASSKEY_MODE_STALE_SECONDS` after it was read, then `off`. Concurrent calls share one read.
 */
export function createPasskeyModeReader(options: PasskeyModeReaderOptions): () => Promise<PasskeyMode> {
  const { ssm, parameterName, cacheSeconds, timeoutMs = 1500, now = Date.now } = options;
  /** The last answer from SSM (a value, or ParameterNotFound) and when it came. */
  let lastRead: { mode: PasskeyMode; at: number } | undefined;
  /** What is served, until when. */
  let served: { mode: PasskeyMode; until: number } | undefined;
  let reading: Promise<PasskeyMode> | undefined;

  async function read(): Promise<PasskeyMode> {
    const started = now();
    let mode: PasskeyMode;
    try {
      const { Parameter } = await withTimeout(timeoutMs, (abortSignal) =>
        ssm.send(new GetParameterCommand({ Name: parameterName }), { abortSignal }),
      );
      const parsed = parsePasskeyMode(Parameter?.Value);
      if (!parsed) console.warn(JSON.stringify({ passkeyMode: 'invalid_value', parameter: parameterName }));
      mode = parsed ?? 'off';
      lastRead = { mode, at: started };
    } catch (error) {
      const name = error instanceof Error ? error.name : 'unknown';
      if (name === 'ParameterNotFound') {
        mode = DEFAULT_PASSKEY_MODE;
        lastRead = { mode, at: started };
      } else {
        // The error's name only: never its message, which may carry request details.
        console.warn(JSON.stringify({ passkeyMode: 'read_failed', error: name }));
        const staleUntil = lastRead ? lastRead.at + PASSKEY_MODE_STALE_SECONDS * 1000 : 0;
        mode = lastRead && started <= staleUntil ? lastRead.mode : 'off';
        // Asked again after the cache time, but a stale value never outlives its limit.
        served = {
          mode,
          until:
            mode === 'off'
              ? started + cacheSeconds * 1000
              : Math.min(staleUntil, started + cacheSeconds * 1000),
        };
        return mode;
      }
    }
    served = { mode, until: started + cacheSeconds * 1000 };
    return mode;
  }

  return () => {
    if (served && now() < served.until) return Promise.resolve(served.mode);
    reading ??= read().finally(() => {
      reading = undefined;
    });
    return reading;
  };
}

/** `run`, aborted and refused as a `TimeoutError` after `ms` (also when the call ignores the signal). */
async function withTimeout<T>(ms: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(Object.assign(new Error('the read timed out'), { name: 'TimeoutError' }));
    }, ms);
  });
  try {
    return await Promise.race([run(controller.signal), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `mode` lets the app's server mint a connect token of `type`. */
export function connectTokenAllowed(type: ConnectTokenType, mode: PasskeyMode): boolean {
  return type === 'passkey-append' ? passkeyAppendAllowed(mode) : passkeyManagementAllowed(mode);
}

/** The app's reader, made once per parameter and cache time. */
let reader: { key: string; read: () => Promise<PasskeyMode> } | undefined;

/**
 * The passkey mode for this request: `on` without a kill switch (`PASSKEY_MODE_PARAMETER` unset), else the
 * parameter's value through the cached reader. The SSM client takes the AWS SDK's standard region,
 * credentials and `AWS_ENDPOINT_URL_SSM`; without a region it asks in the user pool's.
 */
export function currentPasskeyMode(config: {
  PASSKEY_MODE_PARAMETER?: string | undefined;
  PASSKEY_MODE_CACHE_SECONDS: number;
  COGNITO_USER_POOL_ID: string;
}): Promise<PasskeyMode> {
  const parameterName = config.PASSKEY_MODE_PARAMETER;
  if (!parameterName) return Promise.resolve(DEFAULT_PASSKEY_MODE);
  const key = JSON.stringify([parameterName, config.PASSKEY_MODE_CACHE_SECONDS]);
  if (reader?.key !== key) {
    const region =
      process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || config.COGNITO_USER_POOL_ID.split('_')[0]!;
    reader = {
      key,
      read: createPasskeyModeReader({
        ssm: new SSMClient({ region, maxAttempts: 2 }),
        parameterName,
        cacheSeconds: config.PASSKEY_MODE_CACHE_SECONDS,
      }),
    };
  }
  return reader.read();
}
