import { randomUUID } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resolveFunctionName, type FunctionConfig } from './config';

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
 * A local Lambda registry: function name → handler module, imported on first invocation (a cold start)
 * and cached, so a process can set `process.env` after `start()` and before the first call.
 */
export class LambdaRegistry {
  private readonly loaded = new Map<string, Promise<Handler>>();

  constructor(
    private readonly functions: Record<string, FunctionConfig>,
    private readonly region: string,
    private readonly accountId: string,
    private readonly log: (line: string) => void,
  ) {}

  has(nameOrArn: string): boolean {
    return resolveFunctionName(nameOrArn) in this.functions;
  }

  private load(name: string, fn: FunctionConfig): Promise<Handler> {
    let handler = this.loaded.get(name);
    if (handler === undefined) {
      const specifier =
        fn.module.startsWith('.') || isAbsolute(fn.module)
          ? pathToFileURL(resolve(fn.module)).href
          : fn.module;
      handler = import(specifier).then((mod: Record<string, unknown>) => {
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
    let handler: Handler;
    try {
      handler = await this.load(name, fn);
    } catch (cause) {
      this.log(`[local-aws] function ${name}: cold start failed (${describe(cause)})`);
      throw new InvokeError('load-failed', { cause });
    }
    const timeoutMs = (fn.timeoutSeconds ?? defaultTimeoutSeconds) * 1000;
    const deadline = Date.now() + timeoutMs;
    const requestId = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const result = new Promise<unknown>((resolvePromise, reject) => {
      const callback = (err: unknown, value: unknown): void =>
        err ? reject(asError(err)) : resolvePromise(value);
      const context = {
        callbackWaitsForEmptyEventLoop: true,
        functionName: name,
        functionVersion: '$LATEST',
        invokedFunctionArn: `arn:aws:lambda:${this.region}:${this.accountId}:function:${name}`,
        memoryLimitInMB: '128',
        awsRequestId: requestId,
        logGroupName: `/aws/lambda/${name}`,
        logStreamName: 'local',
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
