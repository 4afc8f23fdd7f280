import { randomUUID } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveFunctionName, type FunctionConfig, type ResolvedConfig } from './config';
import { IsolatedFunction, IsolatedInvokeError } from './lambda-isolated';

type Handler = (event: unknown, context: unknown, callback?: unknown) => unknown;

/** Why an invocation failed; the caller maps it to the service's error. */
export type InvokeFailure = 'threw' | 'timeout' | 'not-found' | 'load-failed';

export class InvokeError extends Error {
  constructor(
    readonly reason: InvokeFailure,
    options?: { cause?: unknown },
  ) {
    super(`Lambda invocation failed: ${reason}`, options);
    this.name = 'InvokeError';
  }
}

/**
 * A local Lambda registry: function name → handler module, imported on first invocation (a cold start).
 * A function with an `environment` runs in execution environments of its own (`lambda-isolated.ts`) that
 * see exactly that environment plus Lambda's runtime variables; one without runs in this process and is
 * cached, so a process can set `process.env` after `start()` and before the first call.
 */
export class LambdaRegistry {
  private readonly loaded = new Map<string, Promise<Handler>>();
  private readonly isolated = new Map<string, IsolatedFunction>();
  private readonly functions: Record<string, FunctionConfig>;
  private readonly region: string;
  private readonly accountId: string;
  private readonly secretKeys: Map<string, string>;
  private endpoint: string | undefined;

  constructor(
    config: Pick<ResolvedConfig, 'functions' | 'region' | 'accountId' | 'principals'>,
    private readonly log: (line: string) => void,
  ) {
    this.functions = config.functions;
    this.region = config.region;
    this.accountId = config.accountId;
    this.secretKeys = new Map(config.principals.map((p) => [p.accessKeyId, p.secretAccessKey]));
  }

  /** This server's URL: isolated functions get it as `AWS_ENDPOINT_URL_SSM`. */
  serveAt(url: string): void {
    this.endpoint = url;
  }

  /** Ends every isolated function's environments. */
  async close(): Promise<void> {
    await Promise.all([...this.isolated.values()].map((fn) => fn.close()));
    this.isolated.clear();
  }

  /** What an isolated function's process sees: its own keys and what Lambda's runtime sets, nothing else. */
  private environmentOf(name: string, fn: FunctionConfig): Record<string, string> {
    const secret = fn.accessKeyId === undefined ? undefined : this.secretKeys.get(fn.accessKeyId);
    return {
      ...fn.environment,
      AWS_REGION: this.region,
      AWS_DEFAULT_REGION: this.region,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      AWS_LAMBDA_FUNCTION_NAME: name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: 'local',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      TZ: ':UTC',
      ...(fn.accessKeyId !== undefined && secret !== undefined
        ? { AWS_ACCESS_KEY_ID: fn.accessKeyId, AWS_SECRET_ACCESS_KEY: secret }
        : {}),
      ...(this.endpoint === undefined ? {} : { AWS_ENDPOINT_URL_SSM: this.endpoint }),
    };
  }

  private specifierOf(fn: FunctionConfig): string {
    return fn.module.startsWith('.') || isAbsolute(fn.module)
      ? pathToFileURL(resolve(fn.module)).href
      : fn.module;
  }

  private async invokeIsolated(
    name: string,
    fn: FunctionConfig,
    event: unknown,
    timeoutMs: number,
  ): Promise<unknown> {
    let isolated = this.isolated.get(name);
    if (isolated === undefined) {
      isolated = new IsolatedFunction(this.specifierOf(fn), fn.export, () => this.environmentOf(name, fn));
      this.isolated.set(name, isolated);
    }
    try {
      return await isolated.invoke(event, this.contextFields(name, fn, randomUUID()), timeoutMs);
    } catch (err) {
      const reason = err instanceof IsolatedInvokeError ? err.reason : 'threw';
      this.log(
        reason === 'timeout'
          ? `[local-aws] function ${name}: timed out after ${timeoutMs} ms`
          : reason === 'load-failed'
            ? `[local-aws] function ${name}: cold start failed`
            : `[local-aws] function ${name}: handler failed`,
      );
      throw new InvokeError(reason, { cause: err });
    }
  }

  private contextFields(name: string, fn: FunctionConfig, requestId: string): Record<string, unknown> {
    return {
      callbackWaitsForEmptyEventLoop: true,
      functionName: name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`,
      memoryLimitInMB: String(fn.memoryMb),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${name}`,
      logStreamName: 'local',
    };
  }

  has(nameOrArn: string): boolean {
    return resolveFunctionName(nameOrArn) in this.functions;
  }

  private load(name: string, fn: FunctionConfig): Promise<Handler> {
    let handler = this.loaded.get(name);
    if (handler === undefined) {
      handler = import(this.specifierOf(fn)).then((mod: Record<string, unknown>) => {
        const exported = mod[fn.export];
        if (typeof exported !== 'function') throw new Error(`export ${fn.export} is not a function`);
        return exported as Handler;
      });
      // A failed cold start is retried on the next call, as Lambda starts a new environment.
      handler.catch(() => this.loaded.delete(name));
      this.loaded.set(name, handler);
    }
    return handler;
  }

  async invoke(nameOrArn: string, event: unknown, defaultTimeoutSeconds: number): Promise<unknown> {
    const name = resolveFunctionName(nameOrArn);
    const fn = this.functions[name];
    if (fn === undefined) throw new InvokeError('not-found');
    const timeoutMs = (fn.timeoutSeconds ?? defaultTimeoutSeconds) * 1000;
    if (fn.environment !== undefined) return this.invokeIsolated(name, fn, event, timeoutMs);
    let handler: Handler;
    try {
      handler = await this.load(name, fn);
    } catch (cause) {
      this.log(`[local-aws] function ${name}: cold start failed (${describe(cause)})`);
      throw new InvokeError('load-failed', { cause });
    }
    const deadline = Date.now() + timeoutMs;
    const requestId = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const result = new Promise<unknown>((resolvePromise, reject) => {
      const callback = (err: unknown, value: unknown): void =>
        err ? reject(asError(err)) : resolvePromise(value);
      const context = {
        ...this.contextFields(name, fn, requestId),
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
        done: callback,
        fail: (err: unknown) => reject(asError(err)),
        succeed: (value: unknown) => resolvePromise(value),
      };
      try {
        const returned = handler(event, context, callback);
        if (returned !== undefined) Promise.resolve(returned).then(resolvePromise, reject);
      } catch (err) {
        reject(asError(err));
      }
    });
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new InvokeError('timeout')), timeoutMs);
    });
    try {
      return await Promise.race([result, timeout]);
    } catch (cause) {
      if (cause instanceof InvokeError) {
        this.log(`[local-aws] function ${name}: timed out after ${timeoutMs} ms`);
        throw cause;
      }
      this.log(`[local-aws] function ${name}: handler failed (${describe(cause)})`);
      throw new InvokeError('threw', { cause });
    } finally {
      clearTimeout(timer);
    }
  }
}

const asError = (err: unknown): Error =>
  err instanceof Error ? err : new Error('non-error rejection', { cause: err });

/** The error's name only: a handler's message may hold a secret and never reaches a log or a response. */
function describe(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
